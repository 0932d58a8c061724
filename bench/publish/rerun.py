"""Do the intervals survive a rerun?  The share of run B's dimensionless metrics inside run A's 95% interval.

An interval that says "95%" should hold a second run's value on the same machine about as often as
that; one that misses drift between rounds holds it far less often (issue 17: 73% of 30 metrics for
two back-to-back ``run --fast``).  ``coverage(base_dirs, new_dirs)`` is the one computation, for
``gilbench compare`` and tools/rerun_coverage.py alike.

Dimensionless metrics: the ledger's derived ratios and shares (``ratio``, ``parallel_share``, and
per-pair ``samples`` of a demo), i.e. every metric whose value has no unit and whose interval comes
from pairs or rounds.  Means in seconds and counts are left out: a mean in seconds moves with the
machine's speed, and a count's interval is exact for its own trials.  Columns are matched by their
id; a metric measured with a bounded interval in A and a finite value in B counts once.

Two 95% intervals of the same quantity would hold the other run's *value* less often than 95% even
if both were honest (the value has its own noise: about 83% for equal widths with many rounds,
about 87% at 6 rounds with t's 5 degrees of freedom, about 90% with ``bench.judge.pooling``'s floor
at 6 rounds, 87% at 16), which is why the issue asks for 80% or more, not 95%.  80% is a loose
fail mark, not a target: simulated honest intervals fall to it only with a shift between runs of
about 1.3 times a column's standard error.  Expect about 90%; below about 85% in both directions
says that whole columns shift between runs.  ``gilbench compare`` gives both directions.
"""
import math
from dataclasses import dataclass
from typing import List, Optional, Tuple

from bench import ledger
from bench.publish import merge

_DIMENSIONLESS = ("ratio", "parallel_share", "samples")


def dimensionless_metrics():
    """The metric names whose values have no unit (ratios and shares), as the ledger derives them."""
    return {metric for w in ledger.WORKLOADS for metric, spec in w.derived if spec[0] in _DIMENSIONLESS}


@dataclass(frozen=True)
class Pair:
    column: str
    metric: str
    base: float
    interval: Tuple[float, float]
    new: float

    @property
    def inside(self):
        return self.interval[0] <= self.new <= self.interval[1]


@dataclass(frozen=True)
class Coverage:
    pairs: List[Pair]

    @property
    def inside(self):
        return sum(p.inside for p in self.pairs)

    @property
    def share(self) -> Optional[float]:
        return self.inside / len(self.pairs) if self.pairs else None

    def lines(self):
        """A person's reading: the share, then each metric outside, worst first."""
        if not self.pairs:
            return ["no dimensionless metric measured with an interval in both runs"]
        out = ["%d of %d dimensionless metrics (%.0f%%) of the new run lie inside the base run's 95%% interval"
               % (self.inside, len(self.pairs), 100 * self.share)]
        for p in sorted((p for p in self.pairs if not p.inside), key=_miss, reverse=True):
            out.append("  outside: %s %s: %.4g, base %.4g [%.4g, %.4g]"
                       % (p.column, p.metric, p.new, p.base, p.interval[0], p.interval[1]))
        return out


def _miss(pair):
    lo, hi = pair.interval
    return max(lo - pair.new, pair.new - hi) / max(hi - lo, 1e-12)


def _bounded(m):
    return m.interval is not None and all(math.isfinite(x) for x in m.interval) and math.isfinite(m.value)


def coverage(base_dirs, new_dirs, metrics=None) -> Coverage:
    """Every dimensionless metric (or those of ``metrics``) of the columns both runs share: B's value
    against A's interval.  Folders load as ``gilbench report`` loads them (``ResultsError``)."""
    return _coverage(merge.load_all(base_dirs), merge.load_all(new_dirs), metrics)


def both_ways(base_dirs, new_dirs, metrics=None):
    """(``coverage`` of B by A, and of A by B), each run loaded once."""
    base, new = merge.load_all(base_dirs), merge.load_all(new_dirs)
    return _coverage(base, new, metrics), _coverage(new, base, metrics)


def _coverage(base_results, new_results, metrics=None) -> Coverage:
    wanted = dimensionless_metrics() if metrics is None else set(metrics)
    base = {r.id: r for r in base_results}
    new = {r.id: r for r in new_results}
    pairs = []
    for column in sorted(set(base) & set(new)):
        a, b = base[column].metrics, new[column].metrics
        for name in sorted(wanted & set(a) & set(b)):
            if _bounded(a[name]) and math.isfinite(b[name].value):
                pairs.append(Pair(column, name, a[name].value, tuple(a[name].interval), b[name].value))
    return Coverage(pairs)
