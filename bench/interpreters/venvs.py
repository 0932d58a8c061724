"""One venv per interpreter, keyed by its identity hash, with this checkout installed editable.

A venv is created once and reused while the project's dependencies (pyproject.toml) are unchanged.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.atomic import write_text_atomic
from bench.children import run_in_group
from bench.interpreters.discover import Interpreter, InterpreterError
from bench.progress import progress

# The checkout: bench/interpreters/venvs.py -> three levels up.
_ROOT = Path(__file__).resolve().parents[2]
# One step (venv, or pip without a network: its retries) past this is stuck: its column says so.
_STEP_TIMEOUT_S = 900


def _project_stamp() -> str:
    # The install is editable, so source changes need no reinstall; dependencies do.
    if not (_ROOT / "pyproject.toml").exists():
        raise InterpreterError(f"gilbench matrix installs this checkout into each venv, but {_ROOT} is not a "
                               "source checkout (no pyproject.toml); run it from a clone of gilbench")
    return hashlib.sha256((_ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]


def _venv_dir(interp: Interpreter) -> Path:
    # Project-local: the install is editable, so a venv belongs to one checkout.
    return _ROOT / ".venvs" / interp.identity_hash()


def _stamp(venv: Path) -> Path:
    # Written last by venv_for: its presence, with this pyproject's hash, means "set up whole".
    return venv / ".gilbench-installed"


def _ready(venv: Path) -> bool:
    stamp = _stamp(venv)
    return (venv / "bin" / "python").exists() and stamp.exists() and stamp.read_text() == _project_stamp()


def prepare(interps: list[Interpreter], make=None) -> None:
    """Set up the venvs of ``interps`` that are missing, as many at once as there are CPUs (two at
    most), before anything is measured: on a fresh clone each takes about 30 s (ensurepip, then pip
    resolving and installing the dependencies: CPU-bound), nine of them one at a time were some 5
    minutes of the main job.  A venv that fails here is left to its column, which tries again and
    fails with its one-line reason.  ``make(interp, stop=event)``: what sets one up (default
    ``venv_for``).  Ctrl-C or SIGTERM (main thread only) sets ``stop``: the steps running in the
    worker threads are stopped, whole trees, those not started never start, and it is re-raised."""
    make = make or venv_for
    missing = list({i.identity_hash(): i for i in interps if not _ready_or_unreadable(i)}.values())
    if not missing:
        return
    at_once = max(1, min(2, os.cpu_count() or 1, len(missing)))
    progress("venvs: setting up %d (%s), %d at a time (about 30 s each), before any column is measured"
             % (len(missing), ", ".join(i.id for i in missing), at_once))
    stop = threading.Event()
    pool = ThreadPoolExecutor(max_workers=at_once)
    try:
        futures = [pool.submit(_try, make, interp, stop) for interp in missing]
        for interp, future in zip(missing, futures):
            error = future.result()
            progress("venv for %s %s" % (interp.id, "not set up (its column will say why): " + error
                                         if error else "ready"))
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _ready_or_unreadable(interp: Interpreter) -> bool:
    # An unreadable or garbled stamp is not set up; its column tries again and says why.
    try:
        return _ready(_venv_dir(interp))
    except (OSError, ValueError):
        return False


def _try(make, interp: Interpreter, stop: threading.Event) -> str:
    # What the column catches (matrix._column), and a garbled file: one bad interpreter must not end the others.
    if stop.is_set():  # taken from the queue as the main thread stopped: touch nothing
        return "stopped"
    try:
        make(interp, stop=stop)
    except (InterpreterError, RuntimeError, subprocess.SubprocessError, OSError, ValueError) as exc:
        return str(exc)
    return ""


def venv_for(interp: Interpreter, stop: threading.Event | None = None) -> Path:
    """A venv with gilbench installed, for ``interp``; created once, reused while valid.  Each step runs
    as a whole process tree (``run_in_group``): Ctrl-C, SIGTERM, ``stop`` or our death stop pip too."""
    venv = _venv_dir(interp)
    if _ready(venv):
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    log = _ROOT / ".venvs" / f"{interp.identity_hash()}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    steps = ([interp.path, "-m", "venv", str(venv)],
             [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--editable", str(_ROOT)])
    try:
        with open(log, "w") as out:
            for cmd in steps:
                if run_in_group(cmd, _STEP_TIMEOUT_S, stop=stop, stdout=out, stderr=subprocess.STDOUT) != 0:
                    raise InterpreterError(f"cannot set up a venv for {interp.id}: {' '.join(cmd[:3])} failed "
                                           f"(log: {log})")
    except BaseException:
        shutil.rmtree(venv, ignore_errors=True)  # half a venv is no venv
        raise
    write_text_atomic(_stamp(venv), _project_stamp())  # last: a half-written stamp must not look valid
    return venv
