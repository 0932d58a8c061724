"""pyperf: the countdown and a word count split over a thread pool and a process pool of 1, 2, 4 workers."""
import multiprocessing

from bench.harness.pyperf_script import bench_all, make_runner
from demos import mp_workers


def _pass_scale(cmd, args):
    cmd.extend(("--work-scale", str(args.work_scale)))


def main():
    runner = make_runner(add_cmdline_args=_pass_scale)
    runner.argparser.add_argument("--work-scale", type=float, default=1.0,
                                  help="scale of the work per call (default 1: countdown(4,000,000), 4,000 lines)")
    args = runner.parse_args()
    runner.metadata["mp_start_method"] = multiprocessing.get_start_method()
    benchmarks = []
    for task in ("countdown", "words"):
        total = mp_workers._total(task, args.work_scale)
        for kind in ("threads", "processes"):
            benchmarks += [("mp_workers[%s,%s=%d]" % (task, kind, k), mp_workers.run, kind, k, task, total)
                           for k in mp_workers.WORKERS]
    try:
        bench_all(runner, benchmarks)
    finally:
        mp_workers.shutdown()


if __name__ == "__main__":
    main()
