"""Figures physics forbids, flagged as measurement problems: the ledger's speedup bounds in one column.

``bench.ledger.bounds`` declares what physics allows a speedup (at most its workers, at most the
CPUs the run could use, at most 1 where the workers run one at a time under the GIL).  A metric
whose whole 95% interval lies beyond that is no fact about CPython: the run measured something
else (noise or drift between the benchmarks of a ratio, a busy machine, CPU frequency changing
between them, another baseline than the one named).  The flag goes wherever the figure is shown
(the cells of the claims that read it, the metrics list, the charts); it never decides a verdict,
but a verdict that reads a flagged figure is provisional.  A figure inside its bound, or whose
interval reaches it, is not flagged: noise either way is not a problem.
"""
from bench import ledger
from bench.judge.evaluate import condition_holds
from bench.numbers import describe_value


def _limit(bound, facts):
    """(the most the bound's metric can be in this column, why, in words)."""
    if bound.serial.words and condition_holds(bound.serial, facts):
        return 1.0, "%d %s run one at a time here (%s): together no faster than one" % (
            bound.workers, bound.why or "workers", bound.serial)
    cpus = (facts.get("cpus_usable") or bound.workers) if bound.on_cpus else bound.workers
    if cpus < bound.workers:
        return float(cpus), "%d %s on %d usable CPUs" % (bound.workers, bound.why or "workers", cpus)
    return float(bound.workers), "%d %s" % (bound.workers, bound.why or "workers")


def problems(metrics, facts, bounds=None):
    """{metric: reason} of every bounded metric in ``metrics`` (``{name: Measured}``) whose whole
    interval lies above what physics allows on this column (``facts``: gil_enabled, cpus_usable)."""
    bounds = ledger.PHYSICAL if bounds is None else bounds
    out = {}
    for name, bound in bounds.items():
        m = metrics.get(name)
        if m is None or m.value is None:
            continue
        low = m.interval[0] if m.interval is not None and m.interval[0] is not None else m.value
        limit, why = _limit(bound, facts)
        if low > limit:
            out[name] = ("measurement problem: %s = %s, beyond the x%g physics allows (%s); not a property "
                         "of CPython: %s" % (name, describe_value(m.value, m.interval, m.n, m.events), limit, why,
                                             bound.cause or "noise or drift between the benchmarks, a busy "
                                             "machine or CPU frequency"))
    return out


def flag(verdict, read, found):
    """Mark ``verdict`` with the problems among ``found`` of the metrics it ``read``; provisional if any."""
    mine = {m: found[m] for m in read if m in found}
    if mine:
        verdict.problems = mine
        verdict.provisional = True
        verdict.why += "; " + "; ".join(mine.values())
    return verdict
