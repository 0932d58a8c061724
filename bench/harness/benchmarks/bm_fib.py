"""pyperf: recursive fib(25) on one thread, to compare GIL and free-threaded builds."""
from bench.harness.pyperf_script import bench_all, make_runner
from demos.fib import fib

_N = 25


def main():
    bench_all(make_runner(), [("fib[n=%d]" % _N, fib, _N)])


if __name__ == "__main__":
    main()
