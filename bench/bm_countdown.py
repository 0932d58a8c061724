"""pyperf: the note's countdown(10,000,000) on 1, 2, 4 threads and 2, 4 processes
(plus one worker thread, to tell the main thread's own speed from the GIL's effect)."""
import time

from bench._meta import make_runner
from demos import countdown


def _time_single(loops, n):
    start = time.perf_counter()
    for _ in range(loops):
        countdown.run_single(n)
    return time.perf_counter() - start


def _time_threads(loops, n, k):
    start = time.perf_counter()
    for _ in range(loops):
        countdown.run_threads(n, k)
    return time.perf_counter() - start


def _time_processes(loops, n, k):
    start = time.perf_counter()
    for _ in range(loops):
        countdown.run_processes(n, k)
    return time.perf_counter() - start


def _pass_n(cmd, args):
    # Workers are fresh processes: they only see --countdown-n if it is forwarded.
    cmd.extend(("--countdown-n", str(args.countdown_n)))


def main():
    runner = make_runner(add_cmdline_args=_pass_n)
    runner.argparser.add_argument("--countdown-n", type=int, default=countdown.NOTE_N,
                                  help="countdown total (default: the note's 10,000,000)")
    args = runner.parse_args()
    n = args.countdown_n
    runner.metadata["countdown_n"] = n
    # threads=1 runs on the main thread, as in the note.
    runner.bench_time_func("countdown[threads=1]", _time_single, n)
    # The same single countdown on one worker thread: on several builds the main thread runs
    # this loop measurably slower or faster than a worker thread does, an effect the note's
    # single-vs-two-threads comparison mixes into its ratio.
    runner.bench_time_func("countdown[worker-threads=1]", _time_threads, n, 1)
    for k in (2, 4):
        runner.bench_time_func("countdown[threads=%d]" % k, _time_threads, n, k)
    for k in (2, 4):
        runner.bench_time_func("countdown[processes=%d]" % k, _time_processes, n, k)


if __name__ == "__main__":
    main()
