"""pyperf: the access patterns of CPython's Tools/ftscalingbench on 1 and N threads (the ft_patterns
workload's grid), each thread doing the full work."""
from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos import ft_patterns


def main():
    runner = make_runner("ft_patterns")
    benchmarks = grid("ft_patterns")
    points = benchmarks.points()
    runner.metadata["ft_threads"] = max(p["threads"] for p in points)
    bench_all(runner, [(benchmarks.name(p), ft_patterns.run_pattern, p["pattern"], p["threads"]) for p in points])


if __name__ == "__main__":
    main()
