"""The words a ledger entry is written in: claims, their checks, and the workloads that measure them.

Predictions are strings in the evaluator's small vocabulary (``above(x)``, ``below(x)``,
``equals(x)``, ``between(a,b)``; see ``bench.judge.evaluate``).  ``when`` / ``applies``
conditions select which checks apply to an interpreter: ``version>=3.10``, ``version<3.10``,
``gil-on`` (the GIL is on at run time), ``gil-off``, ``multicore`` (at least two usable CPUs:
parallel speedups are possible), ``pymalloc``; space-separated conditions must all hold.  A
claim whose ``applies`` does not hold is ``n/a``.  ``scope="cross"`` marks claims judged by
comparing interpreters of one matrix run.

Metric keys lead to their producer in one hop: a metric starts with its workload's ``prefix``
(``race.note.share_nonzero`` comes from the ``race`` workload, whose demo is ``demos.race``).

Python 3.9-compatible: the measured interpreters import the ledger's workloads.
"""
from dataclasses import dataclass
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class Check:
    metric: str
    prediction: str
    when: str = ""


@dataclass(frozen=True)
class Claim:
    id: str
    chapter: str
    section: str
    claim: str
    phrase: str  # the note's own words (Korean), enough to find the passage
    checks: Tuple[Check, ...]
    note_figure: Optional[str] = None
    applies: str = ""
    scope: str = "interpreter"
    context: Tuple[str, ...] = ()  # metrics shown as evidence without being judged
    departs: str = ""  # where our demo departs from the note's code, and why

    def metrics(self):
        return tuple(c.metric for c in self.checks)


@dataclass(frozen=True)
class Workload:
    """What ``gilbench run`` runs for one workload, and the metrics its timings yield.

    A workload is a demo whose ``observe()`` the run records (facts: counts, constants) and/or
    a pyperf script in ``bench/harness/benchmarks/`` (timings).  Timing metrics are *derived*
    from the pyperf benchmarks of one bench.json, so every ratio compares benchmarks of the
    same run.
    """
    name: str
    chapter: str
    prefix: str
    demo: Optional[str] = None  # demos module whose observe() the run records
    script: Optional[str] = None  # bm_*.py in bench/harness/benchmarks/, timed with pyperf
    params: Optional[Dict[str, dict]] = None  # observe() keyword arguments per mode
    script_args: Optional[Dict[str, tuple]] = None  # extra bm_*.py arguments per mode
    # metric -> mean(benchmark) or ratio(numerator benchmark, denominator benchmark)
    derived: Tuple[Tuple[str, tuple], ...] = ()


def mean(benchmark):
    """A derived metric: the mean of one pyperf benchmark."""
    return ("mean", benchmark)


def ratio(numerator, denominator):
    """A derived metric: the ratio of two pyperf benchmarks' means from the same run."""
    return ("ratio", numerator, denominator)
