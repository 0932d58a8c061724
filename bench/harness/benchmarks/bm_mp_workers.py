"""pyperf: the countdown and a word count split over a thread pool and a process pool of 1, 2, 4
workers (the mp_workers workload's grid; --tasks picks the tasks)."""
from bench.harness.pyperf_script import bench_interleaved, grid, make_runner
from demos import mp_workers


def main():
    runner = make_runner("mp_workers")
    args = runner.parse_args()
    grid_ = grid("mp_workers")
    points = grid_.points()
    tasks = args.tasks.split(",")
    known = sorted({p["task"] for p in points})
    # An unknown task would time nothing and exit 0; a repeated one would mix two benchmarks' calls.
    if len(set(tasks)) != len(tasks) or not set(tasks) <= set(known):
        runner.argparser.error("--tasks: each of %s at most once, not %r" % (", ".join(known), args.tasks))
    benchmarks = []
    for task in tasks:
        total = mp_workers.total_work(task, args.work_scale)
        for p in (p for p in points if p["task"] == task):
            kind = "threads" if "threads" in p else "processes"
            benchmarks.append((grid_.name(p), mp_workers.run, kind, p[kind], task, total))
    try:
        # The calls are taken in turn (bench_interleaved), so every benchmark's pool is made on its
        # first call (the warm-up pass) and all of them wait, idle, between their calls: a pool of
        # processes or threads that waits on its queue takes no CPU from the one being timed.
        bench_interleaved(runner, benchmarks)
    finally:
        mp_workers.shutdown()


if __name__ == "__main__":
    main()
