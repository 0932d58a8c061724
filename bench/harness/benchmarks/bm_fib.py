"""pyperf: recursive fib(25) and fib(30) on one thread (the fib grid), to compare GIL and free-threaded builds."""
from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos.fib import fib


def main():
    benchmarks = grid("fib")
    bench_all(make_runner("fib"), [(benchmarks.name(p), fib, p["n"]) for p in benchmarks.points()])


if __name__ == "__main__":
    main()
