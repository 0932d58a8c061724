"""Counts taken over rounds (each round a fresh process): do the rounds share one rate, and a fix
against its control round by round.  A single count's statistics are ``bench.judge.stats``'."""
import math

from bench.judge.stats import CONFIDENCE, Measured, _log_choose, count, mean_interval


def count_by_round(events, trials, until_seen=0):
    """The pooled count of several rounds (each a fresh process), with its rounds kept.

    ``until_seen``: the last that many rounds ran only because no earlier one had an event, until
    one did: their events sit in the last round by design, and the rounds before had none, so
    the agreement test (and its widening) is not applied.

    While the rounds agree it is judged as one count (Clopper-Pearson, the trials taken as
    independent).  Where they differ more than chance allows (``homogeneity_p`` below 0.05: the
    note's race once gave 9 of 40 in one run and 0 of 40 in the next), the interval is widened to
    hold the t-interval of the per-round rates too (rounds as the units), and says so; its lower
    end stays the pooled one where that t-interval reaches 0 although events were seen."""
    if len(events) != len(trials) or not events:
        raise ValueError("per-round counts need as many event counts as trial counts (got %r and %r)"
                         % (events, trials))
    for e, t in zip(events, trials):
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (e, t)) or not 0 <= e <= t:
            raise ValueError("a round's count needs whole numbers 0 <= events <= trials (got %r of %r)" % (e, t))
    rounds = tuple((int(e), int(t)) for e, t in zip(events, trials))
    pooled = count(sum(e for e, _ in rounds), sum(t for _, t in rounds))
    if until_seen:
        return Measured(pooled.value, pooled.interval, pooled.n, pooled.events,
                        "%s, over %d rounds in fresh processes, the last %d run on until one had an event "
                        "(the rounds' agreement not tested: the stop puts the events in the last one)"
                        % (pooled.method, len(rounds), until_seen), rounds)
    p = homogeneity_p(events, trials)
    if p is None or p >= 1 - CONFIDENCE:
        return Measured(pooled.value, pooled.interval, pooled.n, pooled.events,
                        "%s, over %d rounds in fresh processes (trials taken as independent)"
                        % (pooled.method, len(rounds)), rounds)
    spread = mean_interval([e / t for e, t in rounds if t > 0], bounds=(0.0, 1.0))
    low = min(pooled.interval[0], spread.interval[0])
    if low <= 0 < pooled.events:
        low = pooled.interval[0]  # events were seen: the rate is not 0
    high = max(pooled.interval[1], spread.interval[1])
    return Measured(pooled.value, (low, min(1.0, high)), pooled.n, pooled.events,
                    "clopper-pearson widened to the %d rounds' t-interval: the rounds differ more than chance "
                    "allows (homogeneity p = %.2g), so their trials are not taken as independent"
                    % (len(rounds), p), rounds)


def homogeneity_p(events, trials):
    """The p-value that the rounds share one rate: Pearson's chi-square (df = rounds - 1) where every
    expected count is 5 or more, else the same statistic's exact conditional distribution, sampled
    (``_homogeneity_sampled``).  None where the rounds cannot differ (fewer than two with trials,
    or no events, or all events)."""
    rounds = [(int(e), int(t)) for e, t in zip(events, trials) if int(t) > 0]
    total_e, total_t = sum(e for e, _ in rounds), sum(t for _, t in rounds)
    if len(rounds) < 2 or total_e in (0, total_t):
        return None
    rate = total_e / total_t
    statistic = _chi_square(rounds, rate)
    if min(t * min(rate, 1 - rate) for _, t in rounds) < 5:
        small = min(total_e, total_t - total_e)  # the rarer outcome: fewer tables to go through
        if math.comb(small + len(rounds) - 1, len(rounds) - 1) <= _MAX_TABLES:
            return _homogeneity_exact(rounds, total_e, total_t, statistic, rate)
        return _homogeneity_sampled(rounds, total_e, total_t, statistic, rate)
    return upper_gamma_regularized((len(rounds) - 1) / 2.0, statistic / 2.0)


def _chi_square(rounds, rate):
    return sum((e - t * rate) ** 2 / (t * rate * (1 - rate)) for e, t in rounds)


# Draws of the exact test: enough to tell p = 0.05 from 0.04 or 0.06 (sd about 0.003); seeded, so a
# report is the same every time it is made.
_DRAWS, _SEED = 5000, 20261201


# Tables the exact test goes through at most (about a second of Python); beyond, it is sampled.
_MAX_TABLES = 200000


def _homogeneity_exact(rounds, total_e, total_t, observed, rate):
    """P(statistic >= observed) over every way the ``total_e`` events can fall among the rounds
    with each round's trials fixed (the rounds' conditional, multivariate hypergeometric,
    distribution), summed exactly."""
    trials = [t for _, t in rounds]
    whole = _log_choose(total_t, total_e)
    p = 0.0

    def tables(i, left, got):
        nonlocal p
        if i == len(trials) - 1:
            if left <= trials[i]:
                table = got + [left]
                if _chi_square(list(zip(table, trials)), rate) >= observed - 1e-9:
                    p += math.exp(sum(_log_choose(t, e) for e, t in zip(table, trials)) - whole)
            return
        for e in range(min(left, trials[i]) + 1):
            tables(i + 1, left - e, got + [e])

    tables(0, total_e, [])
    return min(1.0, p)


def _homogeneity_sampled(rounds, total_e, total_t, observed, rate):
    """P(statistic >= observed) when the ``total_e`` events fall among the ``total_t`` trials at
    random with each round's trials fixed (the rounds' conditional, multivariate hypergeometric,
    distribution), estimated from seeded draws, (1 + hits) / (1 + draws)."""
    import random

    draw = random.Random(_SEED)
    owner = [i for i, (_, t) in enumerate(rounds) for _ in range(t)]
    hits = 0
    for _ in range(_DRAWS):
        got = [0] * len(rounds)
        for position in draw.sample(range(total_t), total_e):
            got[owner[position]] += 1
        hits += _chi_square([(g, t) for g, (_, t) in zip(got, rounds)], rate) >= observed - 1e-9
    return (1 + hits) / (1.0 + _DRAWS)


def fisher_less_stratified(rounds, ref_rounds):
    """The one-sided exact test of ``fisher_less``, stratified by round: each round's fixed and
    unfixed trials ran in the same fresh process, so the test conditions on every round's margins
    (the exact distribution of the fixed code's events is the convolution of the rounds'
    hypergeometric ones) and rounds that differ from each other do not inflate it."""
    if len(rounds) != len(ref_rounds):
        raise ValueError("a stratified test needs the same rounds on both sides")
    dist = [1.0]  # P(fixed events so far = k)
    for (k_fix, n_fix), (k_ref, n_ref) in zip(rounds, ref_rounds):
        total, trials = k_fix + k_ref, n_fix + n_ref
        whole = _log_choose(trials, n_fix)
        pmf = [math.exp(_log_choose(total, x) + _log_choose(trials - total, n_fix - x) - whole)
               if max(0, n_fix - (trials - total)) <= x <= min(total, n_fix) else 0.0
               for x in range(min(total, n_fix) + 1)]
        dist = [sum(dist[j] * pmf[k - j] for j in range(len(dist)) if 0 <= k - j < len(pmf))
                for k in range(len(dist) + len(pmf) - 1)]
    observed = sum(k for k, _ in rounds)
    return min(1.0, sum(dist[:observed + 1]))


def upper_gamma_regularized(a, x):
    """Q(a, x) = Gamma(a, x) / Gamma(a): the chi-square survival function at 2x with 2a degrees of
    freedom (series below a + 1, Lentz's continued fraction above; Numerical Recipes 6.2)."""
    if x <= 0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        k = a
        while abs(term) > abs(total) * 1e-15:
            k += 1
            term *= x / k
            total += term
        return max(0.0, 1.0 - total * math.exp(log_front))
    tiny = 1e-300
    b = x + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 500):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return min(1.0, math.exp(log_front) * h)
