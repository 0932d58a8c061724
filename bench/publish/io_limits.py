"""The I/O chapter's speedups beside their two limits, per column: what the report's section and
the I/O chart both show.

With a service time L and the client's CPU time c per call (both measured in the column's run),
k workers can reach at most k times one worker (each waits L + c per call), and under a GIL at
most (L + c) / c (``io.ceiling.threads``): one thread holds the GIL for c of every L + c, so no
more than (L + c) / c calls make progress at once.  Without a GIL the client's CPU bounds threads
only at CPUs x (L + c) / c.  The lower limit binds; the share of it reached says how close a
speedup came.  Every figure here is a metric of the report (measured); the limits are arithmetic
on them (k, and the measured ceiling), never a typed-in number.

Plain dicts in, plain dicts out: ``rows`` reads ``view``-style data (``{(column, metric): {"value",
"interval"}}`` and ``{column: interpreter dict}``), so both the Markdown (from the model) and the
chart (from the JSON report) use it.
"""
import math

WORKERS = (2, 4, 8, 16)
CEILING = "io.ceiling.threads"
CPU = "io.client_cpu_per_call_s"
# The 0 ms service's capacity: its loads before and after the column's timings (3 and 3; 5 and 5 in
# rigorous mode).  Two clusters are not independent draws: the table shows their range, no interval.
CAPACITY_LOADS = "io.local.capacity_samples"
_SPEEDUP = "io.speedup.threads%d"
_ASYNC = "io.speedup.asyncio16"


def _value(metrics, col, name):
    m = metrics.get((col, name)) or {}
    return m.get("value"), m.get("interval")


def _problem(metrics, col, name):
    # bench.judge.physics: a speedup whose whole interval lies above its k
    return (metrics.get((col, name)) or {}).get("problem")


def _gil_off(info):
    return bool(info.get("free_threaded")) and info.get("gil_enabled") is False


def column_limits(metrics, col, info):
    """(client-CPU limit, how it is read) of one column: (L + c) / c under a GIL, CPUs x that
    without one; (None, why) when the run measured no ceiling."""
    ceiling, _ = _value(metrics, col, CEILING)
    if not ceiling:
        return None, "not measured"
    if _gil_off(info):
        cpus = info.get("cpu_count") or 1
        return ceiling * cpus, "%d CPUs x (L + c)/c, GIL off" % cpus
    return ceiling, "(L + c)/c, under the GIL"


def _numbers(values):
    """The positive finite numbers of a list of observations (anything else: none)."""
    if not isinstance(values, list):
        return []
    return [float(x) for x in values if isinstance(x, (int, float)) and not isinstance(x, bool)
            and math.isfinite(x) and x > 0]


def row(metrics, col, info, observed=None):
    """The column's figures: c, its client-CPU limit, capacity, and per k of ``WORKERS`` measured:
    (k, speedup, interval, the binding limit, which binds, share of it reached).  ``observed``: the
    column's observations: the capacity's loads (their mean and range)."""
    cpu_limit, how = column_limits(metrics, col, info)
    points = []
    for k in WORKERS:
        speedup, interval = _value(metrics, col, _SPEEDUP % k)
        if not speedup:
            continue
        binds = "service time" if cpu_limit is None or k <= cpu_limit else "client CPU"
        limit = k if binds == "service time" else cpu_limit
        points.append({"k": k, "speedup": speedup, "interval": interval, "limit": limit, "binds": binds,
                       "share": speedup / limit, "problem": _problem(metrics, col, _SPEEDUP % k)})
    c, _ = _value(metrics, col, CPU)
    loads = _numbers((observed or {}).get(CAPACITY_LOADS))
    capacity = sum(loads) / len(loads) if loads else (observed or {}).get("io.local.capacity_req_s")
    capacity_range = (min(loads), max(loads), len(loads)) if len(loads) > 1 else None
    asyncio16, _ = _value(metrics, col, _ASYNC)
    return {"column": col, "c_s": c, "cpu_limit": cpu_limit, "cpu_limit_reads": how, "points": points,
            "capacity": capacity, "capacity_range": capacity_range, "asyncio16": asyncio16}


def rows(metrics, interpreters, columns, observations=None):
    """``row`` of every column that measured a thread speedup (``observations``: {column: its observations})."""
    out = [row(metrics, col, interpreters.get(col) or {}, (observations or {}).get(col)) for col in columns]
    return [r for r in out if r["points"]]


def caption_line(r):
    """One line a reader can check: '3.13.5: x7.4 of 8 at 8 threads (93%), x12.1 of 16 at 16 ...'."""
    parts = ["x%.3g of %.3g at %d (%.0f%%, %s binds)" % (p["speedup"], p["limit"], p["k"], 100 * p["share"],
                                                         p["binds"]) for p in r["points"]]
    limit = ("client-CPU limit %.3g = %s" % (r["cpu_limit"], r["cpu_limit_reads"]) if r["cpu_limit"]
             else "client-CPU limit not measured")
    return "%s: %s; %s" % (r["column"], ", ".join(parts), limit)


def _speedup_cell(p):
    interval = p["interval"]
    shown = "x%.3g" % p["speedup"] + (" [%.3g, %.3g]" % tuple(interval[:2]) if interval and None not in interval[:2]
                                       else "")
    return "%s of %.3g (%.0f%%%s)%s" % (shown, p["limit"], 100 * p["share"], ", CPU binds" if p["binds"] == "client CPU"
                                        else "", " ⚠ measurement problem" if p.get("problem") else "")


def to_markdown(metrics, interpreters, columns, observations=None):
    """The report's section: a row per column that measured thread speedups (none: no lines)."""
    from tabulate import tabulate

    found = rows(metrics, interpreters, columns, observations)
    if not found:
        return []
    ks = [k for k in WORKERS if any(p["k"] == k for r in found for p in r["points"])]
    head = ["column", "client CPU c per call", "client-CPU limit", "local service capacity at 0 ms"] + [
        "%d threads" % k for k in ks] + ["asyncio 16"]
    body = []
    for r in found:
        by_k = {p["k"]: p for p in r["points"]}
        capacity = "-" if not r["capacity"] else "%.0f req/s" % r["capacity"] + (
            " (%d loads: %.0f-%.0f)" % (r["capacity_range"][2], r["capacity_range"][0], r["capacity_range"][1])
            if r["capacity_range"] else "")
        body.append([r["column"], "%.3g ms" % (1000 * r["c_s"]) if r["c_s"] else "-",
                     "%.3g (%s)" % (r["cpu_limit"], r["cpu_limit_reads"]) if r["cpu_limit"] else "not measured",
                     capacity] + [_speedup_cell(by_k[k]) if k in by_k else "-" for k in ks]
                    + ["x%.3g" % r["asyncio16"] if r["asyncio16"] else "-"])
    return ["", "## I/O: thread speedups against their limits", "",
            "Speedup of k threads over one on the same es.cat.indices() calls (time per call, 95% interval), "
            "next to the limit that binds: k itself (the service time L: each thread waits L + c per call) or the "
            "client-CPU limit (L + c)/c (under a GIL one thread holds it for c of every L + c; c measured in the "
            "same run). The share says how close the speedup came to that limit. The local service's capacity at "
            "0 ms (the mean of its loads, with their lowest and highest: a range, not an interval) is measured in "
            "each column by the services' own interpreter: the same server in every column of a matrix (the I/O "
            "backend line above says which).", "",
            tabulate(body, head, tablefmt="github")]
