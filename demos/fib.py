"""Recursive Fibonacci on one thread: the note's GIL vs free-threading comparison.

The note says that on Python 3.13.0 a Fibonacci function runs about 2x faster with the GIL than
with free-threading enabled. Run this module under a GIL build and a free-threaded build of the
same version (and the free-threaded one with PYTHON_GIL=1) to compare; one interpreter alone
cannot give the ratio.
"""
import time

from demos._util import conclude, print_header


def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def observe(n=30):
    start = time.perf_counter()
    value = fib(n)
    seconds = time.perf_counter() - start
    return {"fib.n": n, "fib.value": value, "fib.seconds": seconds}


def main():
    print_header("Single-thread Fibonacci, for GIL vs free-threaded builds (note section: GIL)")
    print("the note says: on 3.13.0 Fibonacci with the GIL is about 2x faster than with free-threading.")
    print()
    r = observe(n=30)
    print("measured here: fib(%d) = %d in %.3f s (one run)" % (r["fib.n"], r["fib.value"], r["fib.seconds"]))
    print()
    print("the ratio needs the same run on the other build: `gilbench run` on both, or bench/harness/benchmarks/bm_fib.py.")
    conclude("fib", r)


if __name__ == "__main__":
    main()
