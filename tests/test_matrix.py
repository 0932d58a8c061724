"""The matrix: columns per interpreter, cross-interpreter verdicts (synthetic results), and
the command's answers to bad input."""
import subprocess
import sys
import sysconfig

import pytest
from _helpers import child_env

from bench.judge.load import InterpreterResult
from bench.judge.verdicts import verdicts

_ENV = child_env()


def _result(ident, version, free_threaded, gil_enabled, fib, exe=None, flags="'--enable-shared'"):
    meta = {"id": ident, "version": version, "free_threaded": free_threaded, "gil_enabled": gil_enabled,
            "base_executable": exe or "/py/" + ident, "cpus_usable": 2, "pymalloc": True, "compiler": "GCC 12",
            "configure_flags": flags + (" '--disable-gil'" if free_threaded else "")}
    # Five runs per column, 1% apart: the cross ratio's interval comes from them.
    runs = [fib * (1 + 0.01 * (i - 2)) for i in range(5)]
    return InterpreterResult(ident, "/nowhere", meta, run_means={"fib[n=25]": runs, "fib[n=30]": runs})


def _cross(table, ident, claim):
    return table[ident][claim]


def test_cross_verdicts_pair_twins_of_one_version():
    run = [_result("3.13.5", "3.13.5", False, True, 0.10),
           _result("3.13.5t", "3.13.5", True, False, 0.20, exe="/ft/python3"),
           _result("3.13.5t-gil", "3.13.5", True, True, 0.21, exe="/ft/python3"),
           _result("3.12.1", "3.12.1", False, True, 0.12)]
    table = verdicts(run)
    slower = _cross(table, "3.13.5t", "gil.freethreading-2x-slower")
    assert slower.verdict == "holds" and slower.value == pytest.approx(2.0)
    # One verdict per pair: the GIL twin names the column that holds it instead of judging it again.
    twin = _cross(table, "3.13.5", "gil.freethreading-2x-slower")
    assert twin.verdict == "n/a" and "judged in the 3.13.5t column" in twin.why
    # no free-threaded 3.12 in this run: said so, not guessed
    lone = _cross(table, "3.12.1", "gil.freethreading-2x-slower")
    assert lone.verdict == "not-measured" and "3.12.1" in lone.why
    # the same binary with PYTHON_GIL=1 is compared with itself GIL-off
    unaffected = _cross(table, "3.13.5t-gil", "gil.single-thread-unaffected")
    # 0.21 s over 0.20 s: x1.05, the bound itself
    assert unaffected.verdict == "within-noise" and "fib.gil_on_over_off" in unaffected.why
    assert unaffected.value == pytest.approx(1.05)
    off = _cross(table, "3.13.5t", "gil.single-thread-unaffected")
    assert off.verdict == "n/a" and "judged in the 3.13.5t-gil column" in off.why
    # The row's headline is shown where the pair's verdict is, not twice.
    assert unaffected.headline["metric"] == "fib.gil_on_over_off" and off.headline is None
    # The GIL build is compared with no binary of its own: not judged there (the twin ratio is another claim's).
    assert _cross(table, "3.13.5", "gil.single-thread-unaffected").verdict == "not-measured"


def test_twins_are_paired_by_build_not_by_version():
    # A distro build of the same version with other flags is not the free-threaded build's twin.
    run = [_result("3.13.5", "3.13.5", False, True, 0.10, flags="'--enable-optimizations' '--with-lto'"),
           _result("3.13.5t", "3.13.5", True, False, 0.20)]
    v = _cross(verdicts(run), "3.13.5t", "gil.freethreading-2x-slower")
    assert v.verdict == "not-measured" and "3.13.5 and 3.13.5t are not twins" in v.why


def test_cross_verdict_contradicted_when_free_threading_is_as_fast():
    run = [_result("3.13.5", "3.13.5", False, True, 0.100), _result("3.13.5t", "3.13.5", True, False, 0.102)]
    assert _cross(verdicts(run), "3.13.5t", "gil.freethreading-2x-slower").verdict == "contradicted"


def _column(ident, free_threaded, gil_enabled, times, exe):
    """A column of a run that timed only ``times`` ({benchmark: mean}), five runs 1% apart."""
    meta = {"id": ident, "version": "3.13.5", "free_threaded": free_threaded, "gil_enabled": gil_enabled,
            "base_executable": exe, "cpus_usable": 2, "pymalloc": True, "compiler": "GCC 12",
            "configure_flags": "'--enable-shared'" + (" '--disable-gil'" if free_threaded else "")}
    runs = {name: [t * (1 + 0.01 * (i - 2)) for i in range(5)] for name, t in times.items()}
    return InterpreterResult(ident, "/nowhere", meta, run_means=runs)


def test_a_cross_ratio_on_another_benchmark_is_judged_without_judge_code(monkeypatch):
    # Two new comparisons on the countdown's two threads, declared in the ledger's words only: the
    # judge computes them, names and all, from the specs.
    from bench import ledger
    from bench.ledger.vocabulary import Check, Claim, same_binary_ratio, twin_ratio

    specs = (twin_ratio("countdown[threads=2]", over="free_threaded", key="threads2"),
             same_binary_ratio("countdown[threads=2]", over="gil_off", key="threads2"))
    cross = ledger.name_cross(ledger.gil.CROSS + specs)
    twin, binary = "countdown.threads2.free_threaded_over_gil", "countdown.threads2.gil_off_over_on"
    assert list(cross)[-2:] == [twin, binary]
    claim = Claim("t.threads-twice-as-fast", "gil", "s", "c", "p",
                  (Check(twin, "below(0.8)"), Check(binary, "below(0.8)")), scope="cross")
    ledger.check_metrics([claim], cross=cross)
    monkeypatch.setattr(ledger, "CROSS", cross)
    monkeypatch.setattr(ledger, "CLAIMS", (claim,))
    two = "countdown[threads=2]"
    run = [_column("3.13.5", False, True, {two: 1.0}, "/gil/python3"),
           _column("3.13.5t", True, False, {two: 0.5}, "/ft/python3"),
           _column("3.13.5t-gil", True, True, {two: 1.1}, "/ft/python3"),
           _column("3.13.5-nothreads", False, True, {"fib[n=30]": 0.1}, "/other/python3")]
    table = verdicts(run)
    ft = table["3.13.5t"][claim.id]
    assert ft.verdict == "holds" and ft.provisional and "unpaired" in ft.why
    assert ft.value == pytest.approx(0.5)  # the first check's ratio: 0.5 s free-threaded over 1.0 s GIL
    # Both ratios have the GIL-off binary on their numerator side: judged there, once per pair; the
    # GIL column and the PYTHON_GIL=1 column name it instead.
    assert ft.evidence[binary] == pytest.approx(0.5 / 1.1)
    for other in ("3.13.5", "3.13.5t-gil"):
        assert table[other][claim.id].verdict == "n/a" and "judged in the 3.13.5t column" in table[other][claim.id].why
    lone = table["3.13.5-nothreads"][claim.id]
    assert lone.verdict == "not-measured"
    assert lone.why == ("needs countdown timings of a GIL build and its free-threaded twin (same source and flags) "
                        "of 3.13.5 in the same run (gilbench matrix): no countdown timings in 3.13.5-nothreads")


def test_free_threaded_build_gets_two_columns():
    from bench.interpreters import matrix
    from bench.interpreters.discover import Interpreter

    ft = Interpreter("/x/python3", "3.13.5", "CPython", True, "--disable-gil", "cache")
    gil = Interpreter("/y/python3", "3.13.5", "CPython", False, "", "cache")
    assert [c[0] for c in matrix._configurations(ft)] == ["3.13.5t", "3.13.5t-gil"]
    assert [c[1].get("PYTHON_GIL") for c in matrix._configurations(ft)] == ["0", "1"]
    assert [c[0] for c in matrix._configurations(gil)] == ["3.13.5"]


def _gilbench(*args):
    return subprocess.run([sys.executable, "-m", "bench"] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120, env=_ENV)


@pytest.mark.parametrize("pythons,needle", [
    ("9.9.9", "unknown interpreter id"),
    ("/etc/passwd", "not a Python interpreter"),
])
def test_matrix_bad_interpreter_is_one_line(tmp_path, pythons, needle):
    pytest.importorskip("python_discovery")
    proc = _gilbench("matrix", "--pythons", pythons, "--out", str(tmp_path / "r"))
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and needle in proc.stderr, proc.stderr
    assert not (tmp_path / "r").exists()


def test_matrix_bad_selection_is_one_line(tmp_path):
    proc = _gilbench("matrix", "--pythons", sys.executable, "--only", "nonsense", "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and "unknown selection" in proc.stderr
    assert not (tmp_path / "r").exists()


def test_empty_items_of_a_selection_are_ignored_but_a_selection_of_nothing_is_refused():
    from bench.harness.selection import SelectionError, select

    assert select("gc,") == select("gc") == select(" , gc ,,")
    assert len(select(None)) > 10  # no --only: every workload
    for empty in ("", ",", " , "):  # the fault injector's: these ran the whole suite
        with pytest.raises(SelectionError, match="empty selection"):
            select(empty)


@pytest.mark.parametrize("argv", [("run", "--only", ""), ("run", "--only", " , "), ("run", "--out", ""),
                                  ("matrix", "--pythons", sys.executable, "--out", " "),
                                  ("matrix", "--pythons", sys.executable, "--only", ",")])
def test_an_empty_only_or_out_is_one_line_and_exit_2(argv, tmp_path):
    proc = _gilbench(*argv)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "empty" in proc.stderr, proc.stderr


def test_unreachable_source_is_one_line(tmp_path, monkeypatch):
    env = child_env(GILBENCH_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-m", "bench", "pythons", "build", "3.13", "--source",
                           "/nonexistent/Python-3.13.5.tar.xz"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120, env=env)
    assert proc.returncode == 2
    errors = [l for l in proc.stderr.splitlines() if l.startswith("gilbench: error:")]
    assert len(errors) == 1, proc.stderr
    pythons = tmp_path / "cache" / "pythons"
    assert not pythons.exists() or not any(pythons.iterdir())


@pytest.mark.slow
@pytest.mark.skipif(bool(sysconfig.get_config_var("Py_GIL_DISABLED")), reason="one column is enough here")
def test_matrix_end_to_end_on_the_running_interpreter(tmp_path):
    """One interpreter, a tiny selection: venv, run inside it, summary, report."""
    out = tmp_path / "r"
    proc = _gilbench("matrix", "--pythons", sys.executable, "--only", "switching", "--fast", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (out / "report.md").exists() and "gil.switch-between-bytecodes" in proc.stdout
    assert "ok" in proc.stderr  # the summary table
    # stdout carries the report only: no progress lines, no result folder from the child's run
    assert proc.stdout.startswith("# gilbench"), proc.stdout[:500]
    assert not [l for l in proc.stdout.splitlines() if l.startswith("gilbench:")], proc.stdout[:2000]
    assert str(out) not in proc.stdout
    assert proc.stdout == (out / "report.md").read_text()


def _recorded(run, mode="fast", **columns):
    import json
    for column, seconds in columns.items():
        (run / column).mkdir(parents=True)
        (run / column / "meta.json").write_text(json.dumps({"mode": mode, "workload_seconds": seconds}))


def test_the_clock_goes_by_recorded_workload_times_before_the_first_column(tmp_path):
    from bench.interpreters.clock import Clock

    results = tmp_path / "results"
    _recorded(results / "20260101-000000", a={"fib": 60, "io": 60, "race": 30}, b={"fib": 120, "io": 60})
    _recorded(results / "20260102-000000", mode="rigorous", a={"fib": 999, "io": 999, "race": 9})  # another mode
    _recorded(results / "20260103-000000", a={"fib": 5})  # `run --only fib`: it says nothing of io and race
    _recorded(results / "compose", a={"fib": 1, "io": 1, "race": 1})  # not a timestamped run of this machine
    clock = Clock.from_records(results / "20260104-000000", "fast", ["a", "b", "c"], ["fib", "io", "race"])
    # a: 150 s, b: 180 s + race as a recorded (30 s); c was not recorded: an average column (180 s).
    assert clock.seconds_left([], ["a", "b", "c"]) == 540
    assert clock.says([], ["a", "b", "c"]) == (", about 9 min left (recorded workload times of %s)"
                                                % (results / "20260101-000000"))


@pytest.mark.parametrize("bad", ["[]", '{"mode": "fast", "workload_seconds": {"fib": NaN}}',
                                 '{"mode": "fast", "workload_seconds": {"fib": true}}',
                                 '{"mode": "fast", "workload_seconds": {"fib": -900}}',
                                 '{"mode": "fast", "workload_seconds": {"fib": 1%s}}' % ("0" * 400),
                                 '{"mode": "fast", "workload_seconds": ["fib"]}', "not json"])
def test_an_unreadable_record_is_no_record(tmp_path, bad):
    from bench.interpreters.clock import Clock

    (tmp_path / "20260101-000000" / "a").mkdir(parents=True)
    (tmp_path / "20260101-000000" / "a" / "meta.json").write_text(bad)
    clock = Clock.from_records(tmp_path / "20260102-000000", "fast", ["a"], ["fib"])
    assert clock.source is None or clock.source.endswith("raw")  # skipped: the published run, if any


def test_the_clock_scales_the_record_by_the_columns_measured():
    from bench.interpreters.clock import Clock

    clock = Clock({"a": 100.0, "b": 200.0, "c": 100.0}, "somewhere")
    # a took twice what was recorded: b and c should too.
    assert clock.seconds_left([("a", 200.0)], ["b", "c"]) == 600
    assert clock.says([("a", 200.0)], ["b", "c"]) == ", about 10 min left"
    # A column kept by --resume (0 s) says nothing of the others.
    assert clock.seconds_left([("a", 0.0)], ["b", "c"]) == 300


def test_without_a_record_the_clock_waits_for_a_column():
    from bench.interpreters.clock import Clock

    clock = Clock({"a": None, "b": None}, None)
    assert clock.says([], ["a", "b"]) == ""
    assert clock.seconds_left([("a", 90.0)], ["b"]) == 90


def test_within_a_column_the_rounds_done_time_the_rounds_left():
    from bench.harness.runner import _rounds_left

    assert _rounds_left(5.0, 0, 6) == ""  # nothing to go by before the first round
    assert _rounds_left(60.0, 2, 6) == ", about 120 s left in this column"


def test_twin_pairs_are_one_version_of_one_origin_that_builds_both_ways():
    from bench.interpreters.discover import Interpreter
    from bench.interpreters.matrix import twin_pairs

    def interp(version, ft, origin):
        return Interpreter("/x/%s%s-%s" % (version, "t" if ft else "", origin), version, "CPython", ft, "", origin)

    uv = [interp("3.14.0", False, "uv"), interp("3.14.0", True, "uv")]
    cache = [interp("3.13.5", False, "cache"), interp("3.13.5", True, "cache")]
    assert [(g.id, f.id) for g, f in twin_pairs(uv + cache)] == [("3.14.0", "3.14.0t"), ("3.13.5", "3.13.5t")]
    # pyenv's or PATH's builds are not twins by construction; one version from two origins is no pair
    assert twin_pairs([interp("3.13.5", False, "pyenv"), interp("3.13.5", True, "pyenv")]) == []
    assert twin_pairs([interp("3.14.0", False, "cache"), interp("3.14.0", True, "uv")]) == []


def test_missing_venvs_are_set_up_before_any_column_at_most_two_at_once(monkeypatch, capsys):
    # A fresh clone sets up one venv per interpreter (about 30 s each, CPU-bound): they are made
    # before the first column is measured, never beside it, two at a time on a 2-CPU machine.
    import threading
    import time

    from bench.interpreters import venvs
    from bench.interpreters.discover import Interpreter, InterpreterError

    interps = [Interpreter("/x/%d/python3" % i, "3.1%d.0" % i, "CPython", False, "", "pyenv") for i in range(5)]
    monkeypatch.setattr(venvs.os, "cpu_count", lambda: 8)
    state = {"now": 0, "most": 0, "made": []}
    lock = threading.Lock()

    def make(interp, stop):
        assert not stop.is_set()
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.05)
        with lock:
            state["now"] -= 1
            state["made"].append(interp.path)
        if interp is interps[2]:
            raise InterpreterError("cannot set up a venv for it: pip failed")
        if interp is interps[3]:  # the interpreter is gone, the disk full: that column, not the matrix
            raise FileNotFoundError(2, "No such file or directory", interp.path)
        return interp.path

    venvs.prepare(interps + interps[:1], make=make)  # one listed twice is made once
    assert sorted(state["made"]) == sorted(i.path for i in interps)
    assert state["most"] == 2
    err = capsys.readouterr().err
    assert "setting up 5" in err and "2 at a time" in err and "pip failed" in err
    assert "No such file or directory" in err and err.count(" ready") == 3
