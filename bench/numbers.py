"""How gilbench writes a measured value, in one place: the judge's reasons (``why``) and the
reports' cells spell it the same way ('3/40 (1.6–20%)', '0.91 [0.85, 0.97]', '512').

Outside the layers on purpose: the judge and the renderers (which import nothing of the judge or
the ledger) both use it.  Python 3.9, stdlib only.
"""
import math


def fmt(x):
    if isinstance(x, float) and (x == 0 or 1e-3 <= abs(x) < 1e6):
        return "%.4g" % x
    return "%g" % x if isinstance(x, float) else str(x)


def percent(rate):
    """A rate as a percentage a person reads: '0.61', '8.8', '57', '100' (never '1e+02')."""
    p = 100 * rate
    return "%.0f" % p if p >= 10 else "%.2g" % p


def describe_value(value, interval, n=None, events=None):
    """A measured value as a person reads it: '3/40 (1.6–20%)', '0.91 [0.85, 0.97]', '512'."""
    if events is not None:
        lo, hi = interval
        if events == 0:
            return "0/%d (≤%s%%)" % (n, percent(hi))
        return "%d/%d (%s–%s%%)" % (events, n, percent(lo), percent(hi))
    if interval is None:
        return fmt(value)
    if not all(math.isfinite(x) for x in interval):
        return "%s (no interval, n=%s)" % (fmt(value), n)
    return "%s [%s, %s]" % (fmt(value), fmt(interval[0]), fmt(interval[1]))
