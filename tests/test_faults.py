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
from _helpers import child_env

from bench.guard import keeper, signals

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Without an inherited folder lock: these commands are strangers to any run of the caller's.
_ENV = child_env(GILBENCH_FOLDER_LOCK=None)
# The keeper's grace (5 s) and a margin for a loaded machine.
_GONE_WITHIN_S = 20.0

# A matrix of two columns, both on this interpreter's environment (which has gilbench): the
# matrix, its keeper, the harness, the pyperf keeper, pyperf and its workers are all real.
_MATRIX = textwrap.dedent("""
    import sys
    from pathlib import Path
    from bench.cli import main
    from bench.interpreters import discover, matrix
    import platform, sysconfig
    flags = sysconfig.get_config_var("CONFIG_ARGS") or ""
    # Two columns either way: a free-threaded build is one interpreter with its PYTHON_GIL=1 column.
    ft = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    twins = [discover.Interpreter(sys.executable, platform.python_version(), "CPython", ft, flags, "path", s)
             for s in (("",) if ft else ("-a", "-b"))]
    discover.resolve = lambda names: twins
    matrix.venv_for = lambda interp, stop=None: Path(sys.prefix)
    # refcount: its claims are judged on one column alone (switching's claim needs the race workload too).
    sys.exit(main(["matrix", "--pythons", "x", "--fast", "--only", "switching,refcount,fib"] + sys.argv[1:]))
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


def _kill_and_check(proc, sig, between=False):
    """Send ``sig`` to ``proc``; every process below it at that moment must be gone soon after
    (``between``: between two steps, where nothing may be running below it yet)."""
    below = keeper.descendants(proc.pid)
    assert below or between, "nothing was running below pid %d" % proc.pid
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


def _cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read()
    except OSError:
        return b""


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
    # The cells a run decided something in (any verdict but not-measured): its set of claims
    measured = {(v["claim"], v["interpreter"]) for v in report["verdicts"] if v["verdict"] != "not-measured"}
    assert measured, "the run measured no claim: the comparison would pass on nothing"
    return measured


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
    _, rest = _kill_and_check(proc, sig, between=point == "=== [2/2]")
    columns = sorted(p for p in os.listdir(str(out)) if not p.startswith("."))
    assert len(columns) <= 1, rest  # the second column was never written

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
        assert second.returncode == 1  # the work could not be done (the folder is held), not a wrong command line
        [line] = second.stderr.strip().splitlines()
        # names the first: the gilbench run the user started (not the harness under its keeper), and its command
        assert "is in use by another gilbench (pid %d, `gilbench run" % first.pid in line, line
        assert "--only fib" in line
    finally:
        first.communicate(timeout=300)
    assert first.returncode == 0
    assert [p for p in os.listdir(str(out)) if not p.startswith(".")] != [] and _hidden(out) == []


@pytest.mark.parametrize("ident", ["..", "/x", "a/b", ".hidden", "", "x" * 65, "x\n"])
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


# --- what a child's child does: setsid() leaves the group, not the keeper's tree ---------------

_ESCAPES = textwrap.dedent("""
    import os, sys, time
    if os.fork() == 0:
        os.setsid()  # a session of its own: a process-group kill no longer reaches it
        if os.fork() == 0:  # and an orphan: its parent exits at once
            with open(sys.argv[1] + ".tmp", "w") as f:
                f.write(str(os.getpid()))
            os.replace(sys.argv[1] + ".tmp", sys.argv[1])
            time.sleep(120)
        os._exit(0)
    deadline = time.time() + 30
    while not os.path.exists(sys.argv[1]) and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(float(sys.argv[2]))
""")


def _escapee(pid_file):
    with open(str(pid_file)) as f:
        return int(f.read())


def _gone_soon(pid):
    deadline = time.monotonic() + _GONE_WITHIN_S
    while _live(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not _live(pid)


def test_an_orphan_in_a_session_of_its_own_dies_with_the_command(tmp_path):
    from bench import children

    pid_file = tmp_path / "escapee.pid"
    assert children.run_in_group([sys.executable, "-c", _ESCAPES, str(pid_file), "0"], 60) == 0
    assert _gone_soon(_escapee(pid_file))


def test_an_orphan_in_a_session_of_its_own_dies_when_the_caller_is_killed(tmp_path):
    pid_file = tmp_path / "escapee.pid"
    code = ("import sys; from bench import children; children.run_in_group([sys.executable, '-c', %r, %r, '60'], 90)"
            % (_ESCAPES, str(pid_file)))
    caller = subprocess.Popen([sys.executable, "-c", code], env=_ENV)
    try:
        deadline = time.monotonic() + 60
        while not pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        escapee = _escapee(pid_file)
        os.kill(caller.pid, signal.SIGKILL)  # no clean-up of its own: the keeper must see it
    finally:
        caller.wait(60)
    assert _gone_soon(escapee)


def test_a_snippet_whose_child_calls_setsid_leaves_nothing(tmp_path):
    from bench.snippets.execute import Column, run_block
    from bench.snippets.extract import Block

    pid_file = tmp_path / "escapee.pid"
    source = "import sys\nsys.argv[1:] = [%r, '0']\n%s" % (str(pid_file), _ESCAPES)
    run = run_block(Block(1, 1, "python", source), Column("host", sys.executable), 60)
    assert run.outcome == "ok", run
    assert _gone_soon(_escapee(pid_file))


def test_exit_status_of_a_signalled_command_is_128_plus_the_signal():
    from bench import children

    assert children.run_in_group([sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"],
                                 60) == 128 + signal.SIGTERM


def test_a_command_that_cannot_be_started_says_so(capfd):
    from bench import children

    assert children.run_in_group(["/nonexistent/python"], 60) == 127
    assert "cannot run /nonexistent/python" in capfd.readouterr().err


# --- what dead runs leave: removed (or put back) by the next start ------------------------------

def _dead_pid():
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_the_next_start_removes_a_dead_runs_staging_and_puts_back_what_it_had_moved_aside(tmp_path):
    from bench.harness import runner

    out, dead = tmp_path / "out", _dead_pid()
    staging = out / (".x.partial-%d" % dead)
    staging.mkdir(parents=True)
    (staging / "bench.json").write_text("{}")
    aside = out / (".y.replaced-%d" % dead)  # died between its two renames: y's old result is here
    aside.mkdir()
    (aside / "meta.json").write_text(json.dumps({"id": "y", "format": 3}))
    users = out / (".z.partial-%d" % dead)  # the same name, but a user's things in it
    users.mkdir()
    (users / "notes.txt").write_text("precious")
    alive = out / (".w.partial-%d" % os.getpid())  # a live process's
    alive.mkdir()
    look_alike = out / (".v.replaced-%d" % dead)  # the fault injector's: a user's folder with gilbench's pattern
    look_alike.mkdir()
    (look_alike / "notes.txt").write_text("precious too")
    runner._clean_stale(str(out))
    assert not staging.exists() and (out / "y" / "meta.json").is_file() and not aside.exists()
    assert (users / "notes.txt").read_text() == "precious" and alive.is_dir()
    assert (look_alike / "notes.txt").read_text() == "precious too" and not (out / "v").exists()


def test_a_result_replaces_the_old_one_whole(tmp_path):
    from bench.harness import runner

    out = tmp_path / "out"
    old, new = out / "x", out / ".x.partial-1"
    for folder, mark in ((old, "old"), (new, "new")):
        folder.mkdir(parents=True)
        (folder / "meta.json").write_text(json.dumps({"id": "x", "format": 3, "mark": mark}))
    runner._swap_into_place(str(new), str(old), str(out), "x")
    assert json.loads((old / "meta.json").read_text())["mark"] == "new"
    assert os.listdir(str(out)) == ["x"]


# --- the folder lock -----------------------------------------------------------------------------

def test_the_lock_refuses_a_second_holder_and_is_inherited_by_a_descendant(tmp_path):
    from bench.guard import lock

    with lock.holding(str(tmp_path), "gilbench matrix --out here"):
        code = "from bench.guard import lock\nwith lock.holding(%r, 'child'):\n    print('inherited')" % str(tmp_path)
        child = subprocess.run([sys.executable, "-c", code], env=child_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        assert child.stdout.strip() == "inherited", child.stderr
        stranger = subprocess.run([sys.executable, "-c", code], env=_ENV, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, universal_newlines=True, timeout=60)
        assert "Busy" in stranger.stderr and "gilbench matrix --out here" in stranger.stderr
    assert not (tmp_path / lock.LOCK_NAME).exists()


# --- the report refuses what no run writes ------------------------------------------------------

def _column_with(tmp_path, observations_text):
    import shutil

    src = os.path.join(_ROOT, "tests", "fixtures", "run-a")
    dst = tmp_path / "run"
    shutil.copytree(src, str(dst))
    [column] = [d for d in dst.iterdir() if d.is_dir()]
    obs = json.loads((column / "observations.json").read_text())
    (column / "observations.json").write_text(observations_text(obs))
    return dst, column


@pytest.mark.parametrize("damage,expected", [
    (lambda o: json.dumps(dict(o, observations=dict(o["observations"], x=float("nan")))),
     "observations['x'] is not a finite number"),
    (lambda o: json.dumps(dict(o, observations=dict(o["observations"], **{"race.note.trials": "abc"}))),
     "observations['race.note.trials'] is \"abc\", where a number belongs"),
    (lambda o: json.dumps(dict(o, observations=dict(o["observations"], **{"switch.default_interval": 1e400}))),
     "not a finite number"),
], ids=["NaN", "a string for a number", "1e400"])
def test_report_refuses_nan_and_wrong_types_naming_file_and_key(tmp_path, damage, expected):
    run, column = _column_with(tmp_path, damage)
    proc = subprocess.run([sys.executable, "-m", "bench", "report", str(run)], env=_ENV, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    assert proc.returncode == 1  # results that cannot be read: the report failed
    [line] = proc.stderr.strip().splitlines()
    assert str(column / "observations.json") in line and expected in line, line


# --- messages that say what is true -------------------------------------------------------------

@pytest.mark.parametrize("args,expected", [
    (["--pythons", ",,"], "names no interpreter"),
    (["--pythons", "3.9", "--out", "FILE"], "is a file, not a folder"),
])
def test_matrix_input_that_cannot_work_gets_one_line(tmp_path, args, expected):
    (tmp_path / "FILE").write_text("mine")
    args = [str(tmp_path / "FILE") if a == "FILE" else a for a in args]
    proc = subprocess.run([sys.executable, "-m", "bench", "matrix", "--no-build"] + args, env=_ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert expected in line and (tmp_path / "FILE").read_text() == "mine"


def _column_meta_with(tmp_path, change):
    run, column = _column_with(tmp_path, json.dumps)
    meta_path = column / "meta.json"
    meta_path.write_text(change(json.loads(meta_path.read_text())))
    return run, meta_path


@pytest.mark.parametrize("damage,expected", [
    (lambda m: json.dumps(dict(m, version=None)), "'version' None is not a CPython version"),
    (lambda m: json.dumps(dict(m, version="abc")), "is not a CPython version"),
    (lambda m: json.dumps(dict(m, gil_enabled="yes")), "'gil_enabled' is \"yes\", which no run writes"),
    (lambda m: json.dumps(dict(m, rounds="six")), "'rounds' is \"six\""),
    (lambda m: json.dumps(dict(m, id="../../etc")), "is not a column name a run writes"),
    (lambda m: "[]", "not a JSON object"),
], ids=["version null", "version abc", "a string for a bool", "a string for a count", "an id that is a path",
        "a list"])
def test_report_refuses_a_meta_no_run_writes_naming_file_and_key(tmp_path, damage, expected):
    run, meta_path = _column_meta_with(tmp_path, damage)
    proc = subprocess.run([sys.executable, "-m", "bench", "report", str(run)], env=_ENV, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    [line] = proc.stderr.strip().splitlines()
    assert str(meta_path) in line and expected in line, line


def test_a_folder_named_meta_json_is_named_as_such(tmp_path):
    (tmp_path / "run" / "x" / "meta.json").mkdir(parents=True)
    proc = subprocess.run([sys.executable, "-m", "bench", "report", str(tmp_path / "run")], env=_ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
    assert proc.returncode == 1 and "meta.json is a folder" in proc.stderr, proc.stderr


def test_a_symlink_named_like_the_id_is_left_alone_and_never_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "meta.json").write_text(json.dumps({"id": "r", "format": 4}))
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(str(elsewhere), str(out / "r"))
    proc = subprocess.run([sys.executable, "-m", "bench", "run", "--fast", "--only", "switching", "--out", str(out),
                           "--id", "r"], env=_ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert proc.returncode == 2 and "is a symbolic link: it is left as it is" in proc.stderr, proc.stderr
    assert os.path.islink(str(out / "r")) and (elsewhere / "meta.json").is_file() and _hidden(out) == []


@pytest.mark.parametrize("target", ["harness", "keeper"])
def test_a_run_signalled_from_outside_ends_with_one_line(tmp_path, target):
    """Someone signals the harness (or its keeper) directly, not gilbench run: it says so."""
    out = tmp_path / "out"
    proc = _gilbench("run", "--fast", "--only", "fib", "--out", str(out))
    _wait_for(proc, "fib: round 2/")
    # The keeper is gilbench run's child, the harness the keeper's (a fork child of the harness
    # would share its command line: the tree says which is which).
    parent_of = keeper.parents()
    [outer] = [p for p, pp in parent_of.items() if pp == proc.pid]
    [harness] = [p for p, pp in parent_of.items() if pp == outer]
    pid = outer if target == "keeper" else harness
    assert b"bench.harness" in _cmdline(pid)
    os.kill(pid, signal.SIGTERM)
    rest = proc.stderr.read()
    assert proc.wait(60) == 143
    proc.stdout.close()
    proc.stderr.close()
    last = rest.strip().splitlines()[-1]
    assert last.startswith("gilbench: error: the run was ended by SIGTERM (exit 143)"), rest
    assert "Traceback" not in rest and not [p for p in os.listdir(str(out)) if not p.startswith(".")]


def _state(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


@pytest.mark.parametrize("sig", [signal.SIGTSTP, signal.SIGSTOP], ids=["Ctrl-Z", "SIGSTOP"])
def test_a_paused_run_pauses_its_whole_tree_and_does_not_judge_what_it_measured_meanwhile(tmp_path, sig):
    out = tmp_path / "out"
    proc = _gilbench("run", "--fast", "--only", "fib", "--out", str(out), "--id", "x")
    try:
        _wait_for(proc, "fib: round 2/")
        below = keeper.descendants(proc.pid)
        os.kill(proc.pid, sig)
        # SIGSTOP cannot be passed on: each keeper sees its caller stopped within its 1 s poll.  A process
        # in uninterruptible sleep (D, a write under a loaded test run) stops only when it wakes: 30 s.
        deadline = time.monotonic() + 30
        # T: stopped; Z or gone: a process that had ended by then (a pyperf worker between values)
        still = ("T", "Z", "X", "gone")
        while any(_state(p) not in still for p in below) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert all(_state(p) in still for p in below), [(p, _state(p)) for p in below]
    finally:
        os.kill(proc.pid, signal.SIGCONT)
    rest = proc.stderr.read()
    assert proc.wait(120) == 1  # the run measured a pause: its work failed
    proc.stdout.close()
    proc.stderr.close()
    assert "paused (Ctrl-Z or SIGSTOP) while it ran" in rest, rest
    errors = json.loads((out / "x" / "observations.json").read_text())["errors"]
    assert "paused" in errors["fib"]


def test_a_fork_child_of_a_command_ends_on_sigterm_as_the_default_does():
    # Inherited, the command's Python SIGTERM handler can miss a signal that lands just before a blocking
    # call: Pool.terminate() then waited for good on a worker blocked on its task queue's lock.
    from bench.guard import signals

    def child_disposition():
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            os.write(write, b"default" if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL else b"handler")
            os._exit(0)
        os.close(write)
        try:
            return os.read(read, 16).decode()
        finally:
            os.close(read)
            os.waitpid(pid, 0)

    with signals.sigterm_as_interrupt():
        assert signal.getsignal(signal.SIGTERM) not in (signal.SIG_DFL, None)  # the command's own handler
        assert child_disposition() == "default"
    before = signal.getsignal(signal.SIGTERM)
    assert child_disposition() == ("default" if before == signal.SIG_DFL else "handler")  # outside: untouched


def test_observations_stuck_in_a_blocking_call_fail_alone_with_one_line(monkeypatch):
    # A demo waiting for good (here on a child that never ends) is stopped by the harness's deadline,
    # and the step fails with a line naming it: the column goes on instead of waiting out the matrix's hour.
    from bench import ledger
    from bench.harness import runner

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    before = signal.getsignal(signal.SIGALRM)
    try:
        monkeypatch.setattr(runner, "_OBSERVE_TIMEOUT_S", 0.3)
        monkeypatch.setattr(runner, "_observe", lambda workload, mode: {"waited": os.waitpid(child.pid, 0)})
        steps = runner._Steps()
        workload = ledger.workload("mp_pool")
        steps.run(workload, lambda: runner._observed(workload, "fast", {"gil_enabled": runner.gil_enabled()}, {}))
        assert steps.errors == {"mp_pool": "DeadlinePassed: mp_pool's observations did not end within 0.3 s"}
        assert signal.getsignal(signal.SIGALRM) == before  # put back (pytest-timeout's, when it runs)
    finally:
        child.kill()
        child.wait()


def _stop_hidden_behind_an_error():
    # What Python 3.9's tempfile.TemporaryFile does when SIGTERM lands inside it: the clean-up's
    # second close of the fd raises EBADF while the stop is being handled.
    try:
        os.kill(os.getpid(), signal.SIGTERM)  # sigterm_as_interrupt's handler raises Terminated
        time.sleep(10)
    except KeyboardInterrupt:
        os.close(-1)


def _stop_swallowed():
    # A finalizer's "Exception ignored in", or a demo's except Exception around a blocking call.
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
    except KeyboardInterrupt:
        pass
    return {"fib.seen": 1}


def _interrupt_of_its_own():
    try:
        raise KeyboardInterrupt("a workload's own")
    except KeyboardInterrupt:
        return {}["missing"]


def test_a_stop_hidden_behind_an_error_stops_the_run_instead_of_failing_one_workload():
    from bench import ledger
    from bench.harness import runner

    steps = runner._Steps()
    with signals.sigterm_as_interrupt():
        with pytest.raises(signals.Terminated):
            steps.run(ledger.workload("fib"), _stop_hidden_behind_an_error)
    assert steps.errors == {}  # not taken for fib's failure
    steps.run(ledger.workload("fib"), lambda: os.close(-1))  # an error of its own still fails one workload
    assert steps.errors == {"fib": "OSError: [Errno 9] Bad file descriptor"}


def test_a_stop_a_step_swallowed_stops_the_run_at_the_step_and_its_observations_are_not_kept():
    from bench import ledger
    from bench.harness import runner

    steps = runner._Steps()
    with signals.sigterm_as_interrupt():
        with pytest.raises(signals.Terminated):
            steps.run(ledger.workload("fib"), _stop_swallowed)
    assert steps.observations == {} and steps.errors == {}
    signals.raise_if_stopped()  # the block is over: nothing is left asked for


def test_only_a_stop_a_signal_asked_for_unmasks_an_error():
    from bench import ledger
    from bench.harness import runner

    steps = runner._Steps()
    with signals.sigterm_as_interrupt():  # no signal comes: the KeyboardInterrupt is the step's own
        steps.run(ledger.workload("fib"), _interrupt_of_its_own)
    assert steps.errors == {"fib": "KeyError: 'missing'"}


def test_interrupts_unmasked_passes_other_errors_and_finds_the_stop_however_deep():
    with pytest.raises(ValueError):
        with signals.interrupts_unmasked():
            raise ValueError("plain")
    with signals.sigterm_as_interrupt():
        with pytest.raises(signals.Terminated):
            with signals.interrupts_unmasked():
                try:
                    _stop_hidden_behind_an_error()
                except OSError:
                    raise RuntimeError("a wrapper of the error") from None  # the chain cut: still a stop


# Two venvs being set up in prepare's worker threads; each "interpreter" is a script that never ends.
_PREPARE = textwrap.dedent("""
    import sys
    from pathlib import Path
    from bench.guard.signals import sigterm_as_interrupt
    from bench.interpreters import discover, venvs
    venvs._ROOT = Path(sys.argv[1])
    venvs.os.cpu_count = lambda: 2  # two set-ups at once, whatever the runner has
    interps = [discover.Interpreter(sys.argv[2], "3.1%d.0" % i, "CPython", False, "", "path") for i in (0, 1)]
    with sigterm_as_interrupt():
        venvs.prepare(interps)
""")


@pytest.mark.parametrize("sig,status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_to_the_pid_stops_the_venv_set_ups_running_in_threads(tmp_path, sig, status):
    # The signal reaches the main thread only; what the worker threads run must stop with it.
    python = tmp_path / "python3"
    python.write_text("#!/bin/sh\necho 'a step started' >&2\nexec sleep 120\n")
    python.chmod(0o755)
    proc = _start(["-c", _PREPARE, str(tmp_path), str(python)])
    _wait_for(proc, "setting up 2")
    logs = tmp_path / ".venvs"
    deadline = time.monotonic() + 60
    while sum("a step started" in p.read_text() for p in logs.glob("*.log")) < 2:  # the steps log there
        assert time.monotonic() < deadline, "the two steps did not start"
        time.sleep(0.05)
    got, _ = _kill_and_check(proc, sig)
    assert got in (status, 1, -sig)  # the interrupt propagates (a traceback here: not the CLI's one line)
    assert not [p for p in (tmp_path / ".venvs").iterdir() if p.is_dir()]  # no half venv is left


def test_once_every_timed_workload_has_failed_no_more_rounds_are_announced(monkeypatch):
    # The fault injector's: after a killed bm_countdown.py, "=== round 3/6 of none left" and so on to 6/6.
    from bench import ledger
    from bench.harness import runner

    said = []
    monkeypatch.setattr(runner, "_progress", said.append)

    def killed(workload, mode, bench_file, i, only=None):
        raise RuntimeError("bm_countdown.py exited with -9")

    monkeypatch.setattr(runner, "_round", killed)
    monkeypatch.setattr(runner, "_observed", lambda *a: {})
    steps = runner._run_workloads([ledger.workload("countdown")], "fast", "x", {}, "unused")
    assert set(steps[1]) == {"countdown"}
    assert [line for line in said if line.startswith("=== round")] == ["=== round 1/6 of countdown"]
