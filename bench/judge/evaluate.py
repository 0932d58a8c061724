"""The one generic evaluator: (prediction, measured value, its spread) -> verdict.

Prediction vocabulary (strings in the ledger):
  above(x)   the value is greater than x
  below(x)   the value is less than x
  equals(x)  the value is x (exact facts: counts, constants)
  between(a,b)
A value with a spread (its standard error) is judged at two spreads: when the bound lies
within value +- 2 * spread, the verdict is ``within-noise`` instead of flipping either way.
"""
import math
import re
from dataclasses import dataclass, field
from typing import Optional

VERDICTS = ("holds", "contradicted", "partly", "within-noise", "n/a", "not-measured")
_NOISE_SIGMAS = 2.0
_PRED = re.compile(r"^(above|below|equals|between)\(([^)]*)\)$")
_COND = re.compile(r"^version(>=|<)(\d+)\.(\d+)$")


@dataclass(frozen=True)
class Measured:
    value: float
    spread: float = 0.0  # standard error of the value; 0 for exact facts


@dataclass
class Verdict:
    claim: str
    verdict: str
    why: str
    value: Optional[float] = None
    spread: Optional[float] = None
    evidence: dict = field(default_factory=dict)


def _parse(prediction):
    m = _PRED.match(prediction.replace(" ", ""))
    if not m:
        raise ValueError("unknown prediction %r" % prediction)
    return m.group(1), [float(a) for a in m.group(2).split(",")]


def _fmt(x):
    if isinstance(x, float) and (x == 0 or 1e-3 <= abs(x) < 1e6):
        return ("%.4g" % x)
    return "%g" % x if isinstance(x, float) else str(x)


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
    m = _COND.match(cond)
    if m:
        have = tuple(int(p) for p in str(facts["version"]).split(".")[:2])
        want = (int(m.group(2)), int(m.group(3)))
        return have >= want if m.group(1) == ">=" else have < want
    raise ValueError("unknown condition %r" % cond)


def judge(prediction, measured):
    """One check: 'holds', 'contradicted' or 'within-noise'."""
    kind, args = _parse(prediction)
    v, margin = measured.value, _NOISE_SIGMAS * measured.spread
    if v is None or (isinstance(v, float) and math.isnan(v)):
        raise ValueError("no value")
    if kind == "equals":
        if margin == 0:
            return "holds" if math.isclose(v, args[0], rel_tol=1e-9, abs_tol=1e-12) else "contradicted"
        lo_ok, hi_ok = v - margin <= args[0], args[0] <= v + margin
        return "within-noise" if lo_ok and hi_ok else "contradicted"
    if kind == "between":
        lo, hi = args
        if lo < v - margin and v + margin < hi:
            return "holds"
        if v + margin < lo or v - margin > hi:
            return "contradicted"
        return "within-noise"
    bound = args[0]
    if v - margin > bound:
        return "holds" if kind == "above" else "contradicted"
    if v + margin < bound:
        return "holds" if kind == "below" else "contradicted"
    if margin == 0:  # exactly on the bound with no noise: strictly neither above nor below
        return "contradicted"
    return "within-noise"


def _describe(check, m, outcome):
    shown = _fmt(m.value) + (" +- " + _fmt(m.spread) if m.spread else "")
    return "%s = %s, predicted %s: %s" % (check.metric, shown, check.prediction, outcome)


def evaluate(claim, metrics, facts):
    """Judge one claim on one interpreter.

    ``metrics`` maps metric keys to ``Measured``; ``facts`` describes the interpreter
    (``version``, ``gil_enabled``, ...).  Every outcome comes from these two inputs.
    """
    if claim.applies and not condition_holds(claim.applies, facts):
        return Verdict(claim.id, "n/a", "applies only where %s; not the case on this interpreter" % claim.applies)
    checks = [c for c in claim.checks if condition_holds(c.when, facts)]
    if not checks:
        return Verdict(claim.id, "n/a", "no check of this claim applies to this interpreter's version or build")
    missing = sorted({c.metric for c in checks if c.metric not in metrics})
    if missing:
        return Verdict(claim.id, "not-measured", "no observation of %s" % ", ".join(missing))
    outcomes, reasons = [], []
    for check in checks:
        m = metrics[check.metric]
        outcome = judge(check.prediction, m)
        outcomes.append(outcome)
        reasons.append(_describe(check, m, outcome))
    kinds = set(outcomes)
    # A claim is the conjunction of its checks: one clear contradiction sinks it, unless
    # another part clearly holds (then it holds only partly); noise never flips a verdict.
    if {"holds", "contradicted"} <= kinds:
        verdict = "partly"
    elif "contradicted" in kinds:
        verdict = "contradicted"
    elif kinds == {"holds"}:
        verdict = "holds"
    else:
        verdict = "within-noise"
    shown = ["%s = %s" % (k, _fmt(metrics[k].value)) for k in claim.context if k in metrics]
    if shown:
        reasons.append("context: " + ", ".join(shown))
    first = metrics[checks[0].metric]
    evidence = {c.metric: metrics[c.metric].value for c in checks}
    evidence.update({k: metrics[k].value for k in claim.context if k in metrics})
    return Verdict(claim.id, verdict, "; ".join(reasons), first.value, first.spread or None, evidence)
