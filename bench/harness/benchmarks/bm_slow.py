"""pyperf: ``total = total + x`` in a Python loop against ``sum()`` over the same list (its loop in C)."""
from bench.harness.pyperf_script import bench_interleaved, grid, make_runner
from demos.boxing import python_sum

# 500,000 ints above the small-int cache: the Python loop takes 10 ms or more per call.
_N = 500000
_VALUES = list(range(10 ** 6, 10 ** 6 + _N))


def main():
    timed = {"python-loop": python_sum, "builtin-sum": sum}
    benchmarks = grid("boxing")
    bench_interleaved(make_runner("boxing"),
                      [(benchmarks.name(p), timed[p["loop"]], _VALUES) for p in benchmarks.points()])


if __name__ == "__main__":
    main()
