"""Event and Lock across processes, as the note uses them.

An Event starts unset and wait() blocks until set(); a Lock
lets one process at a time into its critical section, and the others wait.

The note says: the flag of an Event starts False (print(event.is_set()) -> False); wait() blocks
until the flag is True; with a Lock only one process holds it, the others' acquire() block until
release().
"""
import time

from demos._mp_util import WAIT_S, children, context, join_all, method_name
from demos._util import conclude, print_header


def wait_and_report(event, conn):
    woke = event.wait(WAIT_S)
    conn.send((woke, time.perf_counter()))
    conn.close()


def event_trial(method=None, hold_s=0.02):
    """A child wait()s on a fresh Event; the parent set()s it ``hold_s`` later.  Returns
    (initially set, the child's wait() result, the child woke after set(), wake-up latency in s)."""
    ctx = context(method)
    event = ctx.Event()
    initially = event.is_set()
    recv_end, send_end = ctx.Pipe(duplex=False)
    with children() as procs:
        proc = ctx.Process(target=wait_and_report, args=(event, send_end))
        proc.start()
        procs.append(proc)
        send_end.close()
        time.sleep(hold_s)
        # Nothing may have come back while the flag was unset: wait() is still blocking.
        early = recv_end.poll(0)
        set_at = time.perf_counter()
        event.set()
        if not recv_end.poll(WAIT_S):
            raise TimeoutError("the waiting child did not wake within %.0f s" % WAIT_S)
        woke, woke_at = recv_end.recv()
        join_all(procs)
    return initially, woke, (not early) and woke_at >= set_at, woke_at - set_at


def enter_sections(lock, go, sections, hold_s, out):
    """Enter the critical section ``sections`` times; record (asked, entered, left) each time (perf_counter:
    one clock for all processes).  ``lock`` None: no lock, the control that shows overlaps can be seen."""
    go.wait(WAIT_S)
    records = []
    for _ in range(sections):
        asked = time.perf_counter()
        if lock is not None:
            lock.acquire()
        try:
            entered = time.perf_counter()
            time.sleep(hold_s)
            left = time.perf_counter()
        finally:
            if lock is not None:
                lock.release()
        records.append((asked, entered, left))
        time.sleep(hold_s / 4)  # let another process in
    out.put(records)


def lock_intervals(method=None, processes=3, sections=25, hold_s=0.002, locked=True):
    """Every critical section of ``processes`` processes, as (asked, entered, left), sorted by entry."""
    ctx = context(method)
    lock = ctx.Lock() if locked else None
    go = ctx.Event()
    out = ctx.Queue()
    records = []
    with children() as procs:
        for _ in range(processes):
            proc = ctx.Process(target=enter_sections, args=(lock, go, sections, hold_s, out))
            proc.start()
            procs.append(proc)
        go.set()  # all start together, so that they contend
        for _ in range(processes):
            records.extend(out.get(timeout=WAIT_S))
        join_all(procs)
    out.close()
    out.join_thread()
    return sorted(records, key=lambda r: r[1])


def overlaps(records):
    """Sections that began before the one before them ended (sorted by entry)."""
    return sum(1 for prev, cur in zip(records, records[1:]) if cur[1] < prev[2])


def contention(records):
    """(sections asked for while another was inside, of those how many entered before it left, waits in s)."""
    contended, early, waits = 0, 0, []
    for prev, cur in zip(records, records[1:]):
        if cur[0] < prev[2]:  # asked while prev was inside
            contended += 1
            early += cur[1] < prev[2]
            waits.append(cur[1] - cur[0])
    return contended, early, waits


def observe(method=None, event_trials=20, processes=3, sections=30):
    initially, woke, blocked, latencies = [], 0, 0, []
    for _ in range(event_trials):
        i, w, b, lat = event_trial(method)
        initially.append(i)
        woke += w
        blocked += b
        latencies.append(lat)
    locked = lock_intervals(method, processes, sections)
    unlocked = lock_intervals(method, processes, sections, locked=False)
    contended, early, waits = contention(locked)
    # The control of "acquire() blocks": without the lock, entries asked while another process is
    # inside get in at once.
    unlocked_contended, unlocked_early, _ = contention(unlocked)
    return {
        "mp.sync.method": method_name(method),
        "mp.sync.event_initially_set": int(any(initially)),
        "mp.sync.event.trials": event_trials,
        "mp.sync.event.not_blocked": event_trials - blocked,
        "mp.sync.event.woke": woke,
        "mp.sync.event.wakeup_latency_s": latencies,
        "mp.sync.lock.sections": len(locked),
        "mp.sync.lock.overlapping": overlaps(locked),
        "mp.sync.lock.unlocked_overlapping": overlaps(unlocked),
        "mp.sync.lock.contended": contended,
        "mp.sync.lock.entered_while_held": early,
        "mp.sync.lock.unlocked_contended": unlocked_contended,
        "mp.sync.lock.unlocked_entered_while_held": unlocked_early,
        "mp.sync.lock.wait_s": waits or [0.0],
    }


def main(method=None):
    print_header("Event and Lock across processes (start method %r)" % method_name(method))
    print("the note says: an Event starts unset (is_set() -> False) and wait() blocks until set();")
    print("acquire() blocks the other processes until the holder's release().")
    print()
    initially, woke, blocked, latency = event_trial(method, hold_s=0.2)
    print("Event().is_set() at start: %r" % initially)
    print("a child wait()ed; the parent set() it 0.2 s later: the child woke %s set(), %.2f ms after it"
          % ("after" if blocked else "BEFORE", 1000 * latency))
    print()
    locked = lock_intervals(method)
    contended, early, waits = contention(locked)
    print("3 processes enter a 2 ms critical section 25 times each (entry and exit times recorded):")
    print("  with the Lock: %d of %d sections overlapped another; %d entries were asked for while another"
          % (overlaps(locked), len(locked), contended))
    print("  process held the lock, %d of them got in before its release; they waited %.2f ms on average"
          % (early, 1000 * sum(waits) / max(1, len(waits))))
    unlocked = lock_intervals(method, locked=False)
    print("  without it (the control): %d of %d sections overlapped" % (overlaps(unlocked), len(unlocked)))
    # The narration above is not observe(): the claims are judged on what observe() measures.
    conclude("mp_sync", observe(method))


if __name__ == "__main__":
    main()
