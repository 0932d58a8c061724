"""The matrix's clock: how long the columns still to run will take.

Before the first column it can only go by what was recorded: each column's ``workload_seconds``
(meta.json) in the newest earlier run of the same mode (the runs beside ``--out``, else the published
run in docs/results/raw), summed over the workloads selected now.  Once columns have run, the
recorded figures are scaled by how long the measured columns really took against what was
recorded for them: the record gives each column's share (a free-threaded column is slower than
a GIL one), this machine and this code give the scale (a run of newer code, a slower machine, a
busy one).
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

from bench.guard import folders

_PUBLISHED = Path(__file__).resolve().parents[2] / "docs" / "results" / "raw"
# The folders `make bench` and `gilbench run` name by their start time (results/<time>/); others
# (results/compose, a user's own) are not "earlier runs of this machine" in any order.
_TIMESTAMPED = re.compile(r"^\d{8}-\d{6}$")


def _recorded_runs(out: Path) -> list[Path]:
    """Folders of earlier runs, newest first: timestamped siblings of ``out``, then the published run."""
    try:
        siblings = sorted((d for d in out.parent.iterdir() if _TIMESTAMPED.match(d.name) and d.is_dir()
                           and d.resolve() != out.resolve()), key=lambda d: d.name, reverse=True)
    except OSError:
        siblings = []
    return siblings + ([_PUBLISHED] if _PUBLISHED.is_dir() else [])


def _seconds(value) -> float | None:
    """A recorded duration, or None for anything else (a bool, a string, NaN, a negative or absurd number)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    return seconds if math.isfinite(seconds) and 0 <= seconds < 86400 else None


def _workload_seconds(run: Path, mode: str) -> dict[str, dict[str, float]]:
    """{column: {workload: seconds}} of one run's columns measured in ``mode``."""
    found = {}
    for meta_path in sorted(run.glob("*/" + folders.META)):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a folder that cannot be read records nothing
        seconds = meta.get("workload_seconds") if isinstance(meta, dict) else None
        if isinstance(seconds, dict) and meta.get("mode") == mode:
            kept = {w: _seconds(s) for w, s in seconds.items()}
            found[meta_path.parent.name] = {w: s for w, s in kept.items() if s is not None}
    return found


class Clock:
    """Recorded seconds per column (None where nothing was recorded), and the time left from them."""

    def __init__(self, recorded: dict[str, float | None], source: str | None):
        self.recorded, self.source = recorded, source

    @classmethod
    def from_records(cls, out: Path, mode: str, columns: list[str], workloads: list[str]) -> "Clock":
        for run in _recorded_runs(out):
            by_column = _workload_seconds(run, mode)
            if not by_column or not set(workloads) <= {w for c in by_column.values() for w in c}:
                continue  # a run of other workloads (`run --only countdown`) says nothing of this one
            # A workload a column did not record (new since, or it failed there) counts as the mean
            # of the columns that did; one that no column recorded counts as nothing.
            means = {w: sum(c[w] for c in by_column.values() if w in c) / max(1, sum(w in c for c in by_column.values()))
                     for w in workloads}
            recorded = {col: sum(by_column[col].get(w, means[w]) for w in workloads) if col in by_column else None
                        for col in columns}
            return cls(recorded, str(run))
        return cls({col: None for col in columns}, None)

    def _expected(self, column: str) -> float | None:
        known = [s for s in self.recorded.values() if s]
        if self.recorded.get(column):
            return self.recorded[column]
        return sum(known) / len(known) if known else None  # a column the record lacks: an average one

    def seconds_left(self, done: list[tuple[str, float]], remaining: list[str]) -> float | None:
        """Seconds the ``remaining`` columns should take, given the (column, seconds) ``done`` so far."""
        expected = [self._expected(c) for c in remaining]
        measured = [(self._expected(c), s) for c, s in done if s]
        if measured and all(e for e, _ in measured) and all(e is not None for e in expected):
            scale = sum(s for _, s in measured) / sum(e for e, _ in measured)
            return scale * sum(expected)
        if measured:  # no record at all: the columns measured so far, on average
            return sum(s for _, s in measured) / len(measured) * len(remaining)
        if all(e is not None for e in expected):
            return sum(expected)
        return None

    def says(self, done: list[tuple[str, float]], remaining: list[str]) -> str:
        """", about N min left" (with where the figure comes from before any column ran), or ""."""
        left = self.seconds_left(done, remaining)
        if left is None:
            return ""
        if not any(s for _, s in done):
            return f", about {left / 60:.0f} min left (recorded workload times of {self.source})"
        return f", about {left / 60:.0f} min left"
