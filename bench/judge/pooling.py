"""The spread between rounds, pooled over the comparable columns of one run: no ratio's interval is
narrower than the t-interval of its rounds at the spread the run's columns show, and no
share of paired gains narrower than Fieller's interval at the gains' moments pooled the same way
(``bench.judge.shares``).

Six rounds give a t-interval with 5 degrees of freedom: by chance alone their standard deviation
often comes out small, and more often than that where the rounds are not independent (a column's
two minutes run in one state of the VM: a neighbour on the host, the second CPU's share).  Such a
column's interval is one a rerun misses.  Pooling repairs the small-s chance; it does not add a
shift of a whole column's level between runs, which no column's own spread holds.

Measured (issue 17, two nine-column runs of 2026-12-02 on one VM, the runs the rule was chosen on):
the first run's own 95% intervals held the second run's ratios for 76% of 496 and the other way
round 88%; with the floor, 87% and 92%.  Two intervals that are both exact at n = 6 (t with 5 df)
hold each other's values about 87% of the time; with the floor about 90%.

The pooled spread of a ratio is its per-round log ratios' variance pooled over the run's columns
that measured it (sum of (n - 1) s^2 over sum of n - 1): the same host and machine, mode and code.
Each column keeps the wider of its own interval and the t-interval at that spread, so an interval
is at least as wide as its own 95% one (conservative where the column's true spread is below the
run's), and its method says it was widened.  A run of one column is not pooled.

Until 2026-12-04 the columns were pooled by build and GIL state as well, which left the
free-threaded build's two columns (3.13.5t, 3.13.5t-gil) each alone of its kind, with the narrow
6-round intervals that the pooling exists to repair: three of the four farthest misses of a rerun
were theirs (e.g. 3.13.5t-gil slow.python_over_c_sum 6.25 outside [6.64, 6.93]).  Pooled over the
whole run, three fresh-clone runs (R17-R19, 2026-12-04, the runs this was chosen on) held each
other's values for 90.5/93.8%, 94.2/81.9% and 93.7/87.3% of 504 metrics (by kind: 88.3/91.5,
92.5/78.8, 92.3/84.7), and no cell's verdict changed in any of the three.
"""
import math
from collections import defaultdict
from typing import Iterable

from bench.judge import shares, stats

# What the method of a widened interval says (a reason's text names it too: ``evaluate._describe``).
WIDENED = "widened to the run's pooled spread"


def _kind(result):
    """Which columns share a spread: one host and machine (two VMs of one type have one fingerprint;
    the host label tells them apart), mode and code, whatever the build and GIL state (a floor: a
    column whose own spread is wider keeps it)."""
    meta = result.meta
    return (meta.get("host"), meta.get("machine_fingerprint") or result.folder, meta.get("mode"), meta.get("code"))


def pool_spreads(results: Iterable) -> None:
    """Widen, in place, each ratio of rounds and each share of paired gains in ``results``
    (InterpreterResults of one run folder) to the spread pooled over the columns of its kind that
    measured it (two columns at least)."""
    by_metric, by_share = defaultdict(list), defaultdict(list)
    for result in results:
        for name, m in result.metrics.items():
            if m.log_sd is not None and math.isfinite(m.log_sd) and m.log_sd > 0 and (m.n or 0) > 1 \
                    and m.interval is not None:
                by_metric[(_kind(result), name)].append(result)
            elif m.gain_moments is not None and (m.n or 0) > 1 and m.interval is not None:
                by_share[(_kind(result), name)].append(result)
    for (_, name), columns in by_metric.items():
        if len(columns) < 2:
            continue
        df = sum(r.metrics[name].n - 1 for r in columns)
        sd = math.sqrt(sum((r.metrics[name].n - 1) * r.metrics[name].log_sd ** 2 for r in columns) / df)
        why = "%s: sd %.3g of the log ratios over %d columns, df %d" % (WIDENED, sd, len(columns), df)
        for r in columns:
            r.metrics[name] = stats.with_spread(r.metrics[name], sd, df, why)
    for (_, name), columns in by_share.items():
        if len(columns) < 2:
            continue
        pooled, df = shares.pooled_moments([r.metrics[name] for r in columns])
        why = "%s: the gains' variances and covariance over %d columns, df %d" % (WIDENED, len(columns), df)
        for r in columns:
            r.metrics[name] = shares.with_pooled_moments(r.metrics[name], pooled, df, why)
