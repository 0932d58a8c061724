"""Does everything else stop while the cyclic collector runs?

The note: "generational GC가 실행되면, 다른 모든 작업은 정지된다".  A counter thread spins while
the main thread runs full collections of a container-heavy heap; the counter records every gap
in its own progress.  For each collection (the clock read just before and after it) the share
of the collection's time during which the counter moved is measured.  As a control, the same
share is measured while the main thread sleeps for as long as a collection took: it shows that
the method sees progress when nothing holds the counter back.

What a build can show: on a GIL build no other thread runs Python code while the collecting
thread holds the GIL, so a share near 0 shows only that the collection keeps the GIL.  With the
GIL off, the counter could run in parallel: a share near 0 there means the collector stopped it.

Beside the counter, a thread inside C code that released the GIL (one hashlib.pbkdf2_hmac call
lasting about four collections): a collection runs while it is in that call, and the main
thread reads the worker's own CPU clock (time.pthread_getcpuclockid) just before and after.
Its share is the worker's CPU seconds per second of the collection: about 1 = it ran
throughout, 0 = the collection stopped it; the same share while the main thread only sleeps
is its control.  This can be judged on every build: the GIL does not hold back a thread that
released it, and a free-threaded build's stop-the-world waits only for threads attached to
the interpreter, not for one inside a C call that detached.
"""
import gc
import hashlib
import threading
import time

from demos._util import conclude, gil_enabled, print_header, switch_interval

# A pause in the counter longer than this is recorded as a gap (its iterations take well under 1 us).
_GAP_S = 0.0002
_JOIN_TIMEOUT_S = 30
_SWITCH_INTERVAL_S = 1.0
# The counter offers the GIL this often (sleep(0)): about every 0.1 ms.
_YIELD_EVERY = 500
# The C worker's call: doubled at most this often when a trial's call ended inside its windows,
# and never more iterations than pbkdf2_hmac takes (a C int).
_MAX_DOUBLINGS = 3
_MAX_ITERATIONS = 2 ** 31 - 1
# The margin by which the call's CPU must exceed the wall time to the last reading (spanned_whole):
# what the worker runs outside the C call, before and after it, is microseconds.
_STILL_INSIDE_S = 0.001
# The counter's real sleep once the main thread's own sleep is over (``_Counter.sleep``).
_HAND_BACK_S = 0.0001


def build_heap(containers):
    """About ``containers`` tracked containers that stay alive: a list of [i, {"i": i}] pairs."""
    return [[i, {"i": i}] for i in range(containers // 2)]


class _Counter(object):
    """A thread that spins and records (start, end) of every gap in its progress."""

    def __init__(self):
        self.gaps = []
        self.iterations = 0
        self._hand_back_at = float("inf")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gilbench-gc-counter")

    def _run(self):
        clock = time.perf_counter
        stopped = self._stop.is_set
        gaps = self.gaps
        last = clock()
        n = 0
        pause = time.sleep
        while not stopped():
            now = clock()
            if now - last > _GAP_S:
                gaps.append((last, now))
            last = now
            n += 1
            if not n % _YIELD_EVERY:
                pause(0)  # lets a waiting main thread take the GIL at once (a GIL build)
            if now >= self._hand_back_at:
                pause(_HAND_BACK_S)
        self.iterations = n

    def sleep(self, seconds):
        """The main thread's sleep, after which the counter hands the GIL back at once.

        With the long switch interval, a main thread waking from a sleep waited for the GIL until
        the counter's sleep(0) happened to let it in (on a 2-CPU machine: 0.6 s a sleep on average,
        20 s of a 3.9 column): sleep(0) releases the GIL and takes it back before the waiting thread
        runs.  Told when the sleep ends, the counter sleeps for real from then on (its GIL free)
        until the main thread is back."""
        self._hand_back_at = time.perf_counter() + seconds
        try:
            time.sleep(seconds)
        finally:
            self._hand_back_at = float("inf")

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(_JOIN_TIMEOUT_S)

    def share_moving(self, start, end):
        """The share of [start, end] during which the counter was not inside a recorded gap."""
        if end <= start:
            return None
        still = 0.0
        for a, b in list(self.gaps):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                still += hi - lo
        return max(0.0, 1.0 - still / (end - start))


class _CCall(object):
    """A worker thread inside one C call that releases the GIL: hashlib.pbkdf2_hmac of ``iterations``
    (OpenSSL's loop, the GIL released around it; no memory to speak of).  ``cpu()`` reads the
    worker's own CPU clock from another thread: how long it really ran, whatever held the GIL."""

    def __init__(self, iterations):
        self.iterations = iterations
        self._clock = None
        # The worker's CPU clock and the wall clock as its call starts, its CPU clock when the call
        # returned, and the wall clock at the last reading from outside (see spanned_whole()).
        self.cpu_at_start = self.wall_at_start = self.cpu_at_end = self.last_read_wall = None
        self.inside = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gilbench-gc-c-worker")

    def _run(self):
        # The worker names its own clock: asked from outside, a call that ended first leaves a dead
        # thread id (ESRCH, or worse, a reused one), while a clock id of an ended thread only
        # fails to read (EINVAL), which cpu() turns into None.
        try:
            self._clock = time.pthread_getcpuclockid(threading.get_ident())
            self.cpu_at_start, self.wall_at_start = time.clock_gettime(self._clock), time.perf_counter()
        except OSError:  # no clock to read: the trial is dropped (spanned_whole() is False)
            self._clock = None
            return
        finally:
            self.inside.set()  # never left waiting for a worker that could not start its call
        hashlib.pbkdf2_hmac("sha256", b"gilbench", b"gc-pause", self.iterations)
        try:
            self.cpu_at_end = time.clock_gettime(self._clock)
        except OSError:
            pass  # cpu_at_end stays None: the trial is dropped

    def cpu(self):
        """The worker's CPU seconds so far; None once it has left the C call (its clock id is then
        invalid, EINVAL): a window it did not span whole says nothing."""
        if self._clock is None or not self._thread.is_alive():
            return None
        try:
            cpu = time.clock_gettime(self._clock)
        except OSError:
            return None
        self.last_read_wall = time.perf_counter()
        return cpu

    def spanned_whole(self):
        """After the call was joined: True if it certainly was still inside its C call at the last
        reading.  A call that ended inside a window, its thread still alive (waiting for the GIL, or
        for a stopped world to restart), leaves a clock that stopped early: the share read low.
        Decided without the shares: a thread runs at most one CPU second per wall second, so a call
        that used more CPU in all than the wall time from its start to the last reading had not
        ended by then (comparing the last reading with the call's end would drop the trials in
        which the worker ran most, the ones that contradict "everything stops")."""
        if None in (self.cpu_at_start, self.cpu_at_end, self.last_read_wall):
            return False
        return (self.cpu_at_end - self.cpu_at_start) - (self.last_read_wall - self.wall_at_start) > _STILL_INSIDE_S

    def __enter__(self):
        self._thread.start()
        self.inside.wait(_JOIN_TIMEOUT_S)
        return self

    def __exit__(self, *exc):
        self._thread.join(_JOIN_TIMEOUT_S)

    def still_running(self):
        """True if the call outlived the join's timeout (a machine far slower than calibrated)."""
        return self._thread.is_alive()


def _iterations_for(seconds):
    probe = 20000
    start = time.perf_counter()
    hashlib.pbkdf2_hmac("sha256", b"gilbench", b"gc-pause", probe)
    per = (time.perf_counter() - start) / probe
    return max(probe, int(seconds / max(per, 1e-9)))


def _cpu_share(call, window):
    """The worker's CPU seconds per wall second while ``window()`` runs (a collection, or a sleep)."""
    cpu0, wall0 = call.cpu(), time.perf_counter()
    window()
    wall, cpu1 = time.perf_counter() - wall0, call.cpu()
    if cpu0 is None or cpu1 is None or wall <= 0:
        return None  # the C call ended inside the window: the trial is dropped, not guessed
    return (cpu1 - cpu0) / wall


def c_worker_trials(trials, collect_s):
    """Per trial: the share of a collection's time during which a thread inside GIL-releasing C code
    ran on a CPU (its own CPU clock), and the same share while the main thread sleeps as long (the
    control: what the machine gave the worker when nothing could stop it).  The C call lasts about
    four collections, so that each window lies inside it.  ([], []) where a thread's CPU clock
    cannot be read (no pthread_getcpuclockid)."""
    if not hasattr(time, "pthread_getcpuclockid"):
        return [], []
    iterations = _iterations_for(4 * collect_s + 0.05)
    during, control, doublings = [], [], 0
    # A trial whose C call ended inside a window is dropped and run again with a call twice as long
    # (the calibration can be off on a busy machine): at most _MAX_DOUBLINGS times (a call of about
    # 8x the first, well under a second), then the trials it has are what it reports.  Bounded in
    # time as well as in tries: a worker inside a C call cannot be stopped, only waited for.
    for _ in range(3 * trials):
        if len(during) == trials:
            break
        with _CCall(iterations) as call:
            time.sleep(0.005)  # the worker is inside the C call by now (it set the event just before)
            d = _cpu_share(call, gc.collect)
            c = _cpu_share(call, lambda: time.sleep(collect_s))
        if call.still_running():
            break  # a call past the join's timeout cannot be stopped: no longer one beside it
        # A trial counts whole or not at all: its collection and its control stay paired, index by index.
        if d is None or c is None or not call.spanned_whole():
            if doublings == _MAX_DOUBLINGS:
                break
            doublings += 1
            iterations = min(2 * iterations, _MAX_ITERATIONS)
            continue
        during.append(d)
        control.append(c)
    return during, control


def _timed_collection():
    start = time.perf_counter()
    gc.collect()
    return start, time.perf_counter()


def observe(trials=6, containers=200000):
    heap = build_heap(containers)
    gc.collect()
    windows, controls = [], []
    # A long switch interval: on a GIL build the counter then runs only when the main thread lets
    # go of the GIL by itself (its sleeps, or a collection that released it), never because the
    # main thread was preempted between reading the clock and starting the collection.
    with switch_interval(_SWITCH_INTERVAL_S), _Counter() as counter:
        counter.sleep(0.02)  # let the counter start spinning
        for _ in range(trials):
            counter.sleep(0.01)
            start, end = _timed_collection()
            windows.append((start, end))
            counter.sleep(0.01)
            t0 = time.perf_counter()
            counter.sleep(end - start)
            controls.append((t0, time.perf_counter()))
    # Shares only now: a gap is recorded when the counter moves again, so after it has stopped.
    collect_shares = [x for x in (counter.share_moving(a, b) for a, b in windows) if x is not None]
    control_shares = [x for x in (counter.share_moving(a, b) for a, b in controls) if x is not None]
    pauses = [b - a for a, b in windows]
    c_shares, c_controls = c_worker_trials(trials, sum(pauses) / len(pauses))
    del heap
    return {
        "gc.pause.trials": trials,
        "gc.pause.containers": containers,
        "gc.pause.gil_enabled": int(gil_enabled()),
        "gc.pause.collect_s_samples": pauses,
        "gc.pause.other_thread_share_samples": collect_shares,
        "gc.pause.control_share_samples": control_shares,
        # Trials in which the counter moved for more than half of the collection.
        "gc.pause.progress_trials": sum(1 for s in collect_shares if s > 0.5),
        "gc.pause.progress_trials_of": len(collect_shares),
        # A thread inside C code that released the GIL (pbkdf2_hmac), per collection and per sleep.
        "gc.pause.c_worker_share_samples": c_shares,
        "gc.pause.c_worker_control_samples": c_controls,
        # Per trial, the share during the collection over the share during the sleep just after it.
        "gc.pause.c_worker_vs_control_pairs": [d / c for d, c in zip(c_shares, c_controls) if c > 0],
    }


def _print_c_worker(r, mean):
    kept = len(r["gc.pause.c_worker_share_samples"])
    if not kept:  # a share of no trials is no number: say why instead of "nan%"
        print("  a thread inside C code that released the GIL (hashlib.pbkdf2_hmac): none of %d trials kept (in each,"
              % r["gc.pause.trials"])
        print("  the call ended before the collection did, even at its longest, or this platform cannot read")
        print("  a thread's CPU clock): nothing to say about it here")
        return
    print("  a thread inside C code that released the GIL (hashlib.pbkdf2_hmac) ran on a CPU during %.0f%% of a"
          % (100 * mean(r["gc.pause.c_worker_share_samples"])))
    print("  collection, and during %.0f%% of an equally long sleep of the main thread (its control); %d of %d"
          % (100 * mean(r["gc.pause.c_worker_control_samples"]), kept, r["gc.pause.trials"]))
    print("  trials kept (a trial is kept only where the call certainly spanned the collection and its control)")


def main():
    print_header("Does everything else stop during a collection? (note section: Python의 Garbage Collection)")
    r = observe()
    mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")  # noqa: E731
    print("the note says: while the generational GC runs, all other work stops.")
    print()
    print("measured here: %d full collections of a heap of %d containers, %.1f ms each on average"
          % (r["gc.pause.trials"], r["gc.pause.containers"], 1000 * mean(r["gc.pause.collect_s_samples"])))
    print("  a counter thread moved during %.0f%% of each collection's time (mean over trials)"
          % (100 * mean(r["gc.pause.other_thread_share_samples"])))
    print("  ... and during %.0f%% of an equally long sleep of the main thread (the control)"
          % (100 * mean(r["gc.pause.control_share_samples"])))
    _print_c_worker(r, mean)
    print()
    if r["gc.pause.gil_enabled"]:
        print("with the GIL on, no other thread runs Python code while the collector holds the GIL: this shows")
        print("that a collection keeps the GIL throughout, not more. Run it with the GIL off (a free-threaded")
        print("build) to see whether the collector stops threads that could run in parallel.")
    else:
        print("with the GIL off the counter could run in parallel: a share near 0 means the collector stopped it.")
    print("the C-code thread's share, on any build: near 1 means a collection does not stop everything.")
    conclude("gc_pause", r)


if __name__ == "__main__":
    main()
