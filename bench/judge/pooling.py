"""The spread between rounds, pooled over the columns of one run: no ratio's interval is narrower
than the machine's usual round-to-round spread for that ratio.

A column's six rounds take two minutes; the machine's state (a neighbour on the host, the second
CPU's share) changes over tens of minutes.  Rounds of one column are then not six independent
draws of the machine: a column that ran in a calm stretch gets a narrow interval that a rerun misses.
Measured (issue 17, two nine-column runs of 2026-12-02 on one VM): the first run's own 95% intervals
held the second run's ratios for 76% of 496 and the other way round 88%; with each interval at
least as wide as the pooled spread's, 87% and 92%.

The pooled spread of a ratio is its per-round log ratios' variance pooled over the run's columns
(sum of (n - 1) s^2 over sum of n - 1, on one machine); each column keeps the wider of its own
interval and the t-interval of its rounds at that spread.  Columns differ in their true spread
(a free-threaded build's countdown spreads more), so for the calmer ones this is conservative,
and it is said in the method of every interval it widened.
"""
import math
from collections import defaultdict
from typing import Iterable

from bench.judge import stats


def _machine(result):
    """The machine a column ran on: only columns of one machine share a spread."""
    meta = result.meta
    return meta.get("machine_fingerprint") or meta.get("host") or result.folder


def pool_spreads(results: Iterable) -> None:
    """Widen, in place, each ratio of pairs in ``results`` (InterpreterResults of one run folder) to
    the spread pooled over the columns of its machine that measured it (two columns at least)."""
    by_metric = defaultdict(list)
    for result in results:
        for name, m in result.metrics.items():
            if m.log_sd is not None and (m.n or 0) > 1:
                by_metric[(_machine(result), name)].append(result)
    for (_, name), columns in by_metric.items():
        if len(columns) < 2:
            continue
        df = sum(r.metrics[name].n - 1 for r in columns)
        sd = math.sqrt(sum((r.metrics[name].n - 1) * r.metrics[name].log_sd ** 2 for r in columns) / df)
        why = "the run's pooled spread: sd %.3g of the log ratios over %d columns, df %d" % (sd, len(columns), df)
        for r in columns:
            r.metrics[name] = stats.with_spread(r.metrics[name], sd, df, why)
