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
"""
import gc
import threading
import time

from demos._util import conclude, gil_enabled, print_header, switch_interval

# A pause in the counter longer than this is recorded as a gap (its iterations take well under 1 us).
_GAP_S = 0.0002
_JOIN_TIMEOUT_S = 30
_SWITCH_INTERVAL_S = 1.0
# The counter offers the GIL this often (sleep(0)): about every 0.1 ms.
_YIELD_EVERY = 500


def build_heap(containers):
    """About ``containers`` tracked containers that stay alive: a list of [i, {"i": i}] pairs."""
    return [[i, {"i": i}] for i in range(containers // 2)]


class _Counter(object):
    """A thread that spins and records (start, end) of every gap in its progress."""

    def __init__(self):
        self.gaps = []
        self.iterations = 0
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
        self.iterations = n

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
        time.sleep(0.02)  # let the counter start spinning
        for _ in range(trials):
            time.sleep(0.01)
            start, end = _timed_collection()
            windows.append((start, end))
            time.sleep(0.01)
            t0 = time.perf_counter()
            time.sleep(end - start)
            controls.append((t0, time.perf_counter()))
    # Shares only now: a gap is recorded when the counter moves again, so after it has stopped.
    collect_shares = [x for x in (counter.share_moving(a, b) for a, b in windows) if x is not None]
    control_shares = [x for x in (counter.share_moving(a, b) for a, b in controls) if x is not None]
    pauses = [b - a for a, b in windows]
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
    }


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
    print()
    if r["gc.pause.gil_enabled"]:
        print("with the GIL on, no other thread runs Python code while the collector holds the GIL: this shows")
        print("that a collection keeps the GIL throughout, not more. Run it with the GIL off (a free-threaded")
        print("build) to see whether the collector stops threads that could run in parallel.")
    else:
        print("with the GIL off the counter could run in parallel: a share near 0 means the collector stopped it.")
    conclude("gc_pause", r)


if __name__ == "__main__":
    main()
