"""What each workload runs and which metrics it produces.

A workload is a demo whose ``observe()`` the run calls (facts: counts, constants) and/or a
pyperf script ``bench/bm_*.py`` (timings).  Timing metrics are *derived* from the pyperf
benchmarks of one bench.json, so every ratio compares benchmarks of the same run.

Metric keys start with the workload's ``prefix``; that is how a claim's metric leads to
its producer.
"""
from dataclasses import dataclass
from typing import Dict, Optional, Tuple

MODES = ("fast", "default", "rigorous")

# pyperf settings per mode.  pyperf's own defaults (20 processes) would spend minutes on the
# note's 0.4 s countdown; the spread pyperf reports is what the evaluator judges noise by.
PYPERF_ARGS = {
    "fast": ("--processes", "2", "--values", "3", "--warmups", "1"),
    "default": ("--processes", "6", "--values", "3", "--warmups", "1"),
    "rigorous": ("--rigorous",),
}


@dataclass(frozen=True)
class Workload:
    name: str
    chapter: str
    prefix: str
    demo: Optional[str] = None  # demos module whose observe() the run records
    script: Optional[str] = None  # bench/bm_*.py, timed with pyperf
    params: Optional[Dict[str, dict]] = None  # observe() keyword arguments per mode
    script_args: Optional[Dict[str, tuple]] = None  # extra bm_*.py arguments per mode
    # metric -> ("mean", benchmark) or ("ratio", numerator benchmark, denominator benchmark)
    derived: Tuple[Tuple[str, tuple], ...] = ()


def _ratio(a, b):
    return ("ratio", a, b)


_CD = "countdown[threads=1]"

WORKLOADS = (
    Workload(
        "race", "gil", "race.", demo="demos.race", script="bm_race.py",
        params={
            "fast": {},
            "default": {"trials": 200, "big_trials": 20, "small_trials": 60, "fix_trials": 10},
            "rigorous": {"trials": 500, "big_trials": 50, "small_trials": 150, "fix_trials": 20},
        },
        derived=(
            ("race.mutex_cost.per_iteration", _ratio("race[mutex=per-iteration]", "race[mutex=around-loop]")),
            ("race.mutex_cost.around_loop", _ratio("race[mutex=around-loop]", "race[mutex=none]")),
        ),
    ),
    Workload(
        "switching", "gil", "switch.", demo="demos.switching",
        params={"fast": {}, "default": {"duration": 0.5}, "rigorous": {"duration": 1.0}},
    ),
    Workload(
        # observe(): one-shot timings and the CPU-per-wall-second of two threads; the ratios
        # the claims judge come from the pyperf benchmarks.
        "countdown", "gil", "countdown.", demo="demos.countdown", script="bm_countdown.py",
        derived=(
            ("countdown.single_mean_s", ("mean", _CD)),
            ("countdown.ratio.threads2", _ratio("countdown[threads=2]", _CD)),
            ("countdown.ratio.threads4", _ratio("countdown[threads=4]", _CD)),
            ("countdown.ratio.processes2", _ratio("countdown[processes=2]", _CD)),
            ("countdown.ratio.processes4", _ratio("countdown[processes=4]", _CD)),
            ("countdown.speedup.threads2", _ratio(_CD, "countdown[threads=2]")),
            # Like against like: two worker threads against one worker thread.
            ("countdown.speedup.threads2_vs_worker", _ratio("countdown[worker-threads=1]", "countdown[threads=2]")),
            ("countdown.main_over_worker", _ratio(_CD, "countdown[worker-threads=1]")),
            ("countdown.speedup.processes2", _ratio(_CD, "countdown[processes=2]")),
            ("countdown.processes_vs_threads2", _ratio("countdown[threads=2]", "countdown[processes=2]")),
        ),
    ),
    Workload(
        "gil_release", "gil", "release.", script="bm_release.py",
        # Half the work per value in fast mode: nine benchmarks would otherwise take ~40 s.
        script_args={"fast": ("--release-scale", "0.5")},
        derived=tuple(
            ("release.%s.speedup%d" % (work, k),
             _ratio("gil_release[work=%s,threads=1]" % work, "gil_release[work=%s,threads=%d]" % (work, k)))
            for work in ("sha256", "zlib", "python") for k in (2, 4)
        ),
    ),
    Workload("fib", "gil", "fib.", script="bm_fib.py", derived=(("fib.seconds", ("mean", "fib[n=25]")),)),
)

BY_NAME = {w.name: w for w in WORKLOADS}


class SelectionError(ValueError):
    pass


def select(selection):
    """Workloads for a comma-separated selection of chapters and/or workload names."""
    if not selection:
        return list(WORKLOADS)
    from bench.claims import CHAPTERS

    chosen = []
    for item in (s.strip() for s in selection.split(",")):
        if item in BY_NAME:
            picked = [BY_NAME[item]]
        elif item in CHAPTERS:
            picked = [w for w in WORKLOADS if w.chapter == item]
            if not picked:
                raise SelectionError("chapter %r has no workloads yet (built: %s)"
                                     % (item, ", ".join(sorted({w.chapter for w in WORKLOADS}))))
        else:
            raise SelectionError("unknown selection %r (chapters: %s; workloads: %s)"
                                 % (item, ", ".join(CHAPTERS), ", ".join(BY_NAME)))
        chosen.extend(w for w in picked if w not in chosen)
    return chosen


def producer(metric):
    """The workload whose observations or benchmarks yield ``metric`` (None: not built)."""
    for w in WORKLOADS:
        if metric.startswith(w.prefix):
            return w
    return None
