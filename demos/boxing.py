"""Why Python is slow: every value is a boxed object, and every ``a + b`` dispatches on types.

The note (section "Python은 왜 느린가?"): Python has no primitive values, an int is a full
object behind a pointer; and every operation looks its operands' types up at run time, so
``a + b`` costs far more than in C.  This demo measures the first: the size of an int object
and the bytes each element of a list of ints takes (pointer + object) against an
``array.array`` of machine integers, from the allocator's own accounting (``tracemalloc``).
The second is timed with pyperf (``bench/harness/benchmarks/bm_slow.py``): a Python loop of
``total = total + x`` against ``sum()``, whose loop runs in C.
"""
import array
import sys
import time
import tracemalloc

from demos._util import conclude, print_header, times

# Values above the small-int cache (-5..256), so that every element is an object of its own.
_FIRST = 10 ** 6


def python_sum(values):
    """The note's ``a + b``, one bytecode-level addition per element."""
    total = 0
    for x in values:
        total = total + x
    return total


def _traced(build):
    """Bytes the allocator was asked for (and still holds) while ``build()``'s result lives."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = build()
        grown = tracemalloc.get_traced_memory()[0] - before
        del kept
        return grown
    finally:
        if not was_tracing:
            tracemalloc.stop()


def observe(n=200000):
    """Object and per-element sizes (bytes), and one untimed-by-pyperf look at the add loop."""
    values = list(range(_FIRST, _FIRST + n))
    list_bytes = _traced(lambda: list(range(_FIRST, _FIRST + n)))
    array_bytes = _traced(lambda: array.array("q", [0]) * n)
    start = time.perf_counter()
    python_sum(values)
    loop_s = time.perf_counter() - start
    start = time.perf_counter()
    sum(values)
    builtin_s = time.perf_counter() - start
    return {
        "slow.int_size_bytes": sys.getsizeof(_FIRST),
        "slow.small_int_size_bytes": sys.getsizeof(1),
        "slow.array_item_bytes": array.array("q").itemsize,
        "slow.bytes_per_int_list": list_bytes / float(n),
        "slow.bytes_per_int_array": array_bytes / float(n),
        "slow.bytes_per_int_list_over_array": list_bytes / float(array_bytes),
        # One pass each, for the narration only; the claim is judged on pyperf's paired rounds.
        "slow.one_pass.ns_per_add_python": 1e9 * loop_s / n,
        "slow.one_pass.ns_per_add_builtin": 1e9 * builtin_s / n,
    }


def main():
    print_header("Boxed ints and dynamic typing (note section: Python은 왜 느린가?)")
    r = observe()
    print("sys.getsizeof(1) = %d bytes; an int above the small-int cache: %d bytes"
          % (r["slow.small_int_size_bytes"], r["slow.int_size_bytes"]))
    print("a list of ints: %.1f bytes per element (pointer + int object); array('q'): %.1f bytes (the list: %s)"
          % (r["slow.bytes_per_int_list"], r["slow.bytes_per_int_array"], times(r["slow.bytes_per_int_list_over_array"], "larger", "smaller")))
    print("total = total + x in a Python loop: %.1f ns per element; sum() (its loop in C): %.1f ns (one pass each;"
          " gilbench times them with pyperf)" % (r["slow.one_pass.ns_per_add_python"],
                                                 r["slow.one_pass.ns_per_add_builtin"]))
    conclude("boxing", r)


if __name__ == "__main__":
    main()
