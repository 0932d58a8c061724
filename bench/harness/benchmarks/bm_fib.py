"""pyperf: recursive fib(25) on one thread, to compare GIL and free-threaded builds."""
from bench.harness.pyperf_worker import bench_calls, make_runner
from demos.fib import fib

_N = 25


def main():
    runner = make_runner()
    bench_calls(runner, "fib[n=%d]" % _N, fib, _N)


if __name__ == "__main__":
    main()
