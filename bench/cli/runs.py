"""Which results folders a command reads: the newest run under results/, a published folder's raw/."""
import os
import re
from pathlib import Path

# The folders `make bench` and `gilbench matrix` name by their time (results/compose is not one).
TIMESTAMP = re.compile(r"^\d{8}-\d{6}$")
PUBLISHED = "docs/results"


def timestamped(root="results"):
    """The timestamped run folders under ``root``, oldest first (none: an empty list)."""
    if not os.path.isdir(root):
        return []
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and TIMESTAMP.match(p.name))


def latest(root="results"):
    """The newest run under ``root``; ValueError (one line, what to do) when there is none."""
    runs = timestamped(root)
    if not runs:
        raise ValueError("no run under %s/ (a folder named like 20261201-081500): `make bench` or "
                         "`gilbench run --fast --only countdown` writes one, or name a folder" % root)
    return str(runs[-1])


def resolve(path):
    """The folder holding a run's columns: a published folder (docs/results) keeps them under raw/.

    ValueError when ``path`` names nothing: a usage error, not a failed report."""
    if not os.path.exists(path):
        raise ValueError("results folder %s does not exist" % path)
    # Normalised, so that one folder spelt two ways (results/b/, ./results/b) is one folder (--relabel).
    path = os.path.normpath(path)
    raw = os.path.join(path, "raw")
    if os.path.isdir(raw) and os.path.isfile(os.path.join(path, "report.json")):
        return raw
    return path


def report_folders(paths):
    """The folders ``report`` reads: those named (a published folder's raw/), or the newest run."""
    return [resolve(p) for p in paths] if paths else [latest()]
