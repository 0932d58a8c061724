"""pyperf: the note's countdown(10,000,000) on 1, 2, 4 threads and 2, 4 processes
(plus one worker thread, to tell the main thread's own speed from the GIL's effect)."""
import multiprocessing

from bench.harness.pyperf_script import bench_all, make_runner
from demos import countdown


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
    # Recorded: 3.14 changes Linux's default start method, and process start-up is in the timing.
    runner.metadata["mp_start_method"] = multiprocessing.get_start_method()
    bench_all(runner, [
        # threads=1 runs on the main thread, as in the note.
        ("countdown[threads=1]", countdown.run_single, n),
        # The same single countdown on one worker thread: on several builds the main thread runs
        # this loop measurably slower or faster than a worker thread does, an effect the note's
        # single-vs-two-threads comparison mixes into its ratio.
        ("countdown[worker-threads=1]", countdown.run_threads, n, 1),
    ] + [("countdown[threads=%d]" % k, countdown.run_threads, n, k) for k in (2, 4)]
      + [("countdown[processes=%d]" % k, countdown.run_processes, n, k) for k in (2, 4)])

if __name__ == "__main__":
    main()
