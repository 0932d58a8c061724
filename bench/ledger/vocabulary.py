"""The words a ledger entry is written in: claims, their checks, and the workloads that measure them.

Predictions are ``Prediction`` objects of a small vocabulary (``above(x)``, ``below(x)``,
``equals(x[,tol])``, ``between(a,b)``, and for counts ``never(rate)`` / ``sometimes(rate)``; see
``bench.ledger.predictions``), written as their text in the chapter modules and typed by the
claim that holds them, so that a malformed one fails the import with a ``LedgerError`` naming
the claim.  ``when`` / ``applies`` are ``Conditions``: they
select which checks apply to an interpreter: ``version>=3.10``, ``version<3.10``,
``gil-on`` (the GIL is on at run time), ``gil-off``, ``multicore`` (at least two usable CPUs:
parallel speedups are possible), ``pymalloc``; space-separated conditions must all hold.  A
claim whose ``applies`` does not hold is ``n/a``.  ``parallel`` in ``applies`` judges a claim
only where 2 processes reached a real speedup in the same run (``MACHINE_PARALLELISM``), so
that a busy machine never passes for the GIL.  ``given`` checks are preconditions: a fix is
shown only where the unfixed code fails in the same run; when a precondition does not hold,
the claim is ``inconclusive`` with that reason.  ``unless`` checks are the reverse: when one
holds, the claim is ``n/a`` and its ``why`` says what the measurement found instead (an immortal
object, a collector without generations).  ``scope="cross"`` marks claims judged by
comparing interpreters of one matrix run; the metrics they name are ``CrossRatio``s
(``twin_ratio``, ``same_binary_ratio``), whose names the ledger generates.

``Headline``: the one quantity (a metric, its unit and a plain reading) a claim's row shows in every
column, whichever check decides the verdict there; the other checks and context stay in the why.

``Verdict`` is what a claim comes to on one interpreter: its word (the value reports print),
its marks and its legend line, for the judge and every renderer alike.

Metric keys lead to their producer in one hop: each workload lists the metrics it produces
(``Workload.metrics()``: the keys its demo observes and its derived metrics), and its benchmarks'
names come from its ``Grid`` (``bench_name``), never typed twice.

Python 3.9-compatible: the measured interpreters import the ledger's workloads.
"""
from dataclasses import dataclass
from enum import Enum
from itertools import product
from typing import Dict, Optional, Tuple, Union

from bench.ledger.predictions import Conditions, LedgerError, Prediction  # noqa: F401 (the words' home)


@dataclass(frozen=True)
class Check:
    # Written as text; typed (Prediction, Conditions) by the Claim that holds the check, so that a
    # malformed one is refused with the claim's id.
    metric: str
    prediction: Union[Prediction, str]
    when: Union[Conditions, str] = ""
    why: str = ""  # shown with this check's outcome: what the measured value means (or cannot show) here
    # Judged when the run measured its metric; a run without it (another --only) judges the claim on
    # its other checks and says which was left out, instead of leaving the whole claim not-measured.
    optional: bool = False
    versus: str = ""  # the count a two-sample prediction (removed) compares with: a fix's control
    # A reading of threads that the machine's own parallelism caps (a speedup, CPU-seconds per wall
    # second): "below x1.5" holding shows nothing by itself where the machine was not shown to reach
    # x1.5; it then decides only below half the machine's least gain (evaluate._against_machine).
    # Readings relative to the machine in the same round (a share of its gain, processes over
    # threads) are not machine_bound.
    machine_bound: bool = False

    def _typed(self):
        """Parse the text fields in place (frozen, so object.__setattr__); LedgerError when malformed.
        In place because a check may be shared by claims (a precondition); parsing is idempotent."""
        object.__setattr__(self, "prediction", Prediction.parse(self.prediction))
        object.__setattr__(self, "when", Conditions.parse(self.when))
        self.prediction.check_versus(self.versus)


@dataclass(frozen=True)
class Headline:
    """The one quantity a claim's row shows in every column: a metric the claim reads (a check, given or
    context metric), its unit ("bytes", "x (ratio)", "share of trials"...) and a plain reading of low and
    high values.  It decides what is shown, never the verdict (so the fingerprint leaves it out)."""
    metric: str
    unit: str
    reading: str
    words: Tuple[Tuple[float, str], ...] = ()  # ((-1, "no generations"),): a sentinel shown as words, never -1

    def _problem(self, claim):
        """Why this headline cannot be ``claim``'s (one line), or None."""
        for name in ("metric", "unit", "reading"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                return "headline %s must be a non-empty string, not %r" % (name, value)
        read = [c.metric for c in claim.given + claim.checks] + list(claim.context)
        if self.metric not in read:
            return ("headline metric %r is none the claim reads (its checks, given or context: %s)"
                    % (self.metric, ", ".join(dict.fromkeys(read))))
        return None


@dataclass(frozen=True)
class Change:
    """A known CPython change that makes a claim's verdict differ between versions.

    Shown in the published table where the verdict changes ("when did it stop being true").
    """
    version: str  # the first CPython version with the change, e.g. "3.10"
    what: str  # one line: what changed
    reference: str  # where it is documented: a what's-new entry, PEP or CPython issue


# A change several chapters' claims turn on (the GIL chapter's and the multiprocessing chapter's).
FREE_THREADING = Change("3.13", "free-threaded build (--disable-gil): threads run Python code in parallel",
                        "PEP 703")


@dataclass(frozen=True)
class Claim:
    id: str
    chapter: str
    section: str
    claim: str
    phrase: str  # the note's own words (Korean), enough to find the passage
    checks: Tuple[Check, ...]
    note_figure: Optional[str] = None
    applies: Union[Conditions, str] = ""
    scope: str = "interpreter"
    context: Tuple[str, ...] = ()  # metrics shown as evidence without being judged
    departs: str = ""  # where our demo departs from the note's code, and why
    given: Tuple[Check, ...] = ()  # preconditions, judged like checks (see the module docstring)
    changes: Tuple[Change, ...] = ()  # CPython changes that turn the verdict, oldest first
    # Checks that, when they hold, make the claim n/a for a measured reason (their ``why``): the
    # object the note counts is immortal here, say, so its printed count is a marker, not a count.
    unless: Tuple[Check, ...] = ()
    # What the claim's row shows in every column; None only outside the ledger (bench.ledger requires one).
    headline: Optional[Headline] = None

    def __post_init__(self):
        try:
            for check in self.given + self.checks + self.unless:
                check._typed()
            object.__setattr__(self, "applies", Conditions.parse(self.applies))
        except LedgerError as exc:
            raise LedgerError("ledger: claim %s: %s" % (self.id, exc)) from None
        if self.headline is not None:
            problem = (self.headline._problem(self) if isinstance(self.headline, Headline)
                       else "headline must be a Headline(metric, unit, reading), not %r" % (self.headline,))
            if problem:
                raise LedgerError("ledger: claim %s: %s" % (self.id, problem))

    def metrics(self):
        return tuple(m for c in self.given + self.checks + self.unless for m in (c.metric, c.versus) if m)


class Verdict(str, Enum):
    """What a claim, or one of its checks, comes to on one interpreter.

    A ``str``: its value is the word every report prints and JSON carries.  Each member also
    carries how renderers show it: ``mark`` (a Markdown cell), ``html_mark`` and ``css`` (the
    HTML page), ``legend`` (the line under the table and the JSON report's "legend"),
    ``format2_legend`` (shown for a JSON report of format 2, which carries no legend of its own),
    and ``decisive`` (it says whether the claim is true: "changed at" follows only these).
    """

    HOLDS = ("holds", "holds", "&#10003;", "holds", True,
             "the whole 95% interval lies on the side of the check's bound the note predicts (the bound, "
             "in the why, is the ledger's reading of the note, not always the note's own figure)",
             "the note's claim holds on this interpreter")
    CONTRADICTED = ("contradicted", "CONTRADICTED", "&#10007;", "contradicted", True,
                    "the whole 95% interval lies on the other side of that bound",
                    "the measurement contradicts the note")
    PARTLY = ("partly", "partly", "&#9680;", "partly", True,
              "some of the claim's checks hold and others are contradicted",
              "some of the claim's checks hold, others do not")
    WITHIN_NOISE = ("within-noise", "~ noise", "&#8776;", "within-noise", False,
                    "the prediction's bound lies inside the 95% interval: this run cannot tell",
                    "the prediction's bound lies inside the 95% interval: cannot tell")
    INCONCLUSIVE = ("inconclusive", "? undecided", "?", "inconclusive", False,
                    "too few trials to decide (0 of n only bounds a rate), or a precondition failed (the cell "
                    "then names the precondition's metric and shows its value)",
                    "too few trials to decide (0 of n only bounds a rate)")
    NA = ("n/a", "n/a", "n/a", "na", False,
          "the claim does not apply to this interpreter or machine (the why says which)",
          "the claim does not apply to this interpreter (the reason says why)")
    NOT_MEASURED = ("not-measured", "-", "&ndash;", "nm", False,
                    "nothing in this run measured it (the why says what is missing)",
                    "no measurement of it in this run")

    def __new__(cls, word, mark, html_mark, css, decisive, legend, format2_legend):
        member = str.__new__(cls, word)
        member._value_ = word
        member.mark, member.html_mark, member.css = mark, html_mark, css
        member.decisive, member.legend, member.format2_legend = decisive, legend, format2_legend
        return member

    # The word, wherever a verdict is formatted ("%s", format(), f-strings): Enum's own str() would
    # print "Verdict.HOLDS" into the reports.
    def __str__(self):
        return self.value

    def __format__(self, spec):
        return format(self.value, spec)


def bench_name(stem, *bare, **keyed):
    """The one spelling of a pyperf benchmark's name: ``stem[bare,...,key=value,...]``.

    ``bench_name("gc_pause", "full", containers=200000)`` is ``gc_pause[full,containers=200000]``;
    a key that is no identifier goes through a dict: ``bench_name("countdown", **{"worker-threads": 1})``.
    """
    parts = [str(v) for v in bare] + ["%s=%s" % (k, v) for k, v in keyed.items()]
    return "%s[%s]" % (stem, ",".join(parts))


@dataclass(frozen=True)
class Grid:
    """A pyperf script's benchmarks, declared once (asv's ``params``/``param_names``).

    ``blocks``: each an ordered ``((param, values), ...)`` whose product is a run of benchmarks, in
    the order the script times them; a grid that is no single product (one worker thread beside
    the threads, say) is several blocks.  ``bare``: the params whose value alone names them
    (``gc_pause[full,...]``, not ``collection=full``).  ``subsets``: named selections of the
    benchmarks (``bm_io.py --io-variants fast``).  Build one with ``grid()``.
    """
    stem: str
    blocks: Tuple[Tuple[Tuple[str, tuple], ...], ...]
    bare: Tuple[str, ...] = ()
    subsets: Optional[Dict[str, Tuple[str, ...]]] = None

    def points(self, subset=None):
        """Every benchmark's parameters ({param: value}, the order names show them), in grid order;
        only those of ``subset`` when one is named (None or "full": all of them)."""
        out = []
        for block in self.blocks:
            names = [p for p, _ in block]
            for values in product(*(v for _, v in block)):
                out.append(dict(zip(names, values)))
        if subset not in (None, "full"):
            wanted = set(self.subsets[subset])
            out = [p for p in out if self.name(p) in wanted]
        return out

    def name(self, point):
        """The benchmark name of one point (a dict of ``points()``)."""
        return bench_name(self.stem, *(v for k, v in point.items() if k in self.bare),
                          **{k: v for k, v in point.items() if k not in self.bare})

    def names(self, subset=None):
        return tuple(self.name(p) for p in self.points(subset))

    def benchmark(self, *bare, **keyed):
        """The name of the grid's benchmark with these parameters (bare ones by position), refused
        (LedgerError) when the grid has no such benchmark: a derived metric cannot name a typo."""
        found = bench_name(self.stem, *bare, **keyed)
        if found not in self.names():
            raise LedgerError("ledger: %s is no benchmark of the %s grid (%s)"
                              % (found, self.stem, ", ".join(self.names())))
        return found


def grid(stem, *blocks, bare=(), subsets=None):
    """A ``Grid`` from blocks written as dicts: ``grid("fib", {"n": (25,)})``,
    ``grid("gil_release", {"work": ("sha256", "zlib"), "threads": (1, 2, 4)})``."""
    typed = tuple(tuple((param, tuple(values)) for param, values in block.items()) for block in blocks)
    made = Grid(stem, typed, tuple(bare), subsets)
    for name, members in (subsets or {}).items():
        unknown = set(members) - set(made.names())
        if unknown:
            raise LedgerError("ledger: subset %r of the %s grid names no benchmark of it: %s"
                              % (name, stem, ", ".join(sorted(unknown))))
    return made


@dataclass(frozen=True)
class Option:
    """A command-line option of a pyperf script, declared with its workload: the script adds it and
    ``bench.harness.pyperf_script`` forwards it to pyperf's workers (fresh processes that see only
    what is forwarded).  ``type``: "int", "float" or "str"; ``env``: the variable its default is
    read from, where set; a default of None is not forwarded until the script sets a value."""
    flag: str
    type: str = "str"
    default: Union[int, float, str, None] = None
    help: str = ""
    choices: Tuple[str, ...] = ()
    env: str = ""


@dataclass(frozen=True)
class MoreRounds:
    """Benchmarks of a workload timed in more rounds than the mode gives every workload: the
    ``rounds`` (per mode, in all) of ``benchmarks``, where a claim's effect is smaller than what
    the mode's rounds can tell from noise.  The rounds past the mode's time only these benchmarks,
    in a process of their own, spread over the run (bench.harness.selection.round_plan)."""
    rounds: Dict[str, int]  # mode -> rounds in all (at least the mode's own; even, as those are)
    benchmarks: Tuple[str, ...]


@dataclass(frozen=True)
class Workload:
    """What ``gilbench run`` runs for one workload, and the metrics it produces.

    A workload is a demo whose ``observe()`` the run records (facts: counts, constants) and/or
    a pyperf script in ``bench/harness/benchmarks/`` (timings) whose benchmarks are its ``grid``.
    Timing metrics are *derived* from the pyperf benchmarks of one bench.json, so every ratio
    compares benchmarks of the same run.  ``metrics()``: the keys ``observes`` and the derived ones.
    """
    name: str
    chapter: str
    prefix: str
    demo: Optional[str] = None  # demos module whose observe() the run records
    script: Optional[str] = None  # bm_*.py in bench/harness/benchmarks/, timed with pyperf
    params: Optional[Dict[str, dict]] = None  # observe() keyword arguments per mode
    script_args: Optional[Dict[str, tuple]] = None  # values of the script's options per mode
    # metric -> how it is made (bench.ledger.derived): mean(), ratio() of benchmarks; count(), bounds() of observations.
    derived: Tuple[Tuple[str, tuple], ...] = ()
    grid: Optional[Grid] = None  # the script's benchmarks
    options: Tuple[Option, ...] = ()  # the script's own options (script_args sets them per mode)
    start_method: bool = False  # its timings start processes: it records (and fixes) the start method
    # Each benchmark in a fresh pyperf worker, not a round's one process: its timing depends on what
    isolated: bool = False  # the process that times it holds (a fork copies it; selection.pyperf_args)
    service: Optional[str] = None  # the local service's revision it times (services.search_service.REVISION)
    observes: Tuple[str, ...] = ()  # the keys its demo's observe() returns (any interpreter)
    more_rounds: Optional["MoreRounds"] = None  # some benchmarks timed in more rounds than the mode's

    def __post_init__(self):
        if self.more_rounds is not None:
            self._check_more_rounds()
        flags = {o.flag for o in self.options}
        for mode, args in (self.script_args or {}).items():
            unknown = [a for a in args if a.startswith("--") and a not in flags]
            if unknown:
                raise LedgerError("ledger: workload %s: script_args[%r] sets %s, no option of its script"
                                  % (self.name, mode, ", ".join(unknown)))

    def _check_more_rounds(self):
        names = set(self.grid.names()) if self.grid is not None else set()
        more = self.more_rounds
        unknown = sorted(set(more.benchmarks) - names)
        if not more.benchmarks or unknown:
            raise LedgerError("ledger: workload %s: more_rounds names %s" % (
                self.name, "no benchmark" if not unknown else ", ".join(unknown) + ", no benchmark of its grid"))
        odd = sorted(mode for mode, n in more.rounds.items() if n % 2)
        if odd:  # as many rounds in each order (selection.ROUNDS)
            raise LedgerError("ledger: workload %s: more_rounds in %s is odd" % (self.name, ", ".join(odd)))

    def metrics(self):
        """Every metric this workload produces: observed keys, then derived ones."""
        return tuple(self.observes) + tuple(m for m, _ in self.derived)


# The speedup 2 processes reach over 1 worker thread on the same countdown, in the same run:
# the parallelism this machine delivered, which parallel-speedup claims are judged against.
MACHINE_PARALLELISM = "countdown.speedup.processes2_vs_worker"


# The pairings of columns a cross metric may compare: {pairing: {side: the metric's word when that
# side is over the other}}.  Which columns are which side is bench.judge.cross's to find.
_PAIRINGS = {
    # a free-threaded build (GIL off) and the GIL build of the same source, flags and compiler
    "twin": {"free_threaded": "free_threaded_over_gil", "gil": "gil_over_free_threaded"},
    # one free-threaded binary run with PYTHON_GIL=1 and with the GIL off
    "same_binary": {"gil_on": "gil_on_over_off", "gil_off": "gil_off_over_on"},
}


@dataclass(frozen=True)
class CrossRatio:
    """A metric made across the columns of one run, not by one interpreter's workload: the mean
    time of ``benchmark`` in the column on side ``over`` of ``pairing`` over its mean in the column
    it pairs with (``_PAIRINGS``).  Its name is generated (``metric``): the prefix of the workload
    that times ``benchmark``, ``key`` and a dot when one is given (to tell apart two ratios of one
    workload), then the pairing's word: ``fib.free_threaded_over_gil``."""
    benchmark: str
    pairing: str
    over: str
    key: str = ""

    def __post_init__(self):
        sides = _PAIRINGS.get(self.pairing)
        if sides is None:
            raise LedgerError("ledger: unknown pairing %r of columns (known: %s)"
                              % (self.pairing, ", ".join(_PAIRINGS)))
        if self.over not in sides:
            raise LedgerError("ledger: a %s ratio is over %s, not %r" % (self.pairing, " or ".join(sides), self.over))

    @property
    def under(self):
        """The side of the denominator: the pairing's other side."""
        return next(side for side in _PAIRINGS[self.pairing] if side != self.over)

    @property
    def stem(self):
        """The benchmark's name before its parameters (``fib`` of ``fib[n=25]``)."""
        return self.benchmark.split("[", 1)[0]

    def metric(self, prefix):
        """This ratio's metric name, given the prefix of the workload that times its benchmark."""
        return prefix + (self.key + "." if self.key else "") + _PAIRINGS[self.pairing][self.over]


def twin_ratio(benchmark, over="free_threaded", key=""):
    """``benchmark`` on a free-threaded build over its GIL twin (``over="gil"``: the reverse)."""
    return CrossRatio(benchmark, "twin", over, key)


def same_binary_ratio(benchmark, over="gil_on", key=""):
    """``benchmark`` on one free-threaded binary with the GIL on over off (``over="gil_off"``: the reverse)."""
    return CrossRatio(benchmark, "same_binary", over, key)
