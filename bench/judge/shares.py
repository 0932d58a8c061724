"""Shares of paired gains (the share of the machine's parallel gain that threads reach), with
Fieller's interval, and that interval at a spread pooled over a run's columns.

A share s = x̄/ȳ of gains paired by round (x_r: the threads' gain in round r, y_r: the machine's, 2
processes, in the same round) has Fieller's 95% interval: the set of s for which the per-round
contrast x_r - s*y_r has a mean compatible with 0 (a paired t-test).  It rests on the gains' two
variances and their covariance.  Six rounds give those with 5 degrees of freedom, and often too
small by chance, as they do for a ratio's log spread (``bench.judge.pooling``): so a share, like a
ratio, gets the wider of its own interval and Fieller's at the moments pooled over the columns of
its kind (the column's own means, the pooled variances and covariance, their degrees of freedom).
Before, a share read 0 [0, 0.0091%] beside the speedup it is made of, x0.94 [0.88, 1.01], widened;
now 0 [0, 1.4%] (R18, 3.13.0).
"""
import math
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
        return Measured(mx / my, _UNBOUNDED, n, method="fieller (1 pair: interval unbounded)")
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
    """The gains' variances and covariance pooled over ``shares`` (Measured of one metric, each with its
    ``gain_moments``), weighted by n - 1, and their degrees of freedom.  A gain is base/parallel - 1,
    so its spread grows with 1 + gain: each column's moments are pooled relative to (1 + mx) and
    (1 + my) and put back on its own scale (``with_pooled_moments``), as log spreads are for ratios."""
    df = sum(m.n - 1 for m in shares)
    relative = [(m.n - 1, [v / k for v, k in zip(m.gain_moments[2:], _scale(m.gain_moments))]) for m in shares]
    return [sum(w * r[i] for w, r in relative) / df for i in range(3)], df


def _scale(moments):
    mx, my = moments[:2]
    return ((1 + mx) ** 2, (1 + my) ** 2, (1 + mx) * (1 + my))


def with_pooled_moments(m: Measured, pooled, df: int, why: str) -> Measured:
    """``m`` (a share of paired gains) with the wider of its own interval and Fieller's at the pooled
    relative moments ``pooled`` with ``df`` degrees of freedom, clipped to [0, 1] as its own was (an
    own interval wholly outside [0, 1] keeps the hull unclipped); unbounded where the pooled set is.
    Never narrower than ``m``'s own, and pooling twice changes nothing more."""
    if m.gain_moments is None or m.interval is None or m.interval == _UNBOUNDED:
        return m  # a bounded share always has its own Fieller interval (``paired_share``)
    own = _fieller(m.gain_moments, m.n, m.n - 1)  # unclipped, as the hull needs it
    at_pool = _fieller(tuple(m.gain_moments[:2]) + tuple(p * k for p, k in zip(pooled, _scale(m.gain_moments))),
                       m.n, df)
    value = m.gain_moments[0] / m.gain_moments[1]
    if at_pool is None:
        return Measured(value, _UNBOUNDED, m.n, method="fieller (unbounded at the %s)" % why, gain_moments=m.gain_moments)
    hull = (min(own[0], at_pool[0]), max(own[1], at_pool[1]))
    widened = Measured(value, hull, m.n, method="fieller on paired gains (%s)" % why, gain_moments=m.gain_moments)
    outside = own[1] < 0 or own[0] > 1  # a real result beyond [0, 1]: the hull is not clipped into it
    widened = widened if outside else within(widened)
    return m if widened.interval == m.interval else widened
