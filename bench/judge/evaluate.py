"""The one generic evaluator: (prediction, measured value with its interval) -> verdict.

Predictions (``bench.ledger.predictions.Prediction``, typed by the ledger):
  above(x), below(x), between(a,b)   value > x, value < x, a < value < b
  equals(x), equals(x,tol)           the value is x (exact facts: counts of things, constants), or
                                     within tol of x (measured values, which can never be exact)
  never(r)        an event counted over trials does not happen: holds when the 95% upper bound
                  of its rate is below r; one event contradicts it
  sometimes(r)    it does happen: holds as soon as one event is seen; contradicted only when the
                  95% upper bound of its rate is below r
  removed(a)      an event the check's ``versus`` count shows is gone (a fix against its unfixed
                  control, same run): holds when none is seen here and a one-sided Fisher exact test
                  gives p < a that this rate is below the control's; one event here contradicts it;
                  otherwise (the control did not show the event often enough) inconclusive
A value with an interval (``bench.judge.stats``) is judged by the interval, never by its point:
when the prediction's bound lies inside the interval the verdict is ``within-noise``; a count
whose bound cannot decide is ``inconclusive`` ("not seen in n trials (rate <= X%)").

A claim goes through ``_GATES`` in order, each of which may settle it early (n/a, not-measured,
inconclusive); one that passes them all is judged on its checks (``_judged``).
"""
import math
from dataclasses import dataclass, field
from typing import Optional, Tuple

from bench.judge import pooling, rounds, stats
from bench.ledger import versions
from bench.numbers import fmt, percent, describe_value
from bench.judge.words import (PARALLEL_MACHINE_SPEEDUP, machine_note, machine_too_busy, machine_words,  # noqa: F401 (machine_note:
                               allocator_note, not_met_words, p_value, said, short)     # the CLI's, from here)
# V: the verdict words.  This module's ``Verdict`` is a judged claim (its word, value, interval...).
from bench.ledger.vocabulary import Verdict as V

VERDICTS = tuple(V)


@dataclass
class Verdict:
    claim: str
    verdict: V
    why: str
    value: Optional[float] = None  # the value the verdict turned on
    interval: Optional[Tuple[float, float]] = None
    n: Optional[int] = None
    provisional: bool = False
    events: Optional[int] = None  # set when ``value`` is a rate of events in ``n`` trials
    metric: Optional[str] = None
    evidence: dict = field(default_factory=dict)
    method: Optional[str] = None  # how the interval was made (stats.Measured.method)
    headline: Optional[dict] = None  # the claim's headline metric in this column, whatever decided (headline_of)
    problems: dict = field(default_factory=dict)  # {metric: reason} physics forbids here (bench.judge.physics)
    # Why the cell shows no value where a gate settled the claim: "machine x1.2 on 2 processes", "GIL on here".
    words: Optional[str] = None


def _describe(m):
    """A measured value as a reason (``why``) states it, spelled as the reports' cells are."""
    if m.method == stats.BOUNDS:  # not a 95% interval: said in words
        low, high = (describe_value(x, None) for x in m.interval)
        return "between %s and %s (bounds)" % (low, high)
    text = describe_value(m.value, m.interval, m.n, m.events)
    return text + " (widened to the run's pooled spread)" if pooling.WIDENED in m.method else text


# How each condition word is met by an interpreter's facts.
_CONDITION_HOLDS = {
    "version>=": lambda c, facts: versions.minor(facts["version"]) >= c.version,
    "version<": lambda c, facts: versions.minor(facts["version"]) < c.version,
    "gil-on": lambda c, facts: bool(facts.get("gil_enabled")),
    "gil-off": lambda c, facts: not facts.get("gil_enabled"),
    "multicore": lambda c, facts: (facts.get("cpus_usable") or 1) >= 2,
    "pymalloc": lambda c, facts: bool(facts.get("pymalloc")),
    # Judged against the machine by _machine_parallelism, with its own reason.
    "parallel": lambda c, facts: True,
}


def condition_holds(conditions, facts):
    """True when ``when``/``applies`` ``Conditions`` are all met by the interpreter's facts."""
    return all(_CONDITION_HOLDS[c.word](c, facts) for c in conditions.words)


def _bounds(m):
    return (m.value, m.value) if m.interval is None else m.interval


def _judge_count(kind, rate, m):
    upper = m.interval[1]
    if kind == "never":
        if m.events > 0:
            return V.CONTRADICTED
        return V.HOLDS if upper < rate else V.INCONCLUSIVE
    if m.events > 0:
        return V.HOLDS
    return V.CONTRADICTED if upper < rate else V.INCONCLUSIVE


def _judge_equals(value, tol, measured):
    v = measured.value
    lo, hi = _bounds(measured)
    want_lo, want_hi = value - tol, value + tol
    if measured.interval is None or lo == hi:
        if tol == 0:
            return V.HOLDS if math.isclose(v, value, rel_tol=1e-9, abs_tol=1e-12) else V.CONTRADICTED
        return V.HOLDS if want_lo <= v <= want_hi else V.CONTRADICTED
    if want_lo <= lo and hi <= want_hi and tol > 0:
        return V.HOLDS
    if hi < want_lo or lo > want_hi:
        return V.CONTRADICTED
    return V.WITHIN_NOISE


def _judge_removed(level, m, reference):
    if m.events > 0:
        return V.CONTRADICTED
    return V.HOLDS if _fisher(m, reference) < level else V.INCONCLUSIVE


def _fisher(m, reference):
    # Round by round where both counts kept their rounds (the same fresh processes): rounds that
    # differ from each other are then not counted as one population.
    if m.rounds and reference.rounds and len(m.rounds) == len(reference.rounds):
        return rounds.fisher_less_stratified(m.rounds, reference.rounds)
    return stats.fisher_less(m.events, m.n, reference.events, reference.n)


def judge(prediction, measured, reference=None):
    """``_judged_value``, where bounds that straddle the prediction are ``inconclusive``: the
    probe could not tell, which is no noise."""
    outcome = _judged_value(prediction, measured, reference)
    if outcome == V.WITHIN_NOISE and measured.method == stats.BOUNDS:
        return V.INCONCLUSIVE
    return outcome


def _judged_value(prediction, measured, reference=None):
    """One check of a ``Prediction``: holds, contradicted, within-noise or (counts) inconclusive.
    ``reference``: the count a two-sample prediction compares ``measured`` with (its check's versus)."""
    kind, args = prediction.kind, prediction.bounds
    v = measured.value
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        raise ValueError("no finite value (%r)" % v)
    if prediction.is_count:
        if not measured.is_count or (prediction.is_two_sample and not (reference and reference.is_count)):
            raise ValueError("%s needs a count of events in trials%s, got a plain value"
                             % (prediction, " and a count to compare with" if prediction.is_two_sample else ""))
        if prediction.is_two_sample:
            return _judge_removed(args[0], measured, reference)
        return _judge_count(kind, args[0], measured)
    if kind == "equals":
        return _judge_equals(args[0], args[1] if len(args) > 1 else 0.0, measured)
    lo, hi = _bounds(measured)
    if kind == "between":
        a, b = args
        if a < lo and hi < b:
            return V.HOLDS
        if hi < a or lo > b:
            return V.CONTRADICTED
        return V.WITHIN_NOISE
    bound = args[0]
    if lo > bound:
        return V.HOLDS if kind == "above" else V.CONTRADICTED
    if hi < bound:
        return V.HOLDS if kind == "below" else V.CONTRADICTED
    if lo == hi:  # exactly on the bound, no uncertainty: strictly neither above nor below
        return V.CONTRADICTED
    return V.WITHIN_NOISE


def _reason(check, m, outcome, reference=None):
    text = "%s = %s, predicted %s: %s" % (check.metric, _describe(m), check.prediction, outcome)
    if reference is not None:
        # What the exact test covers: that this rate is below the control's, not that it is zero.
        text += (" (against %s = %s: one-sided Fisher exact p = %s, the chance of a split this lopsided "
                 "if both had one rate)"
                 % (check.versus, _describe(reference), p_value(_fisher(m, reference))))
    if check.why:
        text += " (%s)" % check.why
    if m.is_count and m.events == 0:
        # Decided or not, a count of zero bounds a rate; it never proves that something cannot happen.
        text += (" (not seen in %d trials: the rate is below %s%% at one-sided 95%%, not zero)"
                 % (m.n, percent(m.interval[1])))
    if m.provisional:
        text += " (provisional: %d pairs)" % m.n
    return text


def _combine(outcomes):
    kinds = set(outcomes)
    # A claim is the conjunction of its checks: one clear contradiction sinks it, unless
    # another part clearly holds (then it holds only partly); noise never flips a verdict.
    if {V.HOLDS, V.CONTRADICTED} <= kinds:
        return V.PARTLY
    if V.CONTRADICTED in kinds:
        return V.CONTRADICTED
    if kinds == {V.HOLDS}:
        return V.HOLDS
    return V.WITHIN_NOISE if V.WITHIN_NOISE in kinds else V.INCONCLUSIVE


def _deciding(checks, outcomes):
    """The check a verdict turned on: the first contradiction, else the first undecided, else the first."""
    for wanted in ((V.CONTRADICTED,), (V.WITHIN_NOISE, V.INCONCLUSIVE)):
        for check, outcome in zip(checks, outcomes):
            if outcome in wanted:
                return check
    return checks[0]


# --- the gates: each settles a claim early with a verdict, or returns None to let it through ----

@dataclass
class _Case:
    """One claim on one interpreter, as the gates narrow it down."""
    claim: object
    metrics: dict  # metric key -> Measured
    facts: dict  # the interpreter (version, gil_enabled, ...) and the machine's parallelism
    checks: list = field(default_factory=list)  # the checks that apply and are judged
    left_out: list = field(default_factory=list)  # optional checks this run did not measure
    note: str = ""  # a machine_bound check left undecided, and why
    unshown: object = None  # the machine's parallelism where its interval straddles the gate (a Measured)
    outcomes: list = field(default_factory=list)  # per check of ``checks``

    def applying(self, checks):
        return [c for c in checks if condition_holds(c.when, self.facts)]


def _applies(case):
    applies = case.claim.applies
    if applies and not condition_holds(applies, case.facts):
        return Verdict(case.claim.id, V.NA, "applies only where %s; not the case on this interpreter%s"
                       % (said(applies), allocator_note(applies, case.facts)),
                       words=not_met_words(applies, case.facts, _CONDITION_HOLDS))
    return None


def _read(check):
    """The metrics judging ``check`` reads: its own, and the count a two-sample check compares with."""
    return (check.metric, check.versus) if check.versus else (check.metric,)


def _some_check_applies(case):
    checks = case.applying(case.claim.checks)
    case.left_out = [c for c in checks if c.optional and any(m not in case.metrics for m in _read(c))]
    case.checks = [c for c in checks if c not in case.left_out]
    if not case.checks:
        return Verdict(case.claim.id, V.NA, "no check of this claim applies to this interpreter's version or build",
                       words="no check for this build")
    return None


def _all_measured(case):
    needed = case.applying(case.claim.given) + case.applying(case.claim.unless) + case.checks
    missing = sorted({m for c in needed for m in _read(c) if m not in case.metrics})
    if missing:
        return Verdict(case.claim.id, V.NOT_MEASURED, "no observation of %s" % ", ".join(missing))
    return None


def _machine_parallelism(case):
    """Whether a parallel-speedup claim can be judged in this run.

    ``facts["machine_parallelism"]`` is the speedup 2 processes reached over 1 on the same work
    in the same run (a Measured, or None when that workload did not run).  Where its 95% interval
    lies wholly below x1.5 the machine cannot show parallelism and the claim is n/a
    (``words.machine_too_busy``).  Otherwise it is judged; where the interval reaches below x1.5 too, a
    ``machine_bound`` check that holds decides only below half the machine's least gain (``_against_machine``).
    """
    if not case.claim.applies.has("parallel"):
        return None
    machine = case.facts.get("machine_parallelism")
    if machine is None:
        return Verdict(case.claim.id, V.NOT_MEASURED,
                       "needs the parallelism this machine delivered in the same run "
                       "(2 processes against 1 on the countdown): run the countdown workload too")
    if machine_too_busy(machine):
        return Verdict(case.claim.id, V.NA,
                       "the machine delivered only x%s on 2 processes in this run, wholly below x%s: it cannot "
                       "show parallelism, so threads are not judged (a busy machine must not pass for the GIL)"
                       % (_describe(machine), PARALLEL_MACHINE_SPEEDUP), words=machine_words(machine))
    if _bounds(machine)[0] < PARALLEL_MACHINE_SPEEDUP:
        case.unshown = machine
    return None


def _unless(case):
    """n/a when one of the claim's ``unless`` checks holds.

    The cell shows no value (what was measured is not what the claim is about); the reason gives
    the check's ``why``, its value, and the values the claim's checks would have judged.
    """
    claim, metrics = case.claim, case.metrics
    for check in case.applying(claim.unless):
        m = metrics[check.metric]
        if judge(check.prediction, m, _reference(case, check)) == V.HOLDS:
            shown = [c.metric for c in case.checks] + [k for k in claim.context if k in metrics]
            values = ", ".join("%s = %s" % (k, _describe(metrics[k])) for k in dict.fromkeys(shown))
            why = "%s (%s = %s; not judged: %s)" % (check.why, check.metric, _describe(m), values)
            return Verdict(claim.id, V.NA, why, metric=check.metric,
                           evidence={k: metrics[k].value for k in [check.metric] + shown},
                           words=short(check.why) if check.why else "%s = %s" % (check.metric, _describe(m)))
    return None


def _preconditions(case):
    """Inconclusive when a ``given`` check does not hold: the claim cannot be shown in this run."""
    for check in case.applying(case.claim.given):
        m = case.metrics[check.metric]
        outcome = judge(check.prediction, m, _reference(case, check))
        if outcome != V.HOLDS:
            return Verdict(case.claim.id, V.INCONCLUSIVE,
                           "cannot be shown in this run: it needs %s = %s to hold (%s), but it is %s"
                           % (check.metric, check.prediction, _describe(m), outcome),
                           m.value, m.interval, m.n, False, m.events, check.metric,
                           words="precondition failed: %s = %s" % (check.metric, _describe(m)))
    return None


def _reference(case, check):
    """The count a two-sample check is compared with, or None."""
    return case.metrics[check.versus] if check.versus else None


def _checks_judged(case):
    """Each check's outcome; not-measured when a value cannot be judged (not finite, not a count)."""
    for check in case.checks:
        try:
            outcome = judge(check.prediction, case.metrics[check.metric], _reference(case, check))
        except ValueError as exc:
            return Verdict(case.claim.id, V.NOT_MEASURED, "%s: bad value (%s)" % (check.metric, exc),
                           metric=check.metric)
        if outcome == V.HOLDS and check.machine_bound and case.unshown is not None:
            outcome, case.note = _against_machine(check.metric, case.metrics[check.metric], case.unshown)
        case.outcomes.append(outcome)
    return None


def _against_machine(metric, m, machine):
    """A machine_bound reading below the gate, on a machine straddling it: decided where its upper end lies
    below half the least gain the machine showed in the same run, 1 + (low - 1) / 2 (as the share checks)."""
    limit = 1 + (_bounds(machine)[0] - 1) / 2
    if _bounds(m)[1] < limit:
        return V.HOLDS, "%s below x%s, half the least gain 2 processes showed in the same run, x%s" % (
            metric, fmt(limit), _describe(machine))
    return V.INCONCLUSIVE, "%s not judged: the machine's own parallelism on 2 processes, x%s, reaches below x%s " \
        "and the threads' reading is not below half its least gain" % (metric, _describe(machine), PARALLEL_MACHINE_SPEEDUP)


_GATES = (_applies, _some_check_applies, _all_measured, _machine_parallelism, _unless, _preconditions, _checks_judged)


def _judged(case):
    """The verdict of a claim through every gate: its checks combined, with every reason."""
    claim, metrics, checks = case.claim, case.metrics, case.checks
    reasons = [_reason(c, metrics[c.metric], o, _reference(case, c)) for c, o in zip(checks, case.outcomes)]
    reasons += ["%s not measured in this run, so not judged" % c.metric for c in case.left_out]
    if case.note:
        reasons.append(case.note)
    shown = ["%s = %s" % (k, _describe(metrics[k])) for k in claim.context if k in metrics]
    if shown:
        reasons.append("context: " + ", ".join(shown))
    decided = _deciding(checks, case.outcomes)
    m = metrics[decided.metric]
    evidence = {c.metric: metrics[c.metric].value for c in checks}
    evidence.update({k: metrics[k].value for k in claim.context if k in metrics})
    machine = case.facts.get("machine_parallelism") if claim.applies.has("parallel") else None
    provisional = (any(metrics[c.metric].provisional for c in checks) or bool(machine and machine.provisional)
                   or bool(case.note))
    return Verdict(claim.id, _combine(case.outcomes), "; ".join(reasons), m.value, m.interval, m.n,
                   provisional, m.events, decided.metric, evidence, m.method)


def headline_of(claim, metrics):
    """The claim's headline metric in one column: {metric, value, interval, n, events} of its
    ``Measured`` in ``metrics``, or None when the claim names none or the column did not measure it.
    The same quantity in every column of a row, whatever check decided each verdict."""
    headline = getattr(claim, "headline", None)
    m = metrics.get(headline.metric) if headline is not None else None
    if m is None:
        return None
    return {"metric": headline.metric, "value": m.value, "interval": m.interval, "n": m.n, "events": m.events}


def evaluate(claim, metrics, facts):
    """Judge one claim on one interpreter.

    ``metrics`` maps metric keys to ``Measured``; ``facts`` describes the interpreter
    (``version``, ``gil_enabled``, ...).  Every outcome comes from these two inputs.  The verdict
    carries the claim's headline metric as measured here (``headline_of``), whatever decided it.
    """
    case = _Case(claim, metrics, facts)
    for gate in _GATES:
        verdict = gate(case)
        if verdict is not None:
            break
    else:
        verdict = _judged(case)
    verdict.headline = headline_of(claim, metrics)
    return verdict
