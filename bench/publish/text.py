"""How the reports write numbers: a value with its interval as a person reads it, and JSON numbers.

Renderers' helpers (they import nothing of the judge or the ledger).  The spelling of a value is
``bench.numbers``'s, shared with the judge's reasons.
"""
import math

from bench.numbers import describe_value, fmt  # noqa: F401  (fmt: the renderers use it from here)


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


def libraries(by_column):
    """One line per set of library versions: "pyperf 2.10.0, elasticsearch 8.17.1 (3.9.18, 3.12.1)".
    ``by_column``: [(column, {distribution: version or None} or None)]; a run before format 5
    recorded none ("not recorded")."""
    groups = {}
    for col, libs in by_column:
        text = ", ".join("%s %s" % (name, version or "not installed") for name, version in sorted((libs or {}).items()))
        groups.setdefault(text or "not recorded", []).append(col)
    return ["%s (%s)" % (text, ", ".join(cols)) for text, cols in groups.items()]
