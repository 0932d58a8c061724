"""The statistics behind every verdict: exact intervals for counts, paired intervals for ratios.

- Counts ("k of n trials") get the exact Clopper-Pearson interval at 95%: two-sided between 0
  and n events; at 0 events the one-sided 95% upper bound 1 - 0.05^(1/n) (0 of 40 bounds the rate
  below 7.2%, 0 of 59 below 5%, 0 of 299 below 1%), which is what "never" and "sometimes" are
  decided on; it does not make the rate zero.
- A ratio of two timings is taken per pair (A and B measured in the same round, one right after
  the other) and its interval is a Student t-interval on the logarithms of the per-pair ratios,
  back-transformed: the interval of the geometric mean ratio.  Pairs cancel the machine's drift
  between rounds; values inside one round's process are averaged first, never counted as
  independent samples.
- A share of two paired gains (the share of the machine's parallel gain that threads reach)
  is the ratio of mean gains, with Fieller's interval (``bench.judge.shares``), clipped to [0, 1]
  (``within``: a share outside it is the gains' noise, and the method says it was clipped).
- A mean of values with no spread (all equal, all zero) has no interval: zero width would read
  as certainty.
- Two counts (a fix against its unfixed control, run in the same run) are compared with the
  one-sided Fisher exact test (``fisher_less``): the chance, if both had one rate, of a split at
  least as lopsided as the one seen.
- A count taken over rounds (each a fresh process) keeps its rounds.  It is one count while the
  rounds agree; where they differ more than chance allows (homogeneity p < 0.05: Pearson's
  chi-square, or its exact conditional test when few events are expected), its interval is widened
  to hold the per-round rates' t-interval too (``rounds.count_by_round``).  A fix and its control of the
  same rounds are compared round by round (``rounds.fisher_less_stratified``).
- One value bounds nothing: its interval is unbounded, and no prediction is decided on it.
- A ratio of timings' rounds keeps its rounds' spread (``log_sd``): the columns of one run pool it,
  and no column's interval is narrower than the one at the pooled spread (``with_spread``,
  ``bench.judge.pooling``).
- A quantity a probe can only bound has bounds (``bounded``), not a 95% interval.
- Columns measured at different times (two interpreters) cannot be paired: their ratio gets a
  Welch interval on the logarithms of the per-run means, and says it is unpaired.

No scipy: the few quantiles needed are computed here and checked against published values in
tests/test_judging.py.
"""
import math
from dataclasses import dataclass, field, replace
from typing import Optional, Sequence, Tuple

from bench.numbers import fmt

CONFIDENCE = 0.95
# The interval of a value known from one sample: it bounds nothing, so no prediction can be
# decided on it (the evaluator says within-noise).  Shown as "(95% interval unbounded, n=…)" in reports.
_UNBOUNDED = (-math.inf, math.inf)
# Fewer pairs (or runs) than this and a verdict is provisional.  8 is the default mode's rounds: fast
# mode's 6 rounds give intervals that a back-to-back rerun missed for about a quarter of the ratios
# (issue 17), so a fast run's ratios are marked provisional, not published as settled (those of
# benchmarks timed in more rounds, Workload.more_rounds, have as many pairs as those rounds).
MIN_PAIRS = 8
# The method of a value known only between two bounds (``bounded``): neither a 95% interval
# nor provisional, however few the observations.
BOUNDS = "bounds from the probe's counts (not a 95% interval)"


@dataclass(frozen=True)
class Measured:
    """A measured value, how sure we are of it, and what it rests on.

    ``interval`` is the 95% interval of ``value`` (None: an exact fact, such as a constant the
    interpreter reports; bounds where ``method`` is ``BOUNDS``).  ``n`` counts the pairs, runs or
    trials behind it; ``events`` is set for counts (``events`` of ``n`` trials).  ``method`` names
    how the interval was made.
    """
    value: float
    interval: Optional[Tuple[float, float]] = None
    n: Optional[int] = None
    events: Optional[int] = None
    method: str = "exact"
    # A count taken over rounds (fresh processes): ((events, trials), ...) per round, so that a
    # comparison of two counts of the same rounds can be made round by round (``rounds.fisher_less_stratified``).
    rounds: Optional[Tuple[Tuple[int, int], ...]] = None
    # A ratio of rounds (``paired_ratio``): the standard deviation of its per-round log ratios, which
    # the columns of one run pool (``bench.judge.pooling``).  Not part of what the measurement is:
    # two measurements with one value, interval and method are the same, however their spread was kept.
    log_sd: Optional[float] = field(default=None, compare=False)
    # A share of paired gains (``bench.judge.shares``): the gains' means, variances and covariance
    # (mx, my, sxx, syy, sxy), which the columns of one run pool; not part of the measurement either.
    gain_moments: Optional[Tuple[float, ...]] = field(default=None, compare=False)

    @property
    def is_count(self):
        return self.events is not None

    @property
    def provisional(self):
        """Too little data to be sure: an interval from fewer than MIN_PAIRS pairs or runs."""
        return (self.interval is not None and not self.is_count and self.method != BOUNDS
                and (self.n or 0) < MIN_PAIRS)


# --- counts ------------------------------------------------------------------------------

def _binom_cdf(k, n, p):
    """P(X <= k) for X ~ Binomial(n, p), summed in log space (n up to many thousands)."""
    if p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 1.0 if k >= n else 0.0
    lp, lq = math.log(p), math.log1p(-p)
    total = 0.0
    for i in range(0, k + 1):
        total += math.exp(math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1) + i * lp + (n - i) * lq)
    return min(total, 1.0)


def _bisect(f, lo=0.0, hi=1.0):
    """The root of a decreasing function f on [lo, hi] (f(lo) >= 0 >= f(hi))."""
    for _ in range(100):
        mid = (lo + hi) / 2
        if f(mid) > 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def clopper_pearson(events, trials, confidence=CONFIDENCE):
    """The exact two-sided interval of a rate from ``events`` in ``trials``."""
    if trials <= 0 or not 0 <= events <= trials:
        raise ValueError("a count needs 0 <= events <= trials and trials > 0 (got %r of %r)" % (events, trials))
    tail = (1 - confidence) / 2
    # Lower: the rate at which seeing >= events has probability `tail`.
    lower = 0.0 if events == 0 else _bisect(lambda p: tail - (1 - _binom_cdf(events - 1, trials, p)))
    # Upper: the rate at which seeing <= events has probability `tail`.
    upper = 1.0 if events == trials else _bisect(lambda p: _binom_cdf(events, trials, p) - tail)
    return lower, upper


def one_sided_bound(events, trials, confidence=CONFIDENCE):
    """At 0 events: the one-sided upper bound of the rate, 1 - (1 - confidence)^(1/trials) (0 of 59
    bounds it below 4.9%, 0 of 299 below 0.997%); at ``trials`` events, the lower bound 1 - that."""
    if events not in (0, trials):
        raise ValueError("a one-sided bound is taken at 0 or all events")
    bound = 1 - (1 - confidence) ** (1.0 / trials)
    return (0.0, bound) if events == 0 else (1 - bound, 1.0)


def count(events, trials):
    """``events`` of ``trials`` as a Measured rate with its exact 95% interval.

    Between 0 and ``trials`` events: two-sided Clopper-Pearson.  At 0 (or all) events the interval's
    other end is fixed at 0 (or 1), so it is the one-sided 95% bound (``one_sided_bound``): "never"
    and "sometimes" are decided on that bound only at 0 events, as one-sided tests at the 5% level
    (bench.judge.evaluate._judge_count), and the reports call it "one-sided 95%"."""
    events, trials = int(events), int(trials)
    if trials <= 0 or not 0 <= events <= trials:
        raise ValueError("a count needs 0 <= events <= trials and trials > 0 (got %r of %r)" % (events, trials))
    if events in (0, trials):
        return Measured(events / trials, one_sided_bound(events, trials), trials, events,
                        "clopper-pearson (one-sided 95%% at %s events)" % ("0" if events == 0 else "all"))
    return Measured(events / trials, clopper_pearson(events, trials), trials, events, "clopper-pearson")


def _log_choose(n, k):
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_less(events, trials, ref_events, ref_trials):
    """One-sided Fisher exact p-value that ``events`` of ``trials`` has a lower rate than
    ``ref_events`` of ``ref_trials``: P(X <= events) for X hypergeometric with the table's margins
    (exact whatever the counts; 0 of 15 against 15 of 15 gives 1/C(30,15), about 6.4e-9)."""
    for k, n in ((events, trials), (ref_events, ref_trials)):
        if n <= 0 or not 0 <= k <= n:
            raise ValueError("a count needs 0 <= events <= trials and trials > 0 (got %r of %r)" % (k, n))
    total, drawn = events + ref_events, trials
    whole = _log_choose(trials + ref_trials, drawn)
    lowest = max(0, total - ref_trials)
    p = sum(math.exp(_log_choose(total, i) + _log_choose(trials + ref_trials - total, drawn - i) - whole)
            for i in range(lowest, events + 1))
    return min(p, 1.0)


# --- timings -----------------------------------------------------------------------------

# Two-sided 95% quantiles of Student's t (df 1..30), the standard table.
_T975 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
         2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
         2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042)


def t_quantile(df):
    """t_{0.975, df}; beyond the table, a Cornish-Fisher expansion around the normal 1.95996."""
    if df < 1:
        raise ValueError("a t-interval needs at least 2 values")
    df = int(df)
    if df <= len(_T975):
        return _T975[df - 1]
    z = 1.959964
    return z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2)


def _mean_sd(xs):
    m = sum(xs) / len(xs)
    var = sum((x - m) ** 2 for x in xs) / (len(xs) - 1) if len(xs) > 1 else 0.0
    return m, math.sqrt(var)


def mean_interval(samples: Sequence[float], method="paired t", bounds=None, negligible=0.0):
    """The mean of independent samples (one per pair or run) with its t-interval.

    ``bounds`` (low, high): where every value must lie (a share: (0, 1)); the interval is clipped to
    them, and n equal values get Hoeffding's distribution-free 95% interval instead of none.
    ``negligible``: see _mostly_at_low (0: the share of values above ``low``)."""
    xs = [float(x) for x in samples]
    _check_finite(xs)
    if not xs:
        raise ValueError("no values to take a mean of")
    m, sd = _mean_sd(xs)
    if len(xs) < 2:
        return Measured(m, _UNBOUNDED, 1, method=method + " (1 value: interval unbounded)")
    # Equal values, compared as values: 60 copies of 1/504 have a rounding-error sd of 1e-18, which
    # would give a zero-width interval that reads as certainty.
    sd = 0.0 if len(set(xs)) == 1 else sd
    if sd == 0 and bounds is None:
        # n equal values (all zero, say) have no spread to estimate one from: a zero-width interval
        # would read as certainty, so the mean bounds nothing and no prediction is decided on it.
        return Measured(m, _UNBOUNDED, len(xs), method=method + " (all %d values equal: no spread, interval unbounded)"
                        % len(xs))
    if sd == 0:
        return hoeffding(xs, bounds, method)
    if bounds and min(xs) <= bounds[0] + negligible:
        return _mostly_at_low(xs, bounds, method, negligible)
    half = t_quantile(len(xs) - 1) * sd / math.sqrt(len(xs))
    measured = Measured(m, (m - half, m + half), len(xs), method=method)
    return within(measured, *bounds) if bounds else measured


def _mostly_at_low(xs, bounds, method, negligible=0.0):
    """Values in [low, high], some at ``low`` (RSS readings of 0): a t-interval is no interval for
    them (59 zeros and one 0.5 read tighter than 60 zeros).  Two distribution-free bounds, each at
    97.5% one-sided so that both hold together at 95%: below, Hoeffding's (1 zero and 59 of 0.9 still
    read above 0.7); above, the tau rule: with tau = low + ``negligible`` (set by the metric in the ledger;
    the gc pause's 0.01 was chosen after two runs' readings, see bench.ledger.gc), the mean is at most tau + (high - tau) x the share of values above tau, so that share's
    one-sided Clopper-Pearson bound bounds it (tau = low, 1 of 60 above: 0.089; tau = 0.01, 0 of 60
    above: 0.069).  A value a hair above 0 then weighs as tau, not as a whole one."""
    low, high = bounds
    tau = low + negligible
    n, above = len(xs), sum(1 for x in xs if x > tau)
    tail = (1 - CONFIDENCE) / 2
    share = _bisect(lambda p: _binom_cdf(above, n, p) - tail)
    mean = sum(xs) / n
    lower = max(low, mean - (high - low) * math.sqrt(math.log(1 / tail) / (2 * n)))
    upper = min(high, max(mean, tau + (high - tau) * share))
    return Measured(mean, (lower, upper), n,
                    method=method + " (%d of %d values above %s: Hoeffding's bound below, the share of them above)"
                    % (above, n, fmt(float(tau))))


def hoeffding(xs, bounds, method="mean"):
    """Hoeffding's two-sided 95% interval of the mean of values known to lie in ``bounds``: it needs no
    spread, so n equal values (all zero) bound the mean without reading as certainty (6 zeros of a
    share: [0, 0.55])."""
    low, high = bounds
    n, m = len(xs), sum(xs) / len(xs)
    if m in (low, high):
        # All at a bound (all zeros): for values in [low, high] with mean mu, P(X = low) <= 1 - mu', so n of
        # them bound mu' below 1 - 0.05^(1/n) at one-sided 95% (tighter than Hoeffding; 6 zeros: 0.39).
        reach = (high - low) * (1 - (1 - CONFIDENCE) ** (1.0 / n))
        interval = (low, low + reach) if m == low else (high - reach, high)
        return Measured(m, interval, n, method=method + " (all %d values at %s: one-sided 95%% bound)" % (n, m))
    half = (high - low) * math.sqrt(math.log(2 / (1 - CONFIDENCE)) / (2 * n))
    return Measured(m, (max(low, m - half), min(high, m + half)), n,
                    method=method + " (all %d values equal: Hoeffding's interval in [%s, %s])" % (n, low, high))


def paired_ratio(numerators: Sequence[float], denominators: Sequence[float]):
    """Geometric mean of per-pair ratios a_i / b_i, with a t-interval on log ratios."""
    if len(numerators) != len(denominators):
        raise ValueError("paired ratio: %d numerators but %d denominators" % (len(numerators), len(denominators)))
    ratios = [a / b for a, b in zip(numerators, denominators) if _positive(a, b)]
    m = ratio_of_pairs(ratios)
    # Rounds of timings, each a fresh process: their spread is the machine's, which the run's columns
    # pool (``bench.judge.pooling``); a demo's pairs, back to back in one process, are not pooled.
    sd = _mean_sd([math.log(r) for r in ratios])[1] if len(ratios) > 1 else 0.0
    return replace(m, log_sd=sd) if sd > 0 else m


def ratio_of_pairs(ratios: Sequence[float]):
    """Per-pair ratios already taken (each pair measured back to back): geometric mean, t on logs."""
    if not all(_positive(r) for r in ratios):
        raise ValueError("ratios must be positive finite numbers")
    m = mean_interval([math.log(r) for r in ratios], "paired t on log ratios")
    lo, hi = m.interval
    return Measured(math.exp(m.value), (_exp(lo), _exp(hi)), m.n, method=m.method)


def bounded(low, high):
    """A quantity known only to lie in [low, high] (bounds, not a 95% interval): its value is
    ``low``; equal bounds are an exact fact."""
    low, high = float(low), float(high)
    _check_finite([low, high])
    if low > high:
        raise ValueError("bounds [%s, %s]: the low one is above the high one" % (low, high))
    if low == high:
        return Measured(low)
    return Measured(low, (low, high), method=BOUNDS)


def with_spread(m: Measured, sd: float, df: int, why: str) -> Measured:
    """``m`` (a ratio of pairs) with the wider of its own interval and the t-interval of its n pairs
    at spread ``sd`` (on the logs) with ``df`` degrees of freedom; ``why`` (the method's addition) says whose.
    Never narrower than ``m``'s own: a spread from elsewhere may widen an interval, not tighten it."""
    if m.log_sd is None or m.interval is None or not all(math.isfinite(x) and x > 0 for x in m.interval):
        return m
    centre = math.log(m.value)
    own = (math.log(m.interval[1]) - math.log(m.interval[0])) / 2
    half = t_quantile(df) * sd / math.sqrt(m.n)
    if half <= own * (1 + 1e-9):  # a tolerance: widening a widened interval again changes nothing
        return m
    return Measured(m.value, (math.exp(centre - half), math.exp(centre + half)), m.n, m.events,
                    "%s (%s)" % (m.method, why), m.rounds, m.log_sd)


def _exp(x):
    return math.exp(x) if math.isfinite(x) else (0.0 if x < 0 else math.inf)


def within(m, low=0.0, high=1.0):
    """``m`` with its value and interval clipped to [low, high], and its method saying so: a share lies
    in [0, 1], and a Fieller interval reaching outside it says only that the gains are noisy there."""
    lo, hi = m.interval if m.interval is not None else (m.value, m.value)
    if m.interval is not None and (hi < low or lo > high):
        # Wholly outside [low, high] (threads slower than one worker: a negative share of the gain):
        # a real result, not noise; clipped it would collapse to a zero-width, certain-looking [0, 0].
        return replace(m, method=m.method + " (outside [%s, %s]: not clipped)" % (low, high))
    clipped = (min(max(lo, low), high), max(min(hi, high), low))
    value = min(max(m.value, low), high)
    if (value, clipped) == (m.value, (lo, hi)):
        return m
    return replace(m, value=value, interval=clipped if m.interval is not None else None,
                   method=m.method + " (clipped to [%s, %s])" % (low, high))


def unpaired_ratio(a_runs: Sequence[float], b_runs: Sequence[float]):
    """Ratio of geometric means of two independent sets of run means (Welch t on logs)."""
    la = [math.log(x) for x in a_runs if _positive(x)]
    lb = [math.log(x) for x in b_runs if _positive(x)]
    if not la or not lb:
        raise ValueError("unpaired ratio needs positive values on both sides")
    ma, sa = _mean_sd(la)
    mb, sb = _mean_sd(lb)
    value = math.exp(ma - mb)
    n = min(len(la), len(lb))
    if n < 2:
        return Measured(value, _UNBOUNDED, n, method="unpaired (1 run: interval unbounded)")
    va, vb = sa ** 2 / len(la), sb ** 2 / len(lb)
    se = math.sqrt(va + vb)
    # Welch-Satterthwaite degrees of freedom (at least 1).
    df = (va + vb) ** 2 / ((va ** 2 / (len(la) - 1)) + (vb ** 2 / (len(lb) - 1))) if va + vb > 0 else n - 1
    half = t_quantile(max(1, int(df))) * se
    return Measured(value, (math.exp(ma - mb - half), math.exp(ma - mb + half)), n,
                    method="unpaired Welch t on log ratios")


def _positive(*xs):
    return all(isinstance(x, (int, float)) and x > 0 and math.isfinite(x) for x in xs)


def _check_finite(xs):
    bad = [x for x in xs if not math.isfinite(x)]
    if bad:
        raise ValueError("not a finite number: %r" % bad[0])
