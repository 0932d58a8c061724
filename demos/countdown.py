"""The note's CPU-bound countdown on one thread, on k threads, and on k processes.

The note says: countdown(10,000,000) takes 0.4598 s on one thread and 0.8524 s split over two
threads, because of the GIL and the cost of taking and releasing it.
"""
import functools
import multiprocessing
import os
import statistics
import time

from demos._util import conclude, gil_enabled, print_header, run_in_threads, times

NOTE_N = 10_000_000
NOTE_SINGLE_S = 0.459784
NOTE_THREADS2_S = 0.852366

# The labels main() prints.  The baseline is one *worker* thread, so that k threads are compared
# like against like: on some builds (3.11 among them) the main thread runs this loop measurably
# slower than a worker thread, which alone can make k threads look faster than "one thread".
_MAIN_THREAD = "1 thread (main)"
_WORKER_THREAD = "1 worker thread"
_THREAD_COUNTS = {_WORKER_THREAD: 1, "2 threads": 2, "4 threads": 4}
_PROCESS_COUNTS = {"2 processes": 2, "4 processes": 4}
# Even, so that with a steady drift the median of each variant is the mean of one forward and
# one backward round, where the drift cancels; an odd count would leave the middle round's order in.
_DEFAULT_ROUNDS = 6


def countdown(n):
    while n > 0:
        n -= 1


def run_single(n):
    countdown(n)


def run_threads(n, k):
    run_in_threads([(countdown, (n // k,))] * k)


def run_processes(n, k):
    procs = []
    try:
        for _ in range(k):
            proc = multiprocessing.Process(target=countdown, args=(n // k,))
            proc.start()
            procs.append(proc)
        for proc in procs:
            proc.join()
    finally:
        # Only reached with live children when something failed above; do not leave them behind.
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
            proc.join()
    for proc in procs:
        if proc.exitcode != 0:
            raise RuntimeError("countdown child exited with code %s" % proc.exitcode)


def _note_variants():
    """The note's variants as label -> function of n, in the order main() prints them."""
    variants = {_MAIN_THREAD: run_single}
    for label, k in _THREAD_COUNTS.items():
        variants[label] = functools.partial(run_threads, k=k)
    for label, k in _PROCESS_COUNTS.items():
        variants[label] = functools.partial(run_processes, k=k)
    return variants


def time_interleaved(n, rounds=_DEFAULT_ROUNDS, variants=None):
    """Time every variant `rounds` times, interleaved; return label -> list of seconds (in round order).

    `variants` maps a label to a function of n (default: the note's six, see main()).  Each
    variant first runs once untimed (imports, caches, the first fork), then every round times
    each variant once, the order reversed on every other round (ABC, CBA, ABC, ...): a machine
    that speeds up or slows down steadily then favours no variant, unlike timing each variant
    in one block in a fixed order.
    """
    if rounds < 1:
        raise ValueError("rounds must be at least 1, got %r" % (rounds,))
    if variants is None:
        variants = _note_variants()
    labels = list(variants)
    for label in labels:
        variants[label](n)
    timings = {label: [] for label in labels}
    for round_index in range(rounds):
        order = labels if round_index % 2 == 0 else labels[::-1]
        for label in order:
            timings[label].append(_timed(variants[label], n))
    return timings


def _faster_than_gil_allows(k, timings, baseline, gil_on):
    """True when k threads look faster than one thread by more than the measurement's spread
    while the GIL is on -- a figure the GIL makes impossible, so it must not stand unexplained.

    With the GIL on, k >= 2 threads run the same bytecode one at a time, plus switching: they can
    be as fast as one thread, never clearly faster.  "Clearly" here means that even the slowest
    k-thread run beat the fastest baseline run (which implies a median ratio below 1); a
    difference inside the two ranges is noise either way and is not flagged.
    """
    return gil_on and k >= 2 and max(timings) < min(baseline)


def _overlap(timings, baseline):
    return max(timings) >= min(baseline) and max(baseline) >= min(timings)


def _impossible_line(k, cause):
    return ("      ^ with the GIL on, %d threads cannot run Python code faster than one: this figure "
            "reflects %s, not parallelism" % (k, cause))


def _timed(func, *args):
    start = time.perf_counter()
    func(*args)
    return time.perf_counter() - start


def cpu_per_wall(n, k):
    """CPU seconds this process used per wall-clock second while k threads counted down.

    About 1 when one thread runs at a time, up to k when they run in parallel.  Unlike a
    ratio of two timings taken one after the other, it cannot be skewed by the machine
    getting faster or slower between them.
    """
    wall, cpu = time.perf_counter(), time.process_time()
    run_threads(n, k)
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def observe(n=NOTE_N, cpu_rounds=5):
    # Several CPU-per-wall measurements: the judging side takes an interval from them.
    cpu = [cpu_per_wall(n, 2) for _ in range(cpu_rounds)]
    return {
        "countdown.n": n,
        "countdown.cpu_per_wall.threads2": statistics.median(cpu),
        "countdown.cpu_per_wall.threads2_samples": cpu,
        "countdown.start_method": multiprocessing.get_start_method(),
        "countdown.cpu_count": os.cpu_count() or 1,
    }


def main(n=NOTE_N, rounds=_DEFAULT_ROUNDS):
    """Narrate the note's claim next to interleaved timings of countdown(n) (smaller n: tests)."""
    print_header("CPU-bound countdown on threads and processes (note section: GIL)")
    print("the note says: countdown(%d) on 1 thread %.4f s, split over 2 threads %.4f s (x%.2f slower)"
          % (NOTE_N, NOTE_SINGLE_S, NOTE_THREADS2_S, NOTE_THREADS2_S / NOTE_SINGLE_S))
    print()
    variants = _note_variants()
    print("timing %d variants %d times each, interleaved, after one untimed run of each ..."
          % (len(variants), rounds), flush=True)
    timings = time_interleaved(n, rounds, variants)
    # observe() itself (3 rounds, not the run's 5: the demo's timings above already took their time):
    # its CPU per wall second is printed below, and the claims are judged on it.
    observed = observe(n=n, cpu_rounds=3)
    threads2_cpu_per_wall = observed["countdown.cpu_per_wall.threads2"]
    gil_on = gil_enabled()
    baseline = timings[_WORKER_THREAD]
    baseline_median = statistics.median(baseline)
    note_figures = {_MAIN_THREAD: NOTE_SINGLE_S, "2 threads": NOTE_THREADS2_S}
    print()
    print("measured here: countdown(%d), %d CPUs, start method %r, GIL %s at run time."
          % (n, os.cpu_count() or 1, multiprocessing.get_start_method(), "on" if gil_on else "off"))
    print("Each variant ran %d times; the order was reversed on every other round so that a drifting"
          % rounds)
    print("machine favours none.  Median and min..max of the %d runs; the ratio is of medians, to the"
          % rounds)
    print("median of ONE WORKER THREAD (like against like: the main thread's own speed differs).")
    print()
    row = "  %-16s %-9s  %-16s  %-17s  %s"
    print(row % ("variant", "median", "min..max", "/ 1 worker thread", "the note's (its n=%d)" % NOTE_N))
    for label, runs in timings.items():
        ratio = statistics.median(runs) / baseline_median
        if label == _WORKER_THREAD:
            ratio_text = "x%.2f (baseline)" % ratio
        elif _overlap(runs, baseline):
            ratio_text = "%s (overlaps)" % times(ratio)
        else:
            ratio_text = times(ratio)
        note = "%.4f s (the note's)" % note_figures[label] if label in note_figures else ""
        print((row % (label, "%.4f s" % statistics.median(runs), "%.4f..%.4f s" % (min(runs), max(runs)),
                      ratio_text, note)).rstrip())
        k = _THREAD_COUNTS.get(label, 0)
        if _faster_than_gil_allows(k, runs, baseline, gil_on):
            print(_impossible_line(k, "measurement noise or the machine's drift"))
    print("  (overlaps: the min..max ranges of this variant and the baseline overlap, no clear difference)")
    print()
    main_runs, threads2_runs = timings[_MAIN_THREAD], timings["2 threads"]
    print("main thread against a worker thread, 1 thread each: %s (the main-thread effect, which the note's"
          % times(statistics.median(main_runs) / baseline_median))
    print("comparison below mixes into its ratio)")
    print("the note's comparison, 2 threads against 1 thread on the main thread: %s here, %s in the note"
          % (times(statistics.median(threads2_runs) / statistics.median(main_runs)),
             times(NOTE_THREADS2_S / NOTE_SINGLE_S)))
    if _faster_than_gil_allows(2, threads2_runs, main_runs, gil_on):
        print(_impossible_line(2, "the main thread's own slowness (main-thread effect), noise or drift"))
    print("2 threads used %.2f CPU-seconds per second (1.0: one at a time; 2.0: in parallel)"
          % threads2_cpu_per_wall)
    print()
    print("process times include starting the children; "
          "bench/harness/benchmarks/bm_countdown.py measures with pyperf.")
    conclude("countdown", observed)


if __name__ == "__main__":
    main()
