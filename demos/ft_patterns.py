"""Which Python code scales on threads, pattern by pattern.

The access patterns CPython's free-threading scaling
benchmark (Tools/ftscalingbench) watches, each on 1 and on N threads, every thread doing the full work.

scaling = time(N threads) / time(1 thread): about 1 when the threads run in parallel (the
free-threaded build, GIL off), about N when they run one at a time (the GIL, or a shared object
whose reference count or lock all threads fight over).  The patterns are written here after the
ones that benchmark names: creating objects, dicts and closures, calling a method and a module
function, reading a thread-local, loading constants.
"""
import math
import sys
import threading
import time

from demos._util import conclude, gil_enabled, print_header, run_in_threads, times

WORK = 50000  # iterations of one pattern per thread


class _Thing(object):
    def __init__(self):
        self.n = 0

    def bump(self):
        self.n += 1
        return self.n


def _twice(x):
    return x + x


_this_module = sys.modules[__name__]
_local = threading.local()


def create_object(n):
    for _ in range(n):
        _Thing()


def create_dict(n):
    for i in range(n):
        {"key": i, "other": "value"}


def create_closure(n):
    for i in range(n):
        def inner(y):
            return y + i
        inner(i)


def call_method(n):
    thing = _Thing()
    for _ in range(n):
        thing.bump()


def call_module_function(n):
    total = 0
    for i in range(n):
        total += _this_module._twice(i) + math.floor(i * 0.5)
    return total


def read_thread_local(n):
    local = _local
    local.value = 7
    total = 0
    for _ in range(n):
        total += local.value + local.value
    return total


def load_constant(n):
    hits = 0
    for i in range(n):
        if i == (1, 2) or i == "a string":
            hits += 1
        hits += 1.5 > 1.0
    return hits


PATTERNS = {f.__name__: f for f in (create_object, create_dict, create_closure, call_method,
                                    call_module_function, read_thread_local, load_constant)}


def run_pattern(name, threads, n=WORK):
    """``threads`` threads, each doing the full ``n`` iterations of pattern ``name`` (1: the main thread)."""
    func = PATTERNS[name]
    if threads == 1:
        func(n)
    else:
        run_in_threads([(func, (n,))] * threads)


def _timed(name, threads, n):
    t0 = time.perf_counter()
    run_pattern(name, threads, n)
    return time.perf_counter() - t0


def observe(threads=2, n=WORK):
    """One-shot scalings for the narration; the claims judge bm_ftscaling.py's paired timings."""
    out = {"mp.ft.gil_enabled": int(gil_enabled()), "mp.ft.threads": threads}
    for name in PATTERNS:
        run_pattern(name, threads, n // 10)  # warm up (specialisation, the thread-local's dict)
        out["mp.ft.%s.oneshot" % name] = _timed(name, threads, n) / _timed(name, 1, n)
    return out


def main(threads=2):
    print_header("Which code scales on threads (the patterns of CPython's Tools/ftscalingbench)")
    print("time(%d threads, each doing the full work) / time(1 thread): about 1 = runs in parallel," % threads)
    print("about %d = one thread at a time.  One-shot figures; bm_ftscaling.py times them with pyperf." % threads)
    print()
    o = observe(threads)
    for name in PATTERNS:
        print("  %-22s %s than 1 thread" % (name, times(o["mp.ft.%s.oneshot" % name])))
    print()
    print("GIL %s at run time." % ("on" if gil_enabled() else "off"))
    conclude("ft_patterns", o)


if __name__ == "__main__":
    main()
