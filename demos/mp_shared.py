"""Shared state: the note's Value('d') / Array('i') example, and a Manager's list, dict and Namespace.

The note says: Value and Array live in a shared memory map, so a child's changes are seen by the
parent (3.1415927 and the negated list); a Manager's server process holds Python objects that
other processes change through proxies.
"""
import time

from demos._mp_util import children, context, join_all, method_name
from demos._util import conclude, print_header, times


def negate(n, a):
    # The note's f: the child writes the shared double and negates the shared int array.
    n.value = 3.1415927
    for i in range(len(a)):
        a[i] = -a[i]


def value_array_example(method=None):
    """The note's example; returns (num.value, arr[:]) as the parent sees them after join()."""
    ctx = context(method)
    num = ctx.Value("d", 0.0)
    arr = ctx.Array("i", range(10))
    with children() as procs:
        proc = ctx.Process(target=negate, args=(num, arr))
        proc.start()
        procs.append(proc)
        join_all(procs)
    return num.value, arr[:]


def change_through_proxies(d, lst, ns):
    # The note's f (d[1], d['2'], d[0.25], l.reverse()) plus a Namespace attribute.
    d[1] = "1"
    d["2"] = 2
    d[0.25] = None
    lst.reverse()
    ns.answer = 42


def manager_example(method=None):
    """The note's Manager example (plus a Namespace); returns (dict, list, namespace attr) as seen after join()."""
    ctx = context(method)
    with ctx.Manager() as manager:
        d = manager.dict()
        lst = manager.list(range(10))
        ns = manager.Namespace()
        with children() as procs:
            proc = ctx.Process(target=change_through_proxies, args=(d, lst, ns))
            proc.start()
            procs.append(proc)
            join_all(procs)
        return dict(d), list(lst), getattr(ns, "answer", None)


def increment_value(value, n):
    """n increments of a shared Value under its lock (the baseline of the proxy cost)."""
    for _ in range(n):
        with value.get_lock():
            value.value += 1


def increment_proxy(ns, n):
    """n read-modify-writes of a Manager Namespace attribute: each is two round trips to the server."""
    for _ in range(n):
        ns.count = ns.count + 1


def observe(method=None, ops=200):
    num, arr = value_array_example(method)
    d, lst, answer = manager_example(method)
    ctx = context(method)
    value = ctx.Value("i", 0)
    t0 = time.perf_counter()
    increment_value(value, ops)
    value_s = (time.perf_counter() - t0) / ops
    with ctx.Manager() as manager:
        ns = manager.Namespace(count=0)
        t0 = time.perf_counter()
        increment_proxy(ns, ops)
        proxy_s = (time.perf_counter() - t0) / ops
    return {
        "mp.shared.method": method_name(method),
        "mp.shared.value_array_example_ok": int(num == 3.1415927 and arr == [-i for i in range(10)]),
        "mp.shared.manager_example_ok": int(d == {1: "1", "2": 2, 0.25: None} and lst == list(range(9, -1, -1))
                                     and answer == 42),
        "mp.shared.value_op_s": value_s,
        "mp.shared.proxy_op_s": proxy_s,
    }


def main(method=None):
    print_header("Shared state: Value / Array and a Manager (start method %r)" % method_name(method))
    print("the note says: the child's changes to Value('d') / Array('i') are seen: 3.1415927 and the")
    print("negated list; a Manager's list/dict are changed by other processes through proxies.")
    print()
    num, arr = value_array_example(method)
    print("Value('d') after the child: %r" % num)
    print("Array('i') after the child: %r" % arr)
    d, lst, answer = manager_example(method)
    print("manager.dict() after the child: %r" % d)
    print("manager.list() after the child: %r" % lst)
    print("manager.Namespace().answer after the child: %r" % answer)
    print()
    o = observe(method)
    print("one increment of a shared Value (its lock held): %.2f us; of a Manager Namespace attribute: %.2f us"
          % (1e6 * o["mp.shared.value_op_s"], 1e6 * o["mp.shared.proxy_op_s"]))
    print("(the proxy %s: every proxy operation is a round trip to the manager's server process;"
          % times(o["mp.shared.proxy_op_s"] / o["mp.shared.value_op_s"]))
    print(" bm_mp_shared.py times both with pyperf)")
    conclude("mp_shared", o)


if __name__ == "__main__":
    main()
