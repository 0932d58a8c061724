"""Robust runs of ``gilbench matrix``: children die with their parent, an old result never passes
for a new one, and the files a later run trusts are written atomically."""
import datetime
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest

from bench.interpreters import matrix
from bench import children
from bench.atomic import write_text_atomic

# A child that starts a grandchild (`sleep`), writes the grandchild's pid, then waits: the shape of
# `gilbench run` starting pyperf workers.
_PARENT = textwrap.dedent("""
    import os, subprocess, sys, time
    child = subprocess.Popen(["sleep", "60"])
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(child.pid))
    os.replace(sys.argv[1] + ".tmp", sys.argv[1])
    time.sleep(float(sys.argv[2]))
""")


def _gone(pid):
    """True when ``pid`` no longer runs: no such process, or a zombie waiting for init to reap it."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return state in ("Z", "X")


def _wait_gone(pid, within_s=10.0):
    # SIGKILL is delivered at once but the process ends when next scheduled: allow for that.
    deadline = time.monotonic() + within_s
    while not _gone(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def _grandchild_pid(pid_file):
    with open(str(pid_file)) as f:
        return int(f.read())


def test_timed_out_child_leaves_no_grandchild(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    # A loaded machine may take longer than the timeout to start the grandchild: try again with
    # more time rather than test nothing.
    for timeout in (1.5, 4, 10):
        with pytest.raises(subprocess.TimeoutExpired):
            children.run_in_group([sys.executable, "-c", _PARENT, str(pid_file), "60"], timeout, grace=1.0)
        if pid_file.exists():
            break
    grandchild = _grandchild_pid(pid_file)
    assert _wait_gone(grandchild), "grandchild %d survived the timeout" % grandchild


def test_interrupted_child_leaves_no_grandchild(tmp_path, monkeypatch):
    """Ctrl-C while waiting: the whole group is stopped and KeyboardInterrupt goes on up."""
    pid_file = tmp_path / "grandchild.pid"
    real_wait = children._wait_unreaped
    calls = []

    def interrupted_wait(proc, timeout, stop=None):
        calls.append(timeout)
        if len(calls) > 1:  # the grace period inside _stop_group
            return real_wait(proc, timeout)
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        raise KeyboardInterrupt

    monkeypatch.setattr(children, "_wait_unreaped", interrupted_wait)
    with pytest.raises(KeyboardInterrupt):
        children.run_in_group([sys.executable, "-c", _PARENT, str(pid_file), "60"], None, grace=1.0)
    assert _wait_gone(_grandchild_pid(pid_file))


def test_a_run_in_a_thread_stops_with_its_stop_event_and_leaves_no_grandchild(tmp_path):
    """What prepare's worker threads rely on: a signal reaches the main thread only, which sets ``stop``."""
    import threading

    pid_file = tmp_path / "grandchild.pid"
    stop, raised = threading.Event(), []

    def run():
        try:
            children.run_in_group([sys.executable, "-c", _PARENT, str(pid_file), "60"], None, grace=1.0, stop=stop)
        except children.Stopped as exc:
            raised.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    deadline = time.monotonic() + 60
    while not pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    stop.set()
    worker.join(30)
    assert not worker.is_alive() and raised
    assert _wait_gone(_grandchild_pid(pid_file))


def test_finished_child_leaves_no_grandchild(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    code = children.run_in_group([sys.executable, "-c", _PARENT, str(pid_file), "0"], 60)
    assert code == 0
    assert _wait_gone(_grandchild_pid(pid_file))


def test_exit_status_is_returned(tmp_path):
    assert children.run_in_group([sys.executable, "-c", "raise SystemExit(3)"], 60) == 3


# --- a reused --out ----------------------------------------------------------------------------

def _fake_venv(tmp_path, body):
    """A venv whose bin/python runs ``body`` (Python) with gilbench run's arguments in sys.argv."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    script = tmp_path / "fake_run.py"
    script.write_text(textwrap.dedent(body))
    python = venv / "bin" / "python"
    python.write_text('#!/bin/sh\nexec "%s" "%s" "$@"\n' % (sys.executable, script))
    python.chmod(0o755)
    return venv


# Writes meta.json as `gilbench run` does: into OUT/ID, "started" in UTC with whole seconds.
_WRITES_META = """
    import datetime, json, os, shutil, sys
    args = sys.argv[1:]
    out, ident = args[args.index("--out") + 1], args[args.index("--id") + 1]
    shutil.rmtree(os.path.join(out, ident), ignore_errors=True)  # the harness swaps it, in effect
    os.makedirs(os.path.join(out, ident))
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    with open(os.path.join(out, ident, "meta.json"), "w") as f:
        json.dump({"id": ident, "started": now, "gil_enabled": True}, f)
    print(os.path.join(out, ident))
"""


def _old_column(out, column="3.11.7"):
    (out / column).mkdir(parents=True)
    meta = {"id": column, "started": "2020-01-01T00:00:00+00:00", "gil_enabled": True, "format": 3}
    (out / column / "meta.json").write_text(json.dumps(meta))
    return out / column


def test_failed_run_does_not_pass_for_the_old_column(tmp_path):
    out = tmp_path / "out"
    _old_column(out)
    venv = _fake_venv(tmp_path, "raise SystemExit(1)  # fails before writing anything\n")
    with pytest.raises(RuntimeError, match="not from this run.*earlier results are kept in .*out of the report"):
        matrix._run_one(venv, "3.11.7", {}, True, out, "fast", None)
    assert not (out / "3.11.7").exists()
    # Set aside, not deleted: a hidden folder the report does not read.
    [kept] = (out / ".earlier").iterdir()
    assert json.loads((kept / "meta.json").read_text())["started"].startswith("2020")


def test_a_folder_gilbench_did_not_write_is_never_set_aside(tmp_path):
    out = tmp_path / "out"
    (out / "3.11.7").mkdir(parents=True)
    (out / "3.11.7" / "meta.json").write_text("{}")  # someone's file of that name, no results
    (out / "3.11.7" / "notes.txt").write_text("mine")
    venv = _fake_venv(tmp_path, "raise SystemExit(1)\n")
    with pytest.raises(RuntimeError) as info:
        matrix._run_one(venv, "3.11.7", {}, True, out, "fast", None)
    assert "kept in" not in str(info.value)
    assert (out / "3.11.7" / "notes.txt").read_text() == "mine"


def test_failed_run_is_reported_by_run_matrix(tmp_path, monkeypatch):
    from bench.interpreters.discover import Interpreter

    out = tmp_path / "out"
    _old_column(out)
    venv = _fake_venv(tmp_path, "raise SystemExit(1)\n")
    monkeypatch.setattr(matrix, "venv_for", lambda interp, stop=None: venv)
    interp = Interpreter(sys.executable, "3.11.7", "CPython", False, "", "path")
    [outcome] = matrix.run_matrix([interp], out)
    assert outcome.id == "3.11.7"
    assert not outcome.ok and "not from this run" in outcome.detail


def test_fresh_run_replaces_the_old_column(tmp_path, capfd):
    out = tmp_path / "out"
    _old_column(out)
    venv = _fake_venv(tmp_path, _WRITES_META)
    assert matrix._run_one(venv, "3.11.7", {}, True, out, "fast", None) == ""
    assert json.loads((out / "3.11.7" / "meta.json").read_text())["started"] > "2020"
    captured = capfd.readouterr()
    # The child's stdout (its result folder) goes to stderr: stdout is the report's alone.
    assert captured.out == ""
    assert str(out / "3.11.7") in captured.err
    assert "holds the results of an earlier run: this run replaces them when it is done" in captured.err


def test_meta_from_before_this_run_is_not_taken(tmp_path):
    began = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    meta_path = _old_column(tmp_path) / "meta.json"
    assert matrix._fresh_meta(meta_path, began, "3.11.7") is None
    meta = {"id": "3.11.7", "started": began.isoformat(), "gil_enabled": True}
    meta_path.write_text(json.dumps(meta))
    assert matrix._fresh_meta(meta_path, began, "3.11.7") == meta  # same second: this run's
    assert matrix._fresh_meta(meta_path, began, "3.11.7-gil") is None  # another column's
    meta_path.write_text("{not json")
    assert matrix._fresh_meta(meta_path, began, "3.11.7") is None


# --- atomic writes -----------------------------------------------------------------------------

def test_atomic_write_leaves_the_full_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.md"
    target.write_text("old")
    text = "# gilbench\n" + "x" * 100000 + "\n"
    write_text_atomic(target, text)
    assert target.read_text() == text
    assert os.listdir(str(tmp_path)) == ["report.md"]


def test_failed_atomic_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / ".gilbench-installed"
    target.write_text("old stamp")

    def crash(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        write_text_atomic(target, "new stamp")
    assert target.read_text() == "old stamp"
    assert os.listdir(str(tmp_path)) == [".gilbench-installed"]


def test_a_rounds_timings_join_bench_json_whole_and_leave_no_file_behind(tmp_path):
    import pyperf

    from bench.harness import runner

    def round_file(path, *names):
        runs = [pyperf.Run([0.5], metadata={"name": name}, collect_metadata=False) for name in names]
        pyperf.BenchmarkSuite([pyperf.Benchmark([run]) for run in runs]).dump(str(path))
        return str(path)

    bench = tmp_path / "bench.json"
    runner._append_atomically(str(bench), round_file(tmp_path / "r1", "a"))
    runner._append_atomically(str(bench), round_file(tmp_path / "r2", "a", "b"))
    suite = pyperf.BenchmarkSuite.load(str(bench))
    assert sorted((b.get_name(), b.get_nrun()) for b in suite.get_benchmarks()) == [("a", 2), ("b", 1)]
    # A round that cannot be read leaves bench.json as it was, and no temporary file.
    (tmp_path / "r3").write_text("{truncated")
    before = bench.read_text()
    with pytest.raises(Exception):
        runner._append_atomically(str(bench), str(tmp_path / "r3"))
    assert bench.read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bench.json", "r1", "r2", "r3"]
