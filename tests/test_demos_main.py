"""Every demo's main(), found by glob (a new demo cannot go untested), runs as a person runs it,
``python -m demos.NAME``: it exits 0, prints its narration headed by the interpreter it measured,
and leaves no process behind (conftest checks).  What the narration says is asserted elsewhere
(tests/test_demos_*.py); here each demo's whole path from observe() to its printed verdicts runs."""
import subprocess
import sys

import pytest
from _helpers import ROOT, child_env

_DEMOS = sorted(p.stem for p in (ROOT / "demos").glob("*.py") if not p.stem.startswith("_"))
# Demos whose main() runs the note's full workload (no smaller size reachable from `python -m`):
# seconds, not tenths; still run by `make test`.
_SLOW = {"countdown"}


def test_the_glob_finds_every_demo():
    assert len(_DEMOS) >= 18 and _SLOW <= set(_DEMOS)


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in _SLOW else n for n in _DEMOS])
def test_main_runs_and_narrates(name, tmp_path):
    # From a scratch folder: a demo writes nothing where it is started.
    proc = subprocess.run([sys.executable, "-m", "demos." + name], cwd=str(tmp_path), env=child_env(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=110)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].strip(), proc.stdout  # the demo's title
    assert "measured on: Python %s " % sys.version.split()[0] in lines[1], proc.stdout
    assert len([line for line in lines[4:] if line.strip()]) >= 2, proc.stdout  # the narration itself
    # It ends with the claims it shows, judged on its observe() by the ledger (in a child of the same
    # interpreter: demos import nothing of bench), or says which need a full run.
    assert "the claims this demo shows, judged by gilbench's ledger" in proc.stdout, proc.stdout
    assert "cannot load here" not in proc.stdout, proc.stdout
    assert list(tmp_path.iterdir()) == []
