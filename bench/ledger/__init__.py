"""The ledger: every claim of the study note, as data, one module per chapter.

No claim carries verdict code: ``bench.judge.evaluate`` turns (prediction, measured value,
its spread) into a verdict for every claim alike.  A chapter module holds that chapter's
claims and the workloads that measure them; a new claim is one entry plus one observed key.
The words an entry is written in are in ``bench.ledger.vocabulary``.

The ledger checks itself when imported: a malformed prediction, condition or headline
(``Claim``), a metric that nothing produces (``check_metrics``) or a claim without a headline
(``check_headlines``) raises a ``LedgerError`` of one line naming the claim, which ``gilbench``
prints as its error.
"""
from bench.ledger import gc, gil, io, mem, mp, slow
from bench.ledger.predictions import LedgerError
from bench.ledger.derived import FROM_OBSERVATIONS
from bench.ledger.vocabulary import MACHINE_PARALLELISM

# Selection names for ``--only``; "io" holds the I/O workloads of the GIL chapter's
# io-threads claim once they are built.
CHAPTERS = ("mem", "gc", "slow", "gil", "mp", "io")

CLAIMS = mem.CLAIMS + gc.CLAIMS + slow.CLAIMS + gil.CLAIMS + mp.CLAIMS
WORKLOADS = mem.WORKLOADS + gc.WORKLOADS + slow.WORKLOADS + gil.WORKLOADS + mp.WORKLOADS + io.WORKLOADS

_BY_ID = {c.id: c for c in CLAIMS}
_WORKLOADS_BY_NAME = {w.name: w for w in WORKLOADS}


def get(claim_id):
    return _BY_ID[claim_id]


def workload(name):
    """The workload called ``name`` (KeyError when there is none)."""
    return _WORKLOADS_BY_NAME[name]


def _producers(workloads, cross_metrics):
    """{metric: workload} of every metric a workload lists (``Workload.metrics()``); a metric made
    by comparing columns is filed under the workload whose benchmarks it compares (its prefix's)."""
    made = {}
    for w in workloads:
        for metric in w.metrics():
            if made.setdefault(metric, w) is not w:
                raise LedgerError("ledger: metric %r is listed by two workloads, %s and %s"
                                  % (metric, made[metric].name, w.name))
    for metric in cross_metrics:
        made.setdefault(metric, next((w for w in workloads if metric.startswith(w.prefix)), None))
    return made


def producer(metric):
    """The workload whose observations or benchmarks yield ``metric`` (None: not built)."""
    return _PRODUCERS.get(metric)


def _no_producer(metric, scope, produced, cross):
    """Why no workload (or, for a cross claim, no comparison of columns) makes ``metric``; None: one does.
    ``produced``: every metric the workloads make (a set, made once: this runs at every import, in
    every pyperf worker)."""
    if scope == "cross":
        if metric in cross:
            return None
        return "metric %r is made by no comparison of columns (known: %s)" % (metric, ", ".join(cross))
    if metric in cross:
        return "metric %r is made by comparing columns: only a claim of scope \"cross\" may name it" % metric
    if metric not in produced:
        return "metric %r is produced by no workload (none observes or derives it)" % metric
    return None


def check_metrics(claims, workloads=WORKLOADS, cross=None):
    """Refuse the first claim that judges or shows a metric nothing produces (LedgerError, one line).
    ``cross``: the metrics made across columns ({name: CrossRatio}; the ledger's ``CROSS``)."""
    cross = CROSS if cross is None else cross
    produced = {m for w in workloads for m in w.metrics()}
    for claim in claims:
        headline = (claim.headline.metric,) if claim.headline is not None else ()
        for metric in dict.fromkeys(claim.metrics() + claim.context + headline):
            problem = _no_producer(metric, claim.scope, produced, cross)
            if problem:
                raise LedgerError("ledger: claim %s: %s" % (claim.id, problem))


def check_headlines(claims):
    """Refuse the first claim without a headline (LedgerError, one line): every claim of the ledger
    names the one quantity its row shows (``Claim`` has checked that it is a metric the claim reads,
    ``check_metrics`` that a workload produces it)."""
    for claim in claims:
        if claim.headline is None:
            raise LedgerError("ledger: claim %s: no headline (Headline(metric, unit, reading): the one quantity "
                              "its row shows)" % claim.id)

# Derived metrics made from pyperf benchmarks (their arguments are benchmark names); the others
# (count, samples, sample_mean) are made from a demo's observed keys.
TIMING_KINDS = ("mean", "ratio", "parallel_share")


def _benchmark_owners():
    """{benchmark name: workload name} of every benchmark of a workload's grid."""
    return {name: w.name for w in WORKLOADS if w.grid is not None for name in w.grid.names()}


def _stem(benchmark):
    return benchmark.split("[", 1)[0]


_BENCHMARK_OWNERS = _benchmark_owners()
# A grid's benchmarks share its stem (``alloc_free[...]`` are bm_alloc.py's, of the pymalloc
# workload): the fallback for a benchmark of an older run that no grid holds now.
_STEM_OWNERS = {w.grid.stem: w.name for w in WORKLOADS if w.grid is not None}


def workload_of_benchmark(name):
    """The workload whose pyperf script writes benchmark ``name``: the one whose grid holds it; for a
    benchmark of an older run that no grid holds now (``race[fix=join]``, no longer timed), the
    workload of the grid of the same stem (the name before "["); None when no grid has that stem."""
    return _BENCHMARK_OWNERS.get(name) or _STEM_OWNERS.get(_stem(name))


def name_cross(ratios):
    """{metric name: CrossRatio} of ``ratios``, each named with the prefix of the workload that times
    its benchmark; LedgerError when no workload times it or two ratios would share a name."""
    named = {}
    for spec in ratios:
        owner = workload_of_benchmark(spec.benchmark)
        if owner is None:
            raise LedgerError("ledger: cross ratio of %r: no workload times that benchmark" % spec.benchmark)
        name = spec.metric(workload(owner).prefix)
        if name in named:
            raise LedgerError("ledger: two cross ratios are named %r (give one a key)" % name)
        named[name] = spec
    return named


# Metrics made by comparing the columns of one run (bench.judge.cross), not by a workload: the
# chapters' cross ratios by their generated names; a claim of scope "cross" may name only these.
CROSS = name_cross(gil.CROSS)
CROSS_METRICS = tuple(CROSS)
_PRODUCERS = _producers(WORKLOADS, CROSS_METRICS)


def _physical(bounds):
    """{metric: SpeedupBound} of the chapters' bounds; LedgerError for a metric nothing produces or one
    bounded twice."""
    out = {}
    for bound in bounds:
        if producer(bound.metric) is None:
            raise LedgerError("ledger: speedup bound of %r: no workload produces that metric" % bound.metric)
        if out.setdefault(bound.metric, bound) is not bound:
            raise LedgerError("ledger: metric %r has two speedup bounds" % bound.metric)
    return out


# What physics allows a speedup (bench.ledger.bounds): bench.judge.physics flags figures beyond it.
PHYSICAL = _physical(gil.PHYSICAL + mp.PHYSICAL + io.PHYSICAL)


def needed_metrics(claim):
    """The metrics judging ``claim`` reads: its given, checks and unless (optional ones too: a claim
    run on its own is judged on all of them), and the machine's parallelism where it applies only
    to parallel machines.  Context metrics are shown, not judged, and are left out."""
    metrics = claim.metrics()
    if "parallel" in claim.applies.split():
        metrics += (MACHINE_PARALLELISM,)
    return tuple(dict.fromkeys(metrics))


def workloads_of(claim):
    """The workloads a run needs to judge ``claim``, in ledger order.  A claim judged across
    columns (scope "cross") reads its twins' benchmarks, which its metrics' prefix names."""
    names = {producer(m).name for m in needed_metrics(claim) if producer(m) is not None}
    return [w for w in WORKLOADS if w.name in names]


check_metrics(CLAIMS)
check_headlines(CLAIMS)
