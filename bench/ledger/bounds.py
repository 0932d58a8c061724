"""What physics allows a speedup: the bounds a measured figure cannot cross unless the measurement is wrong.

A speedup of k workers over one worker doing the same total work is at most k, and at most the
number of CPUs the run could use (``cpus_usable``): two CPUs cannot run four busy threads four times
as fast.  Where the workers run one at a time (``serial``: pure-Python threads under the GIL), it is
at most 1: two GIL-on threads cannot beat one worker thread.  A figure whose whole 95% interval
lies beyond its bound is a measurement problem (noise, the machine's drift, another baseline than
the one named), and ``bench.judge.physics`` flags it wherever it is shown; it never turns into a
verdict on the note.

Only speedups against one *worker* of the same kind are bounded: the note's own baseline, one
countdown on the main thread, may run at another speed than a worker thread, so a ratio against
it has no such bound.  I/O speedups are bounded by their workers only (``on_cpus=False``): workers
waiting on a socket need no CPU, but k of them, each waiting the same service time per call as one,
cannot make calls more than k times as fast.  One above k means the one-worker baseline was slower
per call than each of the k (seen on the free-threaded build only: 3.13.5t's 2 threads at x2.07
[2.03, 2.12], 2026-12-02; paired rounds cancel drift, so it is systematic).  A hypothesis, not
established: a lone thread that sleeps 10 ms between calls wakes on a cold CPU.

Python 3.9, stdlib only (the measured interpreters import the ledger).
"""
from dataclasses import dataclass
from typing import Union

from bench.ledger.predictions import Conditions, LedgerError


@dataclass(frozen=True)
class SpeedupBound:
    """``metric`` is a speedup of ``workers`` workers over one worker on the same total work.

    ``serial``: conditions (``"gil-on"``) under which the workers run one at a time, so that the
    bound is 1 there; elsewhere it is min(workers, the CPUs the run could use), or ``workers`` alone
    where they wait rather than compute (``on_cpus=False``).  ``why``: what the workers are, for the
    flag's reason.
    """
    metric: str
    workers: int
    serial: Union[Conditions, str] = ""
    why: str = ""
    on_cpus: bool = True
    cause: str = ""  # what a figure beyond the bound points to, where it is not noise or drift

    def __post_init__(self):
        if isinstance(self.workers, bool) or not isinstance(self.workers, int) or self.workers < 2:
            raise LedgerError("ledger: speedup bound of %s: workers must be an int of 2 or more, not %r"
                              % (self.metric, self.workers))
        try:
            object.__setattr__(self, "serial", Conditions.parse(self.serial))
        except LedgerError as exc:
            raise LedgerError("ledger: speedup bound of %s: %s" % (self.metric, exc)) from None


def speedup_bound(metric, workers, serial="", why="", on_cpus=True, cause=""):
    """A ``SpeedupBound``: ``speedup_bound("release.zlib.speedup4", 4)``,
    ``speedup_bound("countdown.speedup.threads2_vs_worker", 2, serial="gil-on")``."""
    return SpeedupBound(metric, workers, serial, why, on_cpus, cause)
