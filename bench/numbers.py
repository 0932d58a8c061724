"""How gilbench writes a measured value, in one place: the judge's reasons (``why``) and the
reports' cells spell it the same way ('3/40 (1.6–20%)', '0.91 [0.85, 0.97]', '16 KiB', 'x1.9 faster').

Never e-notation: a person reads 16384 or 0.00021, not 1.638e+04 or 2.1e-04.  With a unit (a claim's
headline unit) a value reads in it: bytes as B/KiB/MiB, flags as yes/no, speedups and slowdowns as
"x1.9 faster" / "x50 slower", deltas with their sign (+1), shares as percentages, and any value the
ledger names in words (``words``: -1 -> "no generations") as those words.

Outside the layers on purpose: the judge and the renderers (which import nothing of the judge or
the ledger) both use it.  Python 3.9, stdlib only.
"""
import math

_SIGNIFICANT = 4


def fmt(x):
    """A number with 4 significant digits, positional: '0.9943', '16384', '0.0002097', never '1.6e+04'."""
    if isinstance(x, bool) or not isinstance(x, float):
        return str(x)
    if not math.isfinite(x):
        return "inf" if x > 0 else ("-inf" if x < 0 else "nan")
    if x == 0:
        return "0"
    if abs(x) >= 10 ** _SIGNIFICANT:
        return "%.0f" % x
    decimals = max(0, _SIGNIFICANT - 1 - int(math.floor(math.log10(abs(x)))))
    text = "%.*f" % (decimals, x)
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(rate):
    """A rate as a percentage a person reads: '0.61', '8.8', '57', '100' (never '1e+02')."""
    p = 100 * rate
    if abs(p) >= 10:
        return "%.0f" % p
    return fmt(float("%.2g" % p)) if p else "0"


def _bytes(x):
    for size, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if abs(x) >= size:
            return "%s %s" % (fmt(float(x) / size), name)
    return "%s B" % fmt(x)


def _direction(unit):
    """'faster' for a speedup unit, 'slower' for a slowdown unit, None for a plain ratio."""
    unit = unit.lower()
    if "speedup" in unit or "faster" in unit:
        return "faster"
    if "slowdown" in unit or "slower" in unit:
        return "slower"
    return None


def plain(x, unit=None, words=()):
    """One value as a person reads it in ``unit`` (see the module's doc); ``words``: (value, text) pairs."""
    for value, text in words:
        if x == value:
            return text
    unit = (unit or "").lower()
    if not isinstance(x, (int, float)) or isinstance(x, bool) or not math.isfinite(x):
        return fmt(x)
    if unit.startswith("bytes"):
        return _bytes(x)
    if unit.startswith("flag") and x in (0, 1):
        return "yes" if x == 1 else "no"
    if unit.startswith(("delta", "change")):
        return ("+" if x > 0 else "") + fmt(x)
    if unit.startswith("share") and isinstance(x, float):
        return percent(x) + "%"
    return fmt(x)


def _ratio_words(value, interval, direction):
    """'x1.9 faster [1.8, 2.0]'; a value on the other side of 1 reads the other way, its interval inverted."""
    other = {"faster": "slower", "slower": "faster"}[direction]
    if value >= 1 or value <= 0:
        word, v, iv = direction, value, interval
    else:
        word, v = other, 1 / value
        iv = interval and tuple(1 / x if x > 0 else math.inf for x in reversed(interval))
    text = "x%s %s" % (fmt(v), word)
    if iv and all(math.isfinite(x) for x in iv):
        text += " [%s, %s]" % (fmt(iv[0]), fmt(iv[1]))
    return text


# A value whose 95% set has an infinite end (Fieller's where the divisor may be 0, all-equal ratios):
# measured, but bounding nothing.  "no interval" read as "nothing measured" to a newcomer.
_UNBOUNDED = " (95%% interval unbounded, n=%s)"


def describe_value(value, interval, n=None, events=None, unit=None, words=()):
    """A measured value as a person reads it: '3/40 (1.6–20%)', '0.91 [0.85, 0.97]', '512 B'.

    Counts: k/n with the 95% interval of the rate; at 0 events its one-sided 95% upper bound
    ('0/59 (≤4.9%)'), the bound "never" and "sometimes" are decided on (``bench.judge.stats.count``)."""
    if events is not None:
        lo, hi = interval
        if events == 0:
            return "0/%d (≤%s%%)" % (n, percent(hi))
        return "%d/%d (%s–%s%%)" % (events, n, percent(lo), percent(hi))
    direction = _direction(unit or "")
    if direction and isinstance(value, (int, float)) and not words:
        bounded = interval if interval and all(math.isfinite(x) for x in interval) else None
        text = _ratio_words(value, bounded, direction)
        return text + (_UNBOUNDED % n if interval and not bounded else "")
    shown = plain(value, unit, words)
    if interval is None:
        return shown
    if not all(math.isfinite(x) for x in interval):
        return shown + _UNBOUNDED % n
    return "%s [%s, %s]" % (shown, plain(interval[0], unit), plain(interval[1], unit))
