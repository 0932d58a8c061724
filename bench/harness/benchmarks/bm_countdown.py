"""pyperf: the note's countdown(10,000,000) on the countdown workload's grid: 1, 2, 4 threads and
2, 4 processes (plus one worker thread, to tell the main thread's own speed from the GIL's effect)."""
from bench.harness.pyperf_script import bench_interleaved, grid, make_runner
from demos import countdown


def _timed(point, n):
    if point.get("threads") == 1:
        return (countdown.run_single, n)  # on the main thread, as in the note
    if "processes" in point:
        return (countdown.run_processes, n, point["processes"])
    return (countdown.run_threads, n, point.get("threads") or point["worker-threads"])


def main():
    runner = make_runner("countdown")
    args = runner.parse_args()
    n = args.countdown_n
    runner.metadata["countdown_n"] = n
    benchmarks = grid("countdown")
    bench_interleaved(runner, [(benchmarks.name(p),) + _timed(p, n) for p in benchmarks.points()])

if __name__ == "__main__":
    main()
