"""The note's CPU-bound countdown on one thread, on k threads, and on k processes.

The note says: countdown(10,000,000) takes 0.4598 s on one thread and 0.8524 s split over two
threads, because of the GIL and the cost of taking and releasing it.
"""
import multiprocessing
import os
import time

from demos._util import print_header, run_in_threads

NOTE_N = 10_000_000
NOTE_SINGLE_S = 0.459784
NOTE_THREADS2_S = 0.852366


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


def observe(n=NOTE_N):
    return {
        "countdown.n": n,
        "countdown.cpu_per_wall.threads2": cpu_per_wall(n, 2),
        "countdown.single_s": _timed(run_single, n),
        "countdown.threads2_s": _timed(run_threads, n, 2),
        "countdown.threads4_s": _timed(run_threads, n, 4),
        "countdown.processes2_s": _timed(run_processes, n, 2),
        "countdown.processes4_s": _timed(run_processes, n, 4),
        "countdown.start_method": multiprocessing.get_start_method(),
        "countdown.cpu_count": os.cpu_count() or 1,
    }


def main():
    print_header("CPU-bound countdown on threads and processes (note section: GIL)")
    print("the note says: countdown(%d) on 1 thread %.4f s, split over 2 threads %.4f s (x%.2f slower)"
          % (NOTE_N, NOTE_SINGLE_S, NOTE_THREADS2_S, NOTE_THREADS2_S / NOTE_SINGLE_S))
    print()
    r = observe()
    single = r["countdown.single_s"]
    print("measured here (n=%d, %d CPUs, start method %r, one run each):"
          % (r["countdown.n"], r["countdown.cpu_count"], r["countdown.start_method"]))
    for label, key in (("1 thread", "single_s"), ("2 threads", "threads2_s"), ("4 threads", "threads4_s"),
                       ("2 processes", "processes2_s"), ("4 processes", "processes4_s")):
        t = r["countdown." + key]
        print("  %-12s %.4f s  (x%.2f of one thread)" % (label, t, t / single))
    print("  2 threads used %.2f CPU-seconds per second (1.0: one at a time; 2.0: in parallel)"
          % r["countdown.cpu_per_wall.threads2"])
    print()
    print("process times include starting the children; one run each is a sketch, "
          "bench/harness/benchmarks/bm_countdown.py measures properly.")


if __name__ == "__main__":
    main()
