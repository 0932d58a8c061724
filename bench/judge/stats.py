"""Arithmetic on measured values with their spreads."""
import math

from bench.judge.evaluate import Measured


def ratio(a, b):
    """a / b, with both relative spreads propagated (independent samples)."""
    value = a.value / b.value
    return Measured(value, value * math.hypot(a.spread / a.value, b.spread / b.value))
