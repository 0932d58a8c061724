"""How the reports write numbers: a value with its interval as a person reads it, and JSON numbers.

Renderers' helpers (they import nothing of the judge or the ledger).  The judge words its own
reasons (``why``) with the same spelling of a value (``bench.judge.evaluate._describe``).
"""
import math


def fmt(x):
    if isinstance(x, float) and (x == 0 or 1e-3 <= abs(x) < 1e6):
        return "%.4g" % x
    return "%g" % x if isinstance(x, float) else str(x)


def _percent(rate):
    """A rate as a percentage a person reads: '0.61', '8.8', '57', '100' (never '1e+02')."""
    p = 100 * rate
    return "%.0f" % p if p >= 10 else "%.2g" % p


def describe_value(value, interval, n=None, events=None):
    """A measured value as a person reads it: '3/40 (1.6–20%)', '0.91 [0.85, 0.97]', '512'."""
    if events is not None:
        lo, hi = interval
        if events == 0:
            return "0/%d (≤%s%%)" % (n, _percent(hi))
        return "%d/%d (%s–%s%%)" % (events, n, _percent(lo), _percent(hi))
    if interval is None:
        return fmt(value)
    if not all(math.isfinite(x) for x in interval):
        return "%s (no interval, n=%s)" % (fmt(value), n)
    return "%s [%s, %s]" % (fmt(value), fmt(interval[0]), fmt(interval[1]))


def describe(m):
    """The same, of anything with ``value``, ``interval``, ``n`` and ``events`` (a metric, a cell)."""
    return describe_value(m.value, m.interval, m.n, m.events)


def json_number(x):
    """Six significant digits; JSON has no infinity or NaN: an unbounded end (or no value) is null."""
    if isinstance(x, float):
        return float("%.6g" % x) if math.isfinite(x) else None
    return x


def json_interval(interval):
    """[low, high] as JSON numbers (an unbounded end: null), or null for no interval (an exact fact)."""
    return [json_number(x) for x in interval] if interval else None
