"""Pool, every variant of the note, run and checked.

The variants: apply / apply_async (with a timeout), leaving the with-block,
map vs imap memory, map_async callbacks, imap chunksize, imap_unordered order.

The note says: apply_async(f, (20,)).get(timeout=1) prints 400; get(timeout=1) on a 10 s task
raises TimeoutError and "the pool remains available"; leaving the with-block stops the pool; map
returns a full list, a burden on memory for a large input (prefer imap); map_async calls
callback with the results and error_callback with the exception (ZeroDivisionError at 0); imap's
default chunksize is 1 and a larger one speeds it up greatly; imap_unordered may return results
out of order, but with one process the order is kept.
"""
import multiprocessing
import os
import shutil
import tempfile
import time
import tracemalloc

from demos._mp_util import WAIT_S, context, method_name, proc_state, wait_until
from demos._util import conclude, print_header, times


def square(x):
    return x * x


def floor_div_self(x):
    # The note's map_async f: x // x raises ZeroDivisionError at 0.
    return x // x


def sleep_then_mark(seconds, marker):
    """The note's 10 s task, leaving traces: its pid when it starts, a marker file if it ever finishes."""
    with open(marker + ".pid", "w") as f:
        f.write(str(os.getpid()))
    time.sleep(seconds)
    with open(marker, "w") as f:
        f.write("finished")


def apply_and_timeout(method=None, timeout=1.0, task_s=10.0):
    """The note's apply_async example, then what leaving the with-block does to the unfinished task."""
    ctx = context(method)
    tmp = tempfile.mkdtemp(prefix="gilbench-pool-")
    marker = os.path.join(tmp, "finished")
    out = {}
    try:
        with ctx.Pool(processes=4) as pool:
            out["apply"] = pool.apply(square, (20,))
            out["apply_async"] = pool.apply_async(square, (20,)).get(timeout=WAIT_S)
            res = pool.apply_async(sleep_then_mark, (task_s, marker))
            t0 = time.monotonic()
            try:
                res.get(timeout=timeout)
                out["timeout_raised"] = False
            except multiprocessing.TimeoutError:
                out["timeout_raised"] = True
            out["waited_s"] = time.monotonic() - t0
            # "For the moment, the pool remains available for more work."
            out["usable_after"] = pool.apply_async(square, (7,)).get(timeout=WAIT_S) == 49
            wait_until(lambda: os.path.exists(marker + ".pid"))
            with open(marker + ".pid") as f:
                worker = int(f.read())
            out["worker_state_before_exit"] = proc_state(worker)
            left = time.monotonic()
        # Pool.__exit__ calls terminate(): the worker still sleeping is killed and reaped.
        out["exit_s"] = time.monotonic() - left
        out["worker_gone"] = proc_state(worker) is None
        out["task_finished"] = os.path.exists(marker)
        out["task_s"] = task_s
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _numbers(n):
    for i in range(n):
        yield i


def peak_bytes(pool, how, source, n, chunksize):
    """The parent's peak of traced memory while ``pool`` squares n numbers by ``how`` (map/imap) from
    ``source`` (a list, built before measuring, or a generator); imap's results are consumed one by one."""
    data = list(range(n)) if source == "list" else _numbers(n)
    tracemalloc.start()
    try:
        tracemalloc.clear_traces()
        base = tracemalloc.get_traced_memory()[0]
        if how == "map":
            total = sum(pool.map(square, data, chunksize))
        else:
            total = sum(pool.imap(square, data, chunksize))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    if total != sum(i * i for i in range(n)):
        raise AssertionError("wrong sum of squares")
    return peak - base


def memory_pairs(pool, source, n, reps, chunksize=500):
    """map's peak / imap's peak, measured back to back ``reps`` times (the order alternates)."""
    ratios = []
    for i in range(reps):
        if i % 2:
            imap = peak_bytes(pool, "imap", source, n, chunksize)
            mapped = peak_bytes(pool, "map", source, n, chunksize)
        else:
            mapped = peak_bytes(pool, "map", source, n, chunksize)
            imap = peak_bytes(pool, "imap", source, n, chunksize)
        ratios.append(mapped / float(imap))
    return ratios


def map_async_callbacks(pool):
    """The note's map_async example: what callback and error_callback received."""
    got = {"callback": [], "error_callback": []}

    def callback(x):
        got["callback"].append(x)

    def error_callback(exc):
        got["error_callback"].append(exc)

    bad = pool.map_async(floor_div_self, range(10), callback=callback, error_callback=error_callback)
    bad.wait(WAIT_S)
    good = pool.map_async(floor_div_self, range(1, 10), callback=callback, error_callback=error_callback)
    good.wait(WAIT_S)
    # The callbacks run on the pool's result thread just before wait() returns; give it a moment.
    wait_until(lambda: len(got["callback"]) + len(got["error_callback"]) >= 2, timeout=5.0)
    return got


def imap_consume(pool, n, chunksize):
    """Square n numbers through imap with ``chunksize`` (pyperf times this)."""
    total = 0
    for value in pool.imap(square, range(n), chunksize):
        total += value
    return total


def out_of_order(pool, trials, n=10):
    """Of ``trials`` imap_unordered runs over range(n) (the note's), how many came back out of order."""
    count = 0
    for _ in range(trials):
        if list(pool.imap_unordered(square, range(n))) != [i * i for i in range(n)]:
            count += 1
    return count


def observe(method=None, timeout=1.0, task_s=10.0, n=60000, reps=6, order_trials=100):
    ctx = context(method)
    applied = apply_and_timeout(method, timeout, task_s)
    out = {
        "mp.pool.method": method_name(method),
        "mp.pool.apply_value": applied["apply"],
        "mp.pool.apply_async_value": applied["apply_async"],
        "mp.pool.apply_async_timeout_raised": int(applied["timeout_raised"]),
        "mp.pool.apply_async_waited_s": applied["waited_s"],
        "mp.pool.usable_after_timeout": int(applied["usable_after"]),
        # Terminated: the worker running the unfinished task is gone at once, long before the
        # task could have ended, and the task's last line never ran.
        "mp.pool.with_exit_terminated_task": int(applied["worker_gone"] and not applied["task_finished"]
                                            and applied["exit_s"] < applied["task_s"]),
        "mp.pool.with_exit_s": applied["exit_s"],
    }
    with ctx.Pool(processes=4) as pool:
        for source in ("list", "generator"):
            out["mp.pool.map_over_imap_peak_pairs.%s" % source] = memory_pairs(pool, source, n, reps)
        got = map_async_callbacks(pool)
        errors = got["error_callback"]
        out["mp.pool.map_async_error_is_zerodivision"] = int(len(errors) == 1 and isinstance(errors[0], ZeroDivisionError))
        out["mp.pool.map_async_callback_ok"] = int(got["callback"] == [[1] * 9])
        out["mp.pool.unordered_4procs.out_of_order"] = out_of_order(pool, order_trials)
        out["mp.pool.unordered_4procs.trials"] = order_trials
    with ctx.Pool(processes=1) as pool:
        out["mp.pool.unordered_1proc.out_of_order"] = out_of_order(pool, order_trials)
        out["mp.pool.unordered_1proc.trials"] = order_trials
    return out


def main(method=None, timeout=1.0, task_s=10.0):
    print_header("Pool: apply_async and its timeout, the with-block, map vs imap, callbacks, order "
                 "(start method %r)" % method_name(method))
    a = apply_and_timeout(method, timeout, task_s)
    print("pool.apply(f, (20,)) = %r; apply_async(f, (20,)).get(timeout=1) = %r (the note: 400)"
          % (a["apply"], a["apply_async"]))
    print("apply_async(<sleep %g s>).get(timeout=%g): %s after %.2f s; the pool then answered f(7) = 49: %s"
          % (task_s, timeout, "TimeoutError" if a["timeout_raised"] else "no TimeoutError", a["waited_s"],
             a["usable_after"]))
    print("leaving the with-block took %.3f s; the worker running the %g s task: %s; the task's last line ran: %s"
          % (a["exit_s"], task_s, "gone (terminated)" if a["worker_gone"] else "still there",
             a["task_finished"]))
    print("  -> Pool.__exit__ calls terminate(), not close()+join(): unfinished tasks are killed.")
    print()
    ctx = context(method)
    with ctx.Pool(processes=4) as pool:
        print("parent's peak traced memory squaring 60,000 numbers (chunksize 500), map keeps the result list:")
        for source in ("list", "generator"):
            mapped = peak_bytes(pool, "map", source, 60000, 500)
            imap = peak_bytes(pool, "imap", source, 60000, 500)
            print("  input a %-9s map %7.0f KiB   imap %7.0f KiB   map's peak %s" % (
                source, mapped / 1024.0, imap / 1024.0, times(mapped / float(imap), "higher", "lower")))
        got = map_async_callbacks(pool)
        print()
        print("map_async(x // x, range(10)): error_callback got %r" % got["error_callback"])
        print("map_async(x // x, range(1, 10)): callback got %r" % got["callback"])
        print()
        print("imap_unordered(f, range(10)) with 4 processes, 100 runs: %d out of order" % out_of_order(pool, 100))
        print("one run: %r" % list(pool.imap_unordered(square, range(10))))
    with ctx.Pool(processes=1) as pool:
        print("the same with 1 process: %d of 100 out of order" % out_of_order(pool, 100))
    print()
    print("imap's chunksize (1 by default) is timed by bench/harness/benchmarks/bm_mp_imap.py.")
    # The narration above is not observe(): the claims are judged on what observe() measures.
    conclude("mp_pool", observe(method, timeout, task_s))


if __name__ == "__main__":
    main()
