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
that measured it (sum of (n - 1) s^2 over sum of n - 1): the same host and machine, mode and code,
and kind of build (``_kind``).
Each column keeps the wider of its own interval and the t-interval at that spread, so an interval
is at least as wide as its own 95% one (conservative where the column's true spread is below the
run's), and its method says it was widened.  A column alone of its kind is not pooled.

Which columns pool (chosen in-sample, among four rules, on the three fresh-clone runs R17-R19 of
2026-12-04; for each pair of runs, the share of 504 column-metric values (56 x 9) of one run inside
the other's intervals, both ways: R18's inside R17's / R17's inside R18's, R19's in R18's / R18's in
R19's, R19's in R17's / R17's in R19's):
- by build and GIL state (until 2026-12-04): the free-threaded build's two columns (3.13.5t,
  3.13.5t-gil) were each alone of their kind and kept their own six-round intervals: 88.3/91.5,
  92.5/78.8, 92.3/84.7%;
- the whole run (2026-12-04 to 12-06): 90.5/93.8, 94.2/81.9, 93.7/87.3%, a GIL build's interval then
  taking the free-threaded build's spread, which differs more often than the GIL builds' do among
  themselves (F-test p < 0.05 against the GIL builds' pooled spread: 46% of 3.13.5t's metrics, 37%
  of 3.13.5t-gil's; 26% between GIL builds), e.g. release.sha256.speedup2 on 3.13.5 in R19 from
  [1.90, 2.07] to [1.80, 2.18];
- by GIL state at run time (3.13.5t-gil with the GIL builds): 88.7/91.9, 92.7/80.2, 93.5/85.9%;
- the build's kind (this rule): the free-threaded pair pool with each other, the GIL builds with
  each other: 88.7/92.5, 93.3/79.4, 93.1/85.7%.  It cannot score below the first rule (it only
  widens the pair's intervals) and is the first rule on the GIL columns, so its gain says nothing
  about calibration; interval scores did not separate it from pooling the whole run clearly, and
  where they leaned, they leaned toward the whole run.  It was chosen for not lending one build's
  spread to another.
No cell's verdict differed between the four rules on any of the three runs.  Out of sample, on one
new run (R20, 2026-12-06, another VM of the same kind) against R19: 87.7% and 89.5% of the 504
values (a bootstrap over the 21 workloads: about +-4 points; the free-threaded columns 84.8% and
94.6%), near the ~90% honest intervals at 6 rounds with the floor would give; the whole run's
pooling gave 89.1% and 91.9% there.
"""
import math
from collections import defaultdict
from typing import Iterable

from bench.judge import shares, stats

# What the method of a widened interval says (a reason's text names it too: ``evaluate._describe``).
WIDENED = "widened to the run's pooled spread"


def _kind(result):
    """Which columns share a spread: one host and machine (two VMs of one type have one fingerprint;
    the host label tells them apart), mode and code, and one kind of build: the free-threaded twin's
    columns (with the GIL off and on at run time) pool with each other, the GIL builds with each
    other, since the free-threaded build's rounds spread differently (a floor: a column whose own
    spread is wider keeps it).  A meta.json that does not say which build it is pools with no build
    that does."""
    meta = result.meta
    return (meta.get("host"), meta.get("machine_fingerprint") or result.folder, meta.get("mode"), meta.get("code"),
            meta.get("free_threaded"))


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
