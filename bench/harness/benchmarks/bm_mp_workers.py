"""pyperf: the countdown and a word count split over a thread pool and a process pool of 1, 2, 4
workers (the mp_workers workload's grid; --tasks picks the tasks)."""
from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos import mp_workers


def main():
    runner = make_runner("mp_workers")
    args = runner.parse_args()
    grid_ = grid("mp_workers")
    points = grid_.points()
    benchmarks = []
    for task in args.tasks.split(","):
        total = mp_workers.total_work(task, args.work_scale)
        for p in (p for p in points if p["task"] == task):
            kind = "threads" if "threads" in p else "processes"
            benchmarks.append((grid_.name(p), mp_workers.run, kind, p[kind], task, total))
    try:
        # Each benchmark's pool is made on its first call (pyperf's warm-up) and shut once it is timed.
        bench_all(runner, benchmarks, after=lambda _func: mp_workers.shutdown())
    finally:
        mp_workers.shutdown()


if __name__ == "__main__":
    main()
