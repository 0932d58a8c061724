"""Charts of a JSON report (PNG, matplotlib): where a person would rather look than read.

matplotlib is an optional extra (``pip install 'gilbench[charts]'``) imported only when a chart
is drawn: without it ``make()`` draws nothing and says, chart by chart, what it skipped and why.
A chart is drawn only when the report holds its data; every point is a measured metric with its
95% interval as error bars, except the figures marked "the note", which are the note's own.
The PNGs are deterministic (Agg canvas, fixed size and dpi, no Software/date metadata), so
regenerating a published report changes a chart only when its data changed.
"""
import io
import re
from collections import namedtuple

from bench.publish import io_limits, view

Chart = namedtuple("Chart", "name title caption png")
Skipped = namedtuple("Skipped", "name title why needs")

_DPI = 100
_INSTALL = "matplotlib is not installed (pip install 'gilbench[charts]')"
# "(0.4598 s -> 0.8524 s)" in a claim's note_figure: the note's single- and multi-thread times.
_NOTE_TIMES = re.compile(r"\(([\d.]+) s -> ([\d.]+) s\)")
_NO_DATA = "no data in this report"
_FT_PATTERN = re.compile(r"^mp\.ft\.(.+)\.scaling$")


def make(data):
    """(charts, skipped) for the report dict ``data`` (newest format: ``report.page`` migrates an older
    one first); each Chart's png is bytes."""
    plans = [plan(data) for plan in _PLANS]
    try:
        import matplotlib  # noqa: F401  (first, so that a blocked matplotlib is seen even when _draw is cached)
        from bench.publish import _draw
    except ImportError:
        return [], [Skipped(p["name"], p["title"], p.get("why") or _INSTALL, p["needs"]) for p in plans]
    charts, skipped = [], []
    for p in plans:
        if p.get("why"):
            skipped.append(Skipped(p["name"], p["title"], p["why"], p["needs"]))
            continue
        fig = getattr(_draw, p["kind"])(p)
        buf = io.BytesIO()
        # Software is the only metadata Agg writes into a PNG: without it the bytes are the data's.
        fig.savefig(buf, format="png", dpi=_DPI, metadata={"Software": None})
        charts.append(Chart(p["name"], p["title"], p["caption"], buf.getvalue()))
    return charts, skipped


def _point(m, invert=False):
    """(value, low, high) of a metric entry; low/high None without an interval."""
    lo, hi = (m.get("interval") or (None, None))[:2]
    value = m["value"]
    if invert:  # a time ratio t(k)/t(1) read as a speedup t(1)/t(k): the interval flips too
        value, lo, hi = 1.0 / value, (1.0 / hi if hi else None), (1.0 / lo if lo else None)
    return value, lo, hi


def _note_speedup(data, claim):
    """The note's own speedup at 2 workers, from the claim's figure '(t1 s -> t2 s)'; None if absent."""
    for row in view.table(data):
        if row.get("claim") == claim:
            found = _NOTE_TIMES.search(row.get("note_figure") or "")
            if found and float(found.group(2)) > 0:
                return float(found.group(1)) / float(found.group(2))
    return None


def _series(data, families):
    """{family label: {column: [(k, value, lo, hi), ...]}} for the metrics named name % k.

    A family is (label, [(name, invert), ...], ks): names tried in order, so a speedup metric is
    preferred and a time ratio stands in for it (inverted) where the speedup is not in the report.
    Each point is (k, value, lo, hi, flagged): flagged when the metric is a measurement problem."""
    metrics = view.metrics(data)
    out = {}
    for label, names, ks in families:
        per_column = {}
        for col in view.columns(data):
            points = []
            for k in ks:
                for name, invert in names:
                    m = metrics.get((col, name % k))
                    if m and m.get("value"):
                        # A fifth field: the figure is beyond what physics allows (bench.judge.physics).
                        points.append((k,) + _point(m, invert) + (bool(m.get("problem")),))
                        break
            if points:
                per_column[col] = points
        if per_column:
            out[label] = per_column
    return out


def _scaling_plan(name, title, data, families, ylabel, note_claim=None, ceiling=None):
    keys = sorted({n % k for _, names, ks in families for n, _ in names for k in ks} | {ceiling} - {None})
    plan = {"name": name, "title": title, "kind": "scaling", "ylabel": ylabel, "needs": keys,
            "series": _series(data, families), "columns": view.columns(data),
            "interpreters": view.interpreters(data)}
    cpus = {i.get("cpu_count") for i in plan["interpreters"].values()}
    plan["cpus"] = cpus.pop() if len(cpus) == 1 else None  # one machine: where more workers cannot help
    if not plan["series"]:
        plan["why"] = _NO_DATA
        return plan
    plan["note"] = _note_speedup(data, note_claim) if note_claim else None
    plan["ceiling"], plan["keys"] = {}, keys  # {column: (limit, how it reads)}: the I/O plan's
    plan["caption"] = ("Speedup over one worker (1 = no gain; the dotted line is perfect scaling), "
                       "95%% intervals as error bars; a red cross marks a figure beyond what physics allows "
                       "(a measurement problem, not CPython's). From %s." % ", ".join(keys))
    return plan


def _cpu_plan(data):
    # Against one worker where the run has it (like against like, and bounded by physics); the note's
    # main-thread baseline stands in for older runs.
    fams = [("threads", [("countdown.speedup.threads%d_vs_worker", False), ("countdown.speedup.threads%d", False),
                         ("countdown.ratio.threads%d", True)], (2, 4)),
            ("processes", [("countdown.speedup.processes%d_vs_worker", False), ("countdown.speedup.processes%d", False),
                           ("countdown.ratio.processes%d", True)], (2, 4))]
    return _scaling_plan("cpu-scaling", "CPU-bound countdown: threads vs processes", data, fams,
                         "speedup over one thread", note_claim="gil.countdown-threads-slower")


def _mp_plan(data):
    fams = [("threads", [("mp.workers.threads%d", False)], (2, 4)),
            ("processes", [("mp.workers.processes%d", False)], (2, 4))]
    return _scaling_plan("mp-workers", "Multiprocessing chapter: workers as threads vs processes", data, fams,
                         "speedup over one worker")


def _io_plan(data):
    ks = (2, 4, 8, 16)
    fams = [("threads", [("io.speedup.threads%d", False)], ks), ("processes", [("io.speedup.processes%d", False)], ks),
            ("asyncio", [("io.speedup.asyncio%d", False)], (16,))]
    plan = _scaling_plan("io-scaling", "I/O-bound requests: 1 to 16 workers against their two limits", data,
                         fams, "speedup over one thread", note_claim="gil.io-threads-faster",
                         ceiling=io_limits.CEILING)
    if plan.get("why"):
        return plan
    # The client-CPU limit of each column as io_limits reads it: (L + c)/c under a GIL, CPUs x that without.
    interpreters = view.interpreters(data)
    metrics = view.metrics(data)
    plan["ceiling"] = {}
    for col in view.columns(data):
        limit, reads = io_limits.column_limits(metrics, col, interpreters.get(col) or {})
        if limit:
            plan["ceiling"][col] = (limit, reads)
    found = io_limits.rows(metrics, interpreters, view.columns(data), view.observations(data))
    plan["caption"] = ("Speedup over one thread (time per call; 95%% intervals as error bars). Two limits: the "
                       "dotted diagonal, k workers = k times one (the service time binds), and per column the "
                       "client-CPU limit (L + c)/c (dash-dot; named at the top when it is above the chart): under a "
                       "GIL one thread holds it for the client's CPU c of every call. The lower one binds. %s. "
                       "From %s." % ("; ".join(io_limits.caption_line(r) for r in found) or "no thread speedups",
                                     ", ".join(plan["keys"])))
    return plan


def _release_plan(data):
    fams = [(work, [("release.%s.speedup%%d" % work, False)], (2, 4)) for work in ("sha256", "zlib", "python")]
    return _scaling_plan("gil-release", "Threads on C code that releases the GIL (sha256, zlib) vs pure Python",
                         data, fams, "speedup over one thread")


def _ft_plan(data):
    plan = {"name": "ft-patterns", "title": "Free-threading: scaling by access pattern", "kind": "grouped_bars",
            "ylabel": "time(2 threads, each the full work) / time(1 thread)", "groups": [], "bars": {},
            "needs": ["mp.ft.<pattern>.scaling"], "columns": view.columns(data),
            "interpreters": view.interpreters(data)}
    found = {}
    for (col, metric), m in view.metrics(data).items():
        match = _FT_PATTERN.match(metric or "")
        if match and m.get("value") is not None:
            found.setdefault(match.group(1), {})[col] = _point(m)
    if not found:
        plan["why"] = _NO_DATA
        return plan
    plan["groups"] = sorted(found)
    plan["bars"] = {col: [found[g].get(col) for g in plan["groups"]]
                    for col in view.columns(data) if any(col in found[g] for g in found)}
    plan["caption"] = ("CPython's Tools/ftscalingbench access patterns: 1 = two threads did twice the work in the same "
                       "time (scales), 2 = they took turns (serialised). From mp.ft.<pattern>.scaling, 95% intervals "
                       "as error bars.")
    return plan


def _single_plan(data):
    metrics = view.metrics(data)
    panels = []
    for metric, label, title in (("fib.seconds", "seconds", "fib(30) on one thread"),
                                 ("countdown.single_mean_s", "seconds", "the note's countdown on the main thread")):
        bars = [(col, _point(metrics[(col, metric)])) for col in view.columns(data)
                if metrics.get((col, metric), {}).get("value") is not None]
        if bars:
            panels.append((metric, label, bars, title))
    plan = {"name": "single-thread", "title": "Single-thread speed by interpreter (lower is faster)",
            "kind": "version_bars", "panels": panels, "interpreters": view.interpreters(data),
            "needs": ["fib.seconds", "countdown.single_mean_s"]}
    if not panels:
        plan["why"] = _NO_DATA
    else:
        plan["caption"] = "Mean time per run, 95%% intervals as error bars. From %s." % ", ".join(
            p[0] for p in panels)
    return plan


def _size_plan(data):
    measured = {}
    for col in view.columns(data):
        rows = (view.observations(data).get(col) or {}).get("mem.size_classes.measured")
        if rows:
            # Interpreters that measured the same classes share one line.
            key = tuple((int(r), None if b is None else int(b)) for r, b in rows)
            measured.setdefault(key, []).append(col)
    plan = {"name": "size-classes", "title": "Size classes: the note's 8-byte steps vs measured blocks",
            "kind": "size_classes", "note": [(r, -(-r // 8) * 8) for r in range(1, 513)],
            "measured": [(cols, list(key)) for key, cols in measured.items()],
            "needs": ["observations[interpreter]['mem.size_classes.measured']"]}
    if not measured:
        plan["why"] = _NO_DATA
    else:
        plan["caption"] = ("Block size pymalloc hands out per requested size. The note's table (8-byte steps up to "
                           "512 B) vs observations[...]['mem.size_classes.measured']; a gap: not served by pymalloc.")
    return plan


def _model_plan(data):
    panels = []
    for col in view.columns(data):
        rows = (view.observations(data).get(col) or {}).get("mem.model.rows")
        if rows:
            panels.append((col, rows))
    plan = {"name": "model-arenas", "title": "The note's arena model vs the real one vs measurement",
            "kind": "model", "panels": panels, "needs": ["observations[interpreter]['mem.model.rows']"]}
    if not panels:
        plan["why"] = _NO_DATA
    else:
        plan["caption"] = ("Per workload: the note's model's prediction, the model with the real constants, and "
                           "what was measured. From observations[...]['mem.model.rows'].")
    return plan


_PLANS = (_cpu_plan, _release_plan, _io_plan, _mp_plan, _ft_plan, _single_plan, _size_plan, _model_plan)
