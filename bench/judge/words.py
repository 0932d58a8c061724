"""What a cell says, in a few words, where a claim is settled without its measurement (n/a, a failed
precondition): "GIL on here", "before 3.10", "machine x1.2 on 2 processes".  The parallel gate's
threshold lives here too, with the line a person reads after `run` when the machine was too busy.
"""
import math

from bench.ledger.vocabulary import MACHINE_PARALLELISM
from bench.numbers import fmt

# Two processes must reach this speedup over one for a machine to show what threads could do: the
# one parallel gate, stated so in the README and the legend (bench.publish.model.statistics).
PARALLEL_MACHINE_SPEEDUP = 1.5

# What a cell says when a claim does not apply because a condition is not met here.
_NOT_MET = {"gil-on": "GIL off here", "gil-off": "GIL on here", "multicore": "1 CPU usable",
            "pymalloc": "not pymalloc", "parallel": "no parallelism measured"}


def not_met_words(conditions, facts, holds):
    """The first condition ``facts`` miss, in a cell's few words: 'GIL on here', 'before 3.10'."""
    for c in conditions.words:
        if holds[c.word](c, facts):
            continue
        if c.word == "version>=":
            return "before %s" % ".".join(map(str, c.version))
        if c.word == "version<":
            return "%s or later" % ".".join(map(str, c.version))
        if c.word == "pymalloc" and facts.get("allocator"):
            return "allocator %s" % facts["allocator"]
        return _NOT_MET.get(c.word, str(c))
    return "does not apply here"


_SHORT = 48


def short(why):
    """A check's ``why`` cut to its first clause (and a few words), for a cell: 'this collector keeps
    no generations'; the whole reason stays in the verdict's why."""
    text = why.split(":")[0].split(";")[0].strip()
    if len(text) <= _SHORT:
        return text
    return text[:_SHORT].rsplit(" ", 1)[0].rstrip(" ,(") + " …"


def machine_too_busy(machine):
    """Whether the machine's parallelism (2 processes over 1 worker) is wholly below the gate: its 95%
    interval's upper end (its value where it has none) under x1.5.  A point estimate would move the
    gate with the noise of six rounds (x1.35 [1.05, 1.73] in one run, x1.98 [1.25, 3.15] in the next
    on the same VM); an interval reaching the gate leaves the claim judged (evaluate._machine_parallelism
    says what a straddling one leaves undecided)."""
    return _gate_reading(machine)[0] < PARALLEL_MACHINE_SPEEDUP


def _gate_reading(machine):
    """What the gate compares with x1.5: the interval's upper end, or the value where there is no
    finite one (one pair, an unbounded interval: no evidence either way, the value decides); and
    whether it is the interval's."""
    upper = machine.interval[1] if machine.interval else math.inf
    return (upper, True) if math.isfinite(upper) else (machine.value, False)


def machine_words(machine):
    """A busy machine's n/a in a cell's words: 'machine x1.2 on 2 processes'."""
    return "machine x%s on 2 processes" % fmt(machine.value)


def machine_note(metrics):
    """One line for a person when the machine of a run was too busy to judge parallel claims, else None.

    ``metrics``: a column's metrics (``MACHINE_PARALLELISM`` among them when the countdown ran)."""
    machine = metrics.get(MACHINE_PARALLELISM)
    if machine is None or not machine_too_busy(machine):
        return None
    read, of_interval = _gate_reading(machine)
    if of_interval:
        where = "its 95%% interval's upper end x%s below x%s" % (fmt(read), PARALLEL_MACHINE_SPEEDUP)
    else:  # one pair, or no upper end: the gate read the value alone
        pairs = "1 pair" if machine.n == 1 else "%s pairs" % machine.n if machine.n else "no count of pairs"
        where = "below x%s, from its value alone (%s, no upper bound)" % (PARALLEL_MACHINE_SPEEDUP, pairs)
    return ("n/a: %s, %s: the claims about parallel speed-ups are not judged; rerun on a quieter machine"
            % (machine_words(machine), where))


# --- the words of a verdict's reasons (its why) -------------------------------------------

def p_value(p):
    """A p-value as read: two significant digits, tiny ones as a power of ten, never e-notation."""
    if p >= 0.001:
        return "%.2g" % p
    return "below 10^%d" % math.ceil(math.log10(max(p, 1e-300)))


_CONDITION_WORDS = {
    "gil-on": "the GIL is on at run time", "gil-off": "the GIL is off at run time",
    "multicore": "at least two CPUs are usable", "pymalloc": "pymalloc serves the process",
    "parallel": "the machine delivered parallelism in this run",
}


def said(conditions):
    """``gil-off multicore`` in words, for a reason a reader sees."""
    return " and ".join("%s (%s)" % (_CONDITION_WORDS[c.word], c) if c.word in _CONDITION_WORDS else str(c)
                        for c in conditions.words)


def allocator_note(applies, facts):
    """Which allocator the run found instead of pymalloc, when that is why a claim is n/a."""
    if applies.has("pymalloc") and not facts.get("pymalloc") and facts.get("allocator"):
        return " (the run's allocator is %s)" % facts["allocator"]
    return ""
