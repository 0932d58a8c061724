"""pyperf: recursive fib(25) on one thread, to compare GIL and free-threaded builds."""
import time

from bench._meta import make_runner
from demos.fib import fib

_N = 25


def _time_fib(loops):
    start = time.perf_counter()
    for _ in range(loops):
        fib(_N)
    return time.perf_counter() - start


def main():
    runner = make_runner()
    runner.bench_time_func("fib[n=%d]" % _N, _time_fib)


if __name__ == "__main__":
    main()
