"""The one generic evaluator: (prediction, measured value with its interval) -> verdict.

Prediction vocabulary (strings in the ledger):
  above(x)        the value is greater than x
  below(x)        the value is less than x
  between(a,b)    a < value < b
  equals(x)       the value is x: exact facts (counts of things, constants)
  equals(x,tol)   the value is within tol of x: for measured values, which can never be exact
  never(r)        an event counted over trials does not happen: holds when the 95% upper bound
                  of its rate is below r; one event contradicts it
  sometimes(r)    it does happen: holds as soon as one event is seen; contradicted only when the
                  95% upper bound of its rate is below r
A value with an interval (``bench.judge.stats``) is judged by the interval, never by its point:
when the prediction's bound lies inside the interval the verdict is ``within-noise``; a count
whose bound cannot decide is ``inconclusive`` ("not seen in n trials (rate <= X%)").
"""
import math
import re
from dataclasses import dataclass, field
from typing import Optional, Tuple

from bench.ledger import versions

VERDICTS = ("holds", "contradicted", "partly", "within-noise", "inconclusive", "n/a", "not-measured")
_PRED = re.compile(r"^(above|below|equals|between|never|sometimes)\(([^)]*)\)$")
_COND = re.compile(r"^version(>=|<)(\d+)\.(\d+)$")
_ARITY = {"above": (1,), "below": (1,), "between": (2,), "equals": (1, 2), "never": (1,), "sometimes": (1,)}
# Two processes must reach this speedup over one for a machine to show what threads could do.
PARALLEL_MACHINE_SPEEDUP = 1.5


@dataclass
class Verdict:
    claim: str
    verdict: str
    why: str
    value: Optional[float] = None  # the value the verdict turned on
    interval: Optional[Tuple[float, float]] = None
    n: Optional[int] = None
    provisional: bool = False
    events: Optional[int] = None  # set when ``value`` is a rate of events in ``n`` trials
    metric: Optional[str] = None
    evidence: dict = field(default_factory=dict)
    method: Optional[str] = None  # how the interval was made (stats.Measured.method)


def parse(prediction):
    """(kind, [numbers]) of a prediction; ValueError for anything outside the vocabulary."""
    m = _PRED.match(prediction.replace(" ", ""))
    if not m:
        raise ValueError("unknown prediction %r" % prediction)
    kind, args = m.group(1), [float(a) for a in m.group(2).split(",") if a]
    if len(args) not in _ARITY[kind]:
        raise ValueError("prediction %r takes %s number(s)" % (prediction, " or ".join(map(str, _ARITY[kind]))))
    return kind, args


def fmt(x):
    if isinstance(x, float) and (x == 0 or 1e-3 <= abs(x) < 1e6):
        return "%.4g" % x
    return "%g" % x if isinstance(x, float) else str(x)


def describe(m):
    """A measured value as a person reads it: '3/40 (1.6–20%)', '0.91 [0.85, 0.97]', '512'."""
    return describe_value(m.value, m.interval, m.n, m.events)


def _percent(rate):
    """A rate as a percentage a person reads: '0.61', '8.8', '57', '100' (never '1e+02')."""
    p = 100 * rate
    return "%.0f" % p if p >= 10 else "%.2g" % p


def describe_value(value, interval, n=None, events=None):
    """The same, from a verdict's parts (the report's cells use it too)."""
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


def condition_holds(cond, facts):
    """True when a ``when``/``applies`` condition is met by the interpreter's facts."""
    if not cond:
        return True
    if " " in cond:
        return all(condition_holds(part, facts) for part in cond.split())
    if cond == "multicore":
        return (facts.get("cpus_usable") or 1) >= 2
    if cond == "gil-on":
        return bool(facts.get("gil_enabled"))
    if cond == "gil-off":
        return not facts.get("gil_enabled")
    if cond == "pymalloc":
        return bool(facts.get("pymalloc"))
    if cond == "parallel":  # judged against the machine by _parallel_gate, with its own reason
        return True
    m = _COND.match(cond)
    if m:
        have = versions.minor(facts["version"])
        want = (int(m.group(2)), int(m.group(3)))
        return have >= want if m.group(1) == ">=" else have < want
    raise ValueError("unknown condition %r" % cond)


def _bounds(m):
    if m.interval is None:
        return m.value, m.value
    return m.interval


def _judge_count(kind, rate, m):
    upper = m.interval[1]
    if kind == "never":
        if m.events > 0:
            return "contradicted"
        return "holds" if upper < rate else "inconclusive"
    if m.events > 0:
        return "holds"
    return "contradicted" if upper < rate else "inconclusive"


def judge(prediction, measured):
    """One check: 'holds', 'contradicted', 'within-noise' or (counts) 'inconclusive'."""
    kind, args = parse(prediction)
    v = measured.value
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        raise ValueError("no finite value (%r)" % v)
    if kind in ("never", "sometimes"):
        if not measured.is_count:
            raise ValueError("%s needs a count of events in trials, got a plain value" % prediction)
        return _judge_count(kind, args[0], measured)
    lo, hi = _bounds(measured)
    if kind == "equals":
        tol = args[1] if len(args) > 1 else 0.0
        want_lo, want_hi = args[0] - tol, args[0] + tol
        if measured.interval is None or lo == hi:
            if tol == 0:
                return "holds" if math.isclose(v, args[0], rel_tol=1e-9, abs_tol=1e-12) else "contradicted"
            return "holds" if want_lo <= v <= want_hi else "contradicted"
        if want_lo <= lo and hi <= want_hi and tol > 0:
            return "holds"
        if hi < want_lo or lo > want_hi:
            return "contradicted"
        return "within-noise"
    if kind == "between":
        a, b = args
        if a < lo and hi < b:
            return "holds"
        if hi < a or lo > b:
            return "contradicted"
        return "within-noise"
    bound = args[0]
    if lo > bound:
        return "holds" if kind == "above" else "contradicted"
    if hi < bound:
        return "holds" if kind == "below" else "contradicted"
    if lo == hi:  # exactly on the bound, no uncertainty: strictly neither above nor below
        return "contradicted"
    return "within-noise"


def _reason(check, m, outcome):
    text = "%s = %s, predicted %s: %s" % (check.metric, describe(m), check.prediction, outcome)
    if check.why:
        text += " (%s)" % check.why
    if m.is_count and m.events == 0:
        # Decided or not, a count of zero bounds a rate; it never proves that something cannot happen.
        text += " (not seen in %d trials: the rate is below %s%% at 95%%, not zero)" % (m.n, _percent(m.interval[1]))
    if m.provisional:
        text += " (provisional: %d pairs)" % m.n
    return text


def _combine(outcomes):
    kinds = set(outcomes)
    # A claim is the conjunction of its checks: one clear contradiction sinks it, unless
    # another part clearly holds (then it holds only partly); noise never flips a verdict.
    if {"holds", "contradicted"} <= kinds:
        return "partly"
    if "contradicted" in kinds:
        return "contradicted"
    if kinds == {"holds"}:
        return "holds"
    return "within-noise" if "within-noise" in kinds else "inconclusive"


def _deciding(checks, outcomes):
    """The check a verdict turned on: the first contradiction, else the first undecided, else the first."""
    for wanted in (("contradicted",), ("within-noise", "inconclusive")):
        for check, outcome in zip(checks, outcomes):
            if outcome in wanted:
                return check
    return checks[0]


def _parallel_gate(claim, facts):
    """(verdict or None, why): whether a parallel-speedup claim can be judged in this run.

    ``facts["machine_parallelism"]`` is the speedup 2 processes reached over 1 on the same work
    in the same run (a Measured, or None when that workload did not run).  Below x1.5 the
    machine cannot show parallelism and the claim is n/a.  At x1.5 or more the claim is judged;
    when the interval still reaches below x1.5 the verdict is provisional and says so.
    """
    if "parallel" not in claim.applies.split():
        return None, ""
    machine = facts.get("machine_parallelism")
    if machine is None:
        return "not-measured", ("needs the parallelism this machine delivered in the same run "
                                "(2 processes against 1 on the countdown): run the countdown workload too")
    if machine.value < PARALLEL_MACHINE_SPEEDUP:
        return "n/a", ("the machine delivered only x%s on 2 processes in this run; below x%s it cannot "
                       "show parallelism, so threads are not judged (a busy machine must not pass for the GIL)"
                       % (describe(machine), PARALLEL_MACHINE_SPEEDUP))
    if _bounds(machine)[0] < PARALLEL_MACHINE_SPEEDUP:
        return None, ("provisional: the machine's parallelism on 2 processes, x%s, reaches below x%s"
                      % (describe(machine), PARALLEL_MACHINE_SPEEDUP))
    return None, ""


_CONDITION_WORDS = {
    "gil-on": "the GIL is on at run time", "gil-off": "the GIL is off at run time",
    "multicore": "at least two CPUs are usable", "pymalloc": "pymalloc serves the process",
    "parallel": "the machine delivered parallelism in this run",
}


def _said(conditions):
    """``gil-off multicore`` in words, for a reason a reader sees."""
    return " and ".join("%s (%s)" % (_CONDITION_WORDS[c], c) if c in _CONDITION_WORDS else c
                        for c in conditions.split())


def _allocator_note(applies, facts):
    """Which allocator the run found instead of pymalloc, when that is why a claim is n/a."""
    if "pymalloc" in applies.split() and not facts.get("pymalloc") and facts.get("allocator"):
        return " (the run's allocator is %s)" % facts["allocator"]
    return ""


def _unless(claim, checks, metrics, facts):
    """An ``n/a`` verdict when one of the claim's ``unless`` checks holds, else None.

    The cell shows no value (what was measured is not what the claim is about); the reason gives
    the check's ``why``, its value, and the values the claim's checks would have judged.
    """
    for check in claim.unless:
        if not condition_holds(check.when, facts):
            continue
        m = metrics[check.metric]
        if judge(check.prediction, m) == "holds":
            shown = [c.metric for c in checks] + [k for k in claim.context if k in metrics]
            values = ", ".join("%s = %s" % (k, describe(metrics[k])) for k in dict.fromkeys(shown))
            why = "%s (%s = %s; not judged: %s)" % (check.why, check.metric, describe(m), values)
            return Verdict(claim.id, "n/a", why, metric=check.metric,
                           evidence={k: metrics[k].value for k in [check.metric] + shown})
    return None


def evaluate(claim, metrics, facts):
    """Judge one claim on one interpreter.

    ``metrics`` maps metric keys to ``Measured``; ``facts`` describes the interpreter
    (``version``, ``gil_enabled``, ...).  Every outcome comes from these two inputs.
    """
    if claim.applies and not condition_holds(claim.applies, facts):
        return Verdict(claim.id, "n/a", "applies only where %s; not the case on this interpreter%s"
                       % (_said(claim.applies), _allocator_note(claim.applies, facts)))
    checks = [c for c in claim.checks if condition_holds(c.when, facts)]
    left_out = [c for c in checks if c.optional and c.metric not in metrics]
    checks = [c for c in checks if c not in left_out]
    if not checks:
        return Verdict(claim.id, "n/a", "no check of this claim applies to this interpreter's version or build")
    given = [c for c in claim.given if condition_holds(c.when, facts)]
    unless = [c for c in claim.unless if condition_holds(c.when, facts)]
    missing = sorted({c.metric for c in given + unless + checks if c.metric not in metrics})
    if missing:
        return Verdict(claim.id, "not-measured", "no observation of %s" % ", ".join(missing))
    gate, gate_note = _parallel_gate(claim, facts)
    if gate:
        return Verdict(claim.id, gate, gate_note)
    moot = _unless(claim, checks, metrics, facts)
    if moot:
        return moot
    for check in claim.given:
        if not condition_holds(check.when, facts):
            continue
        m = metrics[check.metric]
        outcome = judge(check.prediction, m)
        if outcome != "holds":
            return Verdict(claim.id, "inconclusive",
                           "cannot be shown in this run: it needs %s = %s to hold (%s), but it is %s"
                           % (check.metric, check.prediction, describe(m), outcome),
                           m.value, m.interval, m.n, False, m.events, check.metric)
    outcomes, reasons = [], []
    for check in checks:
        m = metrics[check.metric]
        try:
            outcome = judge(check.prediction, m)
        except ValueError as exc:
            return Verdict(claim.id, "not-measured", "%s: bad value (%s)" % (check.metric, exc), metric=check.metric)
        outcomes.append(outcome)
        reasons.append(_reason(check, m, outcome))
    verdict = _combine(outcomes)
    reasons += ["%s not measured in this run, so not judged" % c.metric for c in left_out]
    if gate_note:
        reasons.append(gate_note)
    shown = ["%s = %s" % (k, describe(metrics[k])) for k in claim.context if k in metrics]
    if shown:
        reasons.append("context: " + ", ".join(shown))
    decided = _deciding(checks, outcomes)
    m = metrics[decided.metric]
    evidence = {c.metric: metrics[c.metric].value for c in checks}
    evidence.update({k: metrics[k].value for k in claim.context if k in metrics})
    machine = facts.get("machine_parallelism") if "parallel" in claim.applies.split() else None
    provisional = (any(metrics[c.metric].provisional for c in checks) or bool(machine and machine.provisional)
                   or bool(gate_note))
    return Verdict(claim.id, verdict, "; ".join(reasons), m.value, m.interval, m.n,
                   provisional, m.events, decided.metric, evidence, m.method)
