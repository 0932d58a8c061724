"""Shares of paired gains (the share of the machine's parallel gain that threads reach), with
Fieller's interval, and that interval at a spread pooled over a run's columns.

A share s = x̄/ȳ of gains paired by round (x_r: the threads' gain in round r, y_r: the machine's, 2
processes, in the same round) has Fieller's 95% interval: the set of s for which the per-round
contrast x_r - s*y_r has a mean compatible with 0 (a paired t-test).  It rests on the gains' two
variances and their covariance.  Six rounds give those with 5 degrees of freedom, and often too
small by chance, as they do for a ratio's log spread (``bench.judge.pooling``): so a share, like a
ratio, gets the wider of its own interval and Fieller's at the moments pooled over the columns of
its kind (the column's own means, the pooled variances and covariance, their degrees of freedom).
Before, a share read 0 [0, 0.0091%] beside the speedup it is made of, x0.94 [0.88, 1.01], widened.
"""
import math
from dataclasses import replace
from typing import Sequence

from bench.judge.stats import _UNBOUNDED, Measured, _check_finite, t_quantile, within


def paired_share(gains: Sequence[float], references: Sequence[float]):
    """The ratio of mean gains x̄/ȳ over pairs (x_r, y_r), with Fieller's 95% interval, clipped to
    [0, 1] (``stats.within``); when ȳ itself is not clearly above 0 the interval is unbounded.  A mean
    of per-round ratios would blow up in a round where the reference gain is near 0."""
    pairs = [(float(x), float(y)) for x, y in zip(gains, references)]
    _check_finite([v for p in pairs for v in p])
    n = len(pairs)
    if n == 0:
        raise ValueError("no pairs")
    mx = sum(x for x, _ in pairs) / n
    my = sum(y for _, y in pairs) / n
    if my == 0:
        return Measured(math.nan if mx == 0 else math.copysign(math.inf, mx), _UNBOUNDED, n, method="fieller")
    if n < 2:
        return Measured(mx / my, _UNBOUNDED, n, method="fieller (1 pair: no interval)")
    moments = (mx, my, sum((x - mx) ** 2 for x, _ in pairs) / (n - 1), sum((y - my) ** 2 for _, y in pairs) / (n - 1),
               sum((x - mx) * (y - my) for x, y in pairs) / (n - 1))
    interval = _fieller(moments, n, n - 1)
    if interval is None:
        return Measured(mx / my, _UNBOUNDED, n, method="fieller (unbounded: the reference gain is within noise of 0)",
                        gain_moments=moments)
    return within(Measured(mx / my, interval, n, method="fieller on paired gains", gain_moments=moments))


def _fieller(moments, n, df):
    """Fieller's 95% interval of mx/my from the means, variances (sxx, syy) and covariance of n pairs,
    the variances having ``df`` degrees of freedom; None where it is unbounded (ȳ within noise of 0)."""
    mx, my, sxx, syy, sxy = moments
    t2 = t_quantile(df) ** 2 / n
    a, b, c = my * my - t2 * syy, mx * my - t2 * sxy, mx * mx - t2 * sxx
    disc = b * b - a * c
    if a <= 0 or disc < 0:
        return None
    root = math.sqrt(disc)
    return ((b - root) / a, (b + root) / a)


def pooled_moments(shares):
    """The variances and covariance of the gains pooled over ``shares`` (Measured of one metric, each
    with its ``gain_moments``), weighted by n - 1, and their degrees of freedom."""
    df = sum(m.n - 1 for m in shares)
    pooled = [sum((m.n - 1) * m.gain_moments[k] for m in shares) / df for k in (2, 3, 4)]
    return pooled, df


def with_pooled_moments(m: Measured, pooled, df: int, why: str) -> Measured:
    """``m`` (a share of paired gains) with the wider of its own interval and Fieller's at the pooled
    variances ``pooled`` (sxx, syy, sxy) with ``df`` degrees of freedom, then clipped to [0, 1] as its
    own was; unbounded where either is.  Never narrower than ``m``'s own."""
    if m.gain_moments is None or m.interval is None:
        return m
    own = _fieller(m.gain_moments, m.n, m.n - 1)
    at_pool = _fieller(tuple(m.gain_moments[:2]) + tuple(pooled), m.n, df)
    if own is None:
        return m
    if at_pool is None:
        return replace(m, interval=_UNBOUNDED, method="%s (%s: unbounded)" % (m.method, why))
    lo, hi = min(own[0], at_pool[0]), max(own[1], at_pool[1])
    if (lo, hi) == own:
        return m
    method = "fieller on paired gains (%s)" % why
    return within(Measured(m.gain_moments[0] / m.gain_moments[1], (lo, hi), m.n, method=method,
                           gain_moments=m.gain_moments))
