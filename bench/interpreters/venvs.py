"""One venv per interpreter, keyed by its identity hash, with this checkout installed editable.

A venv is created once and reused while the project's dependencies (pyproject.toml) are unchanged.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from bench.atomic import write_text_atomic
from bench.interpreters.discover import Interpreter, InterpreterError

# The checkout: bench/interpreters/venvs.py -> three levels up.
_ROOT = Path(__file__).resolve().parents[2]


def _project_stamp() -> str:
    # The install is editable, so source changes need no reinstall; dependencies do.
    if not (_ROOT / "pyproject.toml").exists():
        raise InterpreterError(f"gilbench matrix installs this checkout into each venv, but {_ROOT} is not a "
                               "source checkout (no pyproject.toml); run it from a clone of gilbench")
    return hashlib.sha256((_ROOT / "pyproject.toml").read_bytes()).hexdigest()[:12]


def venv_for(interp: Interpreter) -> Path:
    """A venv with gilbench installed, for ``interp``; created once, reused while valid."""
    # Project-local: the install is editable, so a venv belongs to one checkout.
    venv = _ROOT / ".venvs" / interp.identity_hash()
    python = venv / "bin" / "python"
    stamp = venv / ".gilbench-installed"
    if python.exists() and stamp.exists() and stamp.read_text() == _project_stamp():
        return venv
    shutil.rmtree(venv, ignore_errors=True)
    log = _ROOT / ".venvs" / f"{interp.identity_hash()}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    steps = ([interp.path, "-m", "venv", str(venv)],
             [str(python), "-m", "pip", "install", "--quiet", "--editable", str(_ROOT)])
    with open(log, "w") as out:
        for cmd in steps:
            if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT).returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                raise InterpreterError(f"cannot set up a venv for {interp.id}: {' '.join(cmd[:3])} failed "
                                       f"(log: {log})")
    write_text_atomic(stamp, _project_stamp())  # last: a half-written stamp must not look valid
    return venv
