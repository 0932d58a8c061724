"""Fault injection: gilbench killed at a few points, run twice at once, fed ids that are paths.

After every kill, no descendant of the killed command may be left (any kind of process, not only
multiprocessing's); the next start removes what the dead run left; ``matrix --resume`` completes
a killed matrix, and its report has the claims of a clean one.  Bounded: small selections in fast
mode, every wait with a deadline.
"""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from bench.guard import keeper

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_ENV = dict(os.environ, PYTHONPATH=_ROOT)
_ENV.pop("GILBENCH_FOLDER_LOCK", None)
# The keeper's grace (5 s) and a margin for a loaded machine.
_GONE_WITHIN_S = 20.0

# A matrix of two columns, both on this interpreter's environment (which has gilbench): the
# matrix, its keeper, the harness, the pyperf keeper, pyperf and its workers are all real.
_MATRIX = textwrap.dedent("""
    import sys
    from pathlib import Path
    from bench.cli import main
    from bench.interpreters import discover, matrix
    import platform
    twins = [discover.Interpreter(sys.executable, platform.python_version(), "CPython", False, "", "path", s)
             for s in ("-a", "-b")]
    discover.resolve = lambda names: twins
    matrix.venv_for = lambda interp: Path(sys.prefix)
    sys.exit(main(["matrix", "--pythons", "x", "--fast", "--only", "switching,fib"] + sys.argv[1:]))
""")


def _start(args):
    return subprocess.Popen([sys.executable] + args, env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)


def _gilbench(*args):
    return _start(["-m", "bench"] + list(args))


def _matrix(*args):
    return _start(["-c", _MATRIX] + list(args))


def _wait_for(proc, text, within_s=120.0):
    """Read ``proc``'s stderr until a line holds ``text``; the lines read."""
    deadline, lines = time.monotonic() + within_s, []
    for line in proc.stderr:
        lines.append(line)
        if text in line:
            return lines
        assert time.monotonic() < deadline, "no %r within %.0f s: %s" % (text, within_s, "".join(lines))
    pytest.fail("ended before %r: %s" % (text, "".join(lines)))


def _live(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def _kill_and_check(proc, sig):
    """Send ``sig`` to ``proc``; every process below it at that moment must be gone soon after."""
    below = keeper.descendants(proc.pid)
    assert below, "nothing was running below pid %d" % proc.pid
    os.kill(proc.pid, sig)
    rest = proc.stderr.read()
    status = proc.wait(60)
    proc.stdout.close()
    proc.stderr.close()
    deadline = time.monotonic() + _GONE_WITHIN_S
    while any(_live(p) for p in below) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = sorted(p for p in below if _live(p))
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, "left running after %s: pids %s" % (signal.Signals(sig).name, left)
    return status, rest


def _hidden(out):
    return sorted(p for p in os.listdir(str(out)) if p.startswith(".") and p != ".gilbench.lock")


@pytest.mark.parametrize("sig,status", [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGTERM, 143),
                                        (signal.SIGINT, 130)], ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_killed_run_leaves_nothing_running_and_the_next_start_cleans_up(tmp_path, sig, status):
    out = tmp_path / "out"
    proc = _gilbench("run", "--fast", "--only", "fib", "--out", str(out), "--id", "x")
    _wait_for(proc, "fib: round 2/")
    got, rest = _kill_and_check(proc, sig)
    assert got == status
    if sig != signal.SIGKILL:  # one line says what happened, no traceback
        assert "Traceback" not in rest and rest.strip().splitlines()[-1].startswith("gilbench: error: ")
    assert not (out / "x").exists()  # nothing written after the run was stopped
    again = subprocess.run([sys.executable, "-m", "bench", "run", "--fast", "--only", "switching", "--out",
                            str(out), "--id", "x"], env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           universal_newlines=True, timeout=300)
    assert again.returncode == 0, again.stderr
    assert _hidden(out) == [] and (out / "x" / "meta.json").is_file()


def _claims(folder):
    proc = subprocess.run([sys.executable, "-m", "bench", "report", str(folder), "--format", "json"], env=_ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    return {(v["claim"], v["interpreter"]) for v in report["verdicts"]}


@pytest.mark.slow
@pytest.mark.parametrize("sig,point", [(signal.SIGKILL, "fib: round 1/"), (signal.SIGTERM, "=== [2/2]"),
                                       (signal.SIGINT, "fib: round 3/")],
                         ids=["SIGKILL-in-a-workload", "SIGTERM-between-columns", "SIGINT-in-a-workload"])
def test_killed_matrix_leaves_nothing_and_resume_completes_it(tmp_path, sig, point):
    out = tmp_path / "m"
    proc = _matrix("--out", str(out))
    _wait_for(proc, "=== [2/2]")
    if point != "=== [2/2]":
        _wait_for(proc, point)  # in the second column's workload
    _kill_and_check(proc, sig)
    columns = sorted(p for p in os.listdir(str(out)) if not p.startswith("."))
    assert len(columns) <= 1  # the second column was never written

    resumed = _matrix("--out", str(out), "--resume")
    _, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err
    assert "kept, completed by an earlier run" in err and _hidden(out) == []
    clean = tmp_path / "clean"
    fresh = _matrix("--out", str(clean))
    _, err = fresh.communicate(timeout=600)
    assert fresh.returncode == 0, err
    assert _claims(out) == _claims(clean)


def test_two_runs_into_one_folder_the_second_refuses(tmp_path):
    out = tmp_path / "out"
    first = _gilbench("run", "--fast", "--only", "fib", "--out", str(out))
    try:
        _wait_for(first, "[1/1] fib")
        second = subprocess.run([sys.executable, "-m", "bench", "run", "--fast", "--only", "switching", "--out",
                                 str(out)], env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True, timeout=120)
        assert second.returncode == 2
        [line] = second.stderr.strip().splitlines()
        assert "is in use by another gilbench (pid %d" % first.pid in line or "in use by another gilbench" in line
        assert "--only fib" in line  # names the first
    finally:
        first.communicate(timeout=300)
    assert first.returncode == 0
    assert sorted(os.listdir(str(out))) and _hidden(out) == []


@pytest.mark.parametrize("ident", ["..", "/x", "a/b", ".hidden", "", "x" * 65])
def test_an_id_that_is_a_path_is_refused_and_nothing_is_touched(tmp_path, ident):
    (tmp_path / "user.txt").write_text("precious")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "bench", "run", "--fast", "--only", "switching", "--out", str(out),
                           "--id", ident], env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("gilbench: error: --id") and "not a path" in line
    assert (tmp_path / "user.txt").read_text() == "precious" and not out.exists()


def test_a_folder_gilbench_did_not_write_is_never_replaced(tmp_path):
    out = tmp_path / "out"
    (out / "mine").mkdir(parents=True)
    (out / "mine" / "notes.txt").write_text("precious")
    proc = subprocess.run([sys.executable, "-m", "bench.harness", "--fast", "--only", "switching", "--out", str(out),
                           "--id", "mine"], env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert proc.returncode == 2 and "is not a gilbench results folder" in proc.stderr
    assert "[1/1]" not in proc.stderr  # refused before measuring anything
    assert (out / "mine" / "notes.txt").read_text() == "precious"
