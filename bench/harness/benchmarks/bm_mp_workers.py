"""pyperf: the countdown and a word count split over a thread pool and a process pool of 1, 2, 4 workers."""
import multiprocessing

from bench.harness.pyperf_script import bench_all, make_runner
from demos import mp_workers


def _pass_args(cmd, args):
    cmd.extend(("--work-scale", str(args.work_scale), "--tasks", args.tasks))


def main():
    runner = make_runner(add_cmdline_args=_pass_args)
    runner.argparser.add_argument("--work-scale", type=float, default=1.0,
                                  help="scale of the work per call (default 1: countdown(4,000,000), 4,000 lines)")
    runner.argparser.add_argument("--tasks", default="countdown,words",
                                  help="comma-separated tasks to time (default: countdown,words)")
    args = runner.parse_args()
    runner.metadata["mp_start_method"] = multiprocessing.get_start_method()
    benchmarks = []
    for task in args.tasks.split(","):
        total = mp_workers.total_work(task, args.work_scale)
        for kind in ("threads", "processes"):
            benchmarks += [("mp_workers[%s,%s=%d]" % (task, kind, k), mp_workers.run, kind, k, task, total)
                           for k in mp_workers.WORKERS]
    try:
        bench_all(runner, benchmarks)
    finally:
        mp_workers.shutdown()


if __name__ == "__main__":
    main()
