"""Every pyperf script, found by glob (a new bm_*.py cannot go untested): smoke-run with
--debug-single-value, loaded with pyperf, and checked against the ledger's workloads: it writes
exactly the benchmarks of its workload's grid (in the grid's order), every benchmark their metrics
read is one of them, each benchmark is filed under its own workload, every run carries the GIL
state and its round; and it leaves no process behind (conftest checks)."""
import contextlib
import multiprocessing
import subprocess
import sys

import pytest
from _helpers import ROOT, child_env

from bench import ledger

pyperf = pytest.importorskip("pyperf")

_FOLDER = ROOT / "bench" / "harness" / "benchmarks"
_SCRIPTS = sorted(p.name for p in _FOLDER.glob("bm_*.py"))
_GIL_KEYS = ("py_gil_disabled", "gil_enabled_at_runtime", "python_gil_env", "switch_interval")
# Less work per value where a script's default takes seconds: the test's sizes, not a measurement's.
# Keyed by script; test_small_sizes_name_real_scripts keeps the keys honest.
_SMALL = {
    "bm_countdown.py": ["--countdown-n", "20000"],
    "bm_release.py": ["--release-scale", "0.125"],  # every total splits evenly over 1, 2, 4 threads
    "bm_mp_workers.py": ["--work-scale", "0.01"],
    "bm_io.py": ["--io-calls", "16", "--io-per-worker", "1"],  # a smoke run: one call per worker at least
}


def _workloads(script):
    return [w for w in ledger.WORKLOADS if w.script == script]


def _grid_names(script):
    """The benchmarks the ledger declares for ``script`` (its workload's grid), in their order."""
    return [name for w in _workloads(script) for name in w.grid.names()]


def _read_by_the_ledger(script):
    """The benchmarks the derived metrics of ``script``'s workloads read."""
    return {name for w in _workloads(script) for _, spec in w.derived if spec[0] in ledger.TIMING_KINDS
            for name in spec[1:]}


@contextlib.contextmanager
def _backend(script):
    """The environment a script needs: for the I/O workloads, a local search service to call."""
    if not any(w.chapter == "io" for w in _workloads(script)):
        yield {}
        return
    pytest.importorskip("elasticsearch", reason="the I/O script calls the official client")
    from services import backend

    with backend.LocalService(1) as service:
        yield {"GILBENCH_ES_URL": service.url}


def _run(script, tmp_path, *args):
    out = tmp_path / ("out-%d.json" % len(list(tmp_path.glob("out-*.json"))))  # pyperf never overwrites
    with _backend(script) as env:
        proc = subprocess.run([sys.executable, str(_FOLDER / script), "--debug-single-value", "-q", "-o", str(out)]
                              + _SMALL.get(script, []) + list(args),
                              cwd=str(tmp_path), env=child_env(**env), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return pyperf.BenchmarkSuite.load(str(out)), out


def _offered(names):
    """Benchmarks this platform can run: a start method it does not offer is not timed."""
    methods = multiprocessing.get_all_start_methods()
    return {n for n in names if not n.startswith("mp_start[") or n.split("=")[1].rstrip("]") in methods}


def test_the_glob_finds_the_scripts_and_every_one_is_a_workloads():
    assert len(_SCRIPTS) >= 14
    ran = {w.script for w in ledger.WORKLOADS if w.script}
    assert set(_SCRIPTS) == ran, "scripts no workload runs: %s; workloads without their script: %s" % (
        sorted(set(_SCRIPTS) - ran), sorted(ran - set(_SCRIPTS)))


def test_small_sizes_name_real_scripts():
    assert set(_SMALL) <= set(_SCRIPTS)


@pytest.mark.parametrize("process", ["workers", "one-process"])
@pytest.mark.parametrize("script", _SCRIPTS)
def test_script_writes_what_the_ledger_reads(script, process, tmp_path):
    # A run times each round in one process (selection.pyperf_args: --worker with no --worker-task,
    # on every pyperf a measured interpreter gets); pyperf's own default, a worker per benchmark, is
    # how a person runs a script by hand.  Both write the same.
    suite, out = _run(script, tmp_path, "--gilbench-round", "3", *(["--worker"] if process == "one-process" else []))
    written = suite.get_benchmark_names()
    declared = _grid_names(script)
    assert declared, "the ledger declares no benchmark for %s" % script
    offered = _offered(declared)
    if script != "bm_mp_start.py":  # that one times the start methods in the order the platform lists them
        assert written == [n for n in declared if n in offered], "not in the grid's order"
    assert set(written) == offered, "written: %s; declared: %s" % (sorted(written), sorted(offered))
    wanted = _offered(_read_by_the_ledger(script))
    assert wanted, "no metric of the ledger reads %s" % script
    assert wanted <= set(declared), "read by the ledger, in no grid: %s" % sorted(wanted - set(declared))
    assert {ledger.workload_of_benchmark(n) for n in written} == {w.name for w in _workloads(script)}
    for bench in suite.get_benchmarks():
        metadata = bench.get_metadata()
        for key in _GIL_KEYS:
            assert isinstance(metadata[key], str) and metadata[key], (bench.get_name(), key)
        assert metadata["py_gil_disabled"] in ("0", "1") and metadata["gil_enabled_at_runtime"] in ("0", "1")
        assert [r.get_metadata()["gilbench_round"] for r in bench.get_runs() if r.values] == [3]
    show = subprocess.run([sys.executable, "-m", "pyperf", "show", str(out)], capture_output=True, text=True,
                          timeout=60)
    assert show.returncode == 0, show.stderr


def test_options_reach_the_workers_and_processes_record_their_start_method(tmp_path):
    # The workers are fresh processes: --countdown-n reaches them only through the one forwarder.
    suite, _ = _run("bm_countdown.py", tmp_path)
    for bench in suite.get_benchmarks():
        metadata = bench.get_metadata()
        assert metadata["countdown_n"] == 20000, bench.get_name()
        assert metadata["mp_start_method"] in multiprocessing.get_all_start_methods()
    suite, _ = _run("bm_fib.py", tmp_path)
    assert all("mp_start_method" not in b.get_metadata() for b in suite.get_benchmarks())


def test_io_fast_variants_are_the_grids_fast_subset(tmp_path):
    suite, _ = _run("bm_io.py", tmp_path, "--io-variants", "fast")
    assert suite.get_benchmark_names() == list(ledger.workload("io").grid.names("fast"))


def test_every_script_option_and_script_arg_is_declared_with_its_workload():
    from bench.ledger.vocabulary import LedgerError, Option, Workload

    for w in ledger.WORKLOADS:
        flags = {o.flag for o in w.options}
        for args in (w.script_args or {}).values():
            assert {a for a in args if a.startswith("--")} <= flags, w.name
    with pytest.raises(LedgerError, match="--typo"):
        Workload("w", "gil", "w.", script="bm_w.py", script_args={"fast": ("--typo", "1")},
                 options=(Option("--scale", "float", 1.0),))


def test_reversed_order_reverses_the_benchmarks(tmp_path):
    declared = _run("bm_race.py", tmp_path)[0].get_benchmark_names()
    reversed_ = _run("bm_race.py", tmp_path, "--gilbench-order", "reversed")[0].get_benchmark_names()
    assert len(declared) > 1 and reversed_ == declared[::-1]


def test_gil_metadata_is_valid_pyperf_metadata(monkeypatch):
    from bench.harness.pyperf_script import gil_metadata
    from pyperf._metadata import parse_metadata

    monkeypatch.delenv("PYTHON_GIL", raising=False)
    meta = gil_metadata()
    assert sorted(meta) == sorted(_GIL_KEYS)
    assert parse_metadata(meta) == meta
    assert meta["python_gil_env"] == "unset"
    monkeypatch.setenv("PYTHON_GIL", "1")
    assert gil_metadata()["python_gil_env"] == "1"


def test_calls_taken_in_turn_alternate_the_order_and_keep_each_benchmarks_own_times(monkeypatch):
    from bench.harness import pyperf_script

    calls = []
    # Each call's "time" is its benchmark's name and pass: what comes back must be its own, in order.
    monkeypatch.setattr(pyperf_script, "_timed_calls", lambda loops, gil, func, *args: func(*args))
    benchmarks = [(name, lambda n: calls.append(n) or "%s%d" % (n, calls.count(n)), name) for name in "ABC"]
    taken = pyperf_script._take_in_turn(benchmarks, 3, pyperf_script.gil_enabled())
    assert "".join(calls) == "ABCCBAABC"
    assert taken == {n: [n + "1", n + "2", n + "3"] for n in "ABC"}
    times = [0.5, 0.25]
    assert pyperf_script._replayed(1, True, times) == 0.5 and times == [0.25]
    with pytest.raises(RuntimeError):
        pyperf_script._replayed(1, True, [])
    with pytest.raises(RuntimeError):
        pyperf_script._replayed(2, True, [0.5])


def test_a_rounds_first_pass_is_shuffled_by_its_number_and_reproducible():
    from bench.harness.pyperf_script import _first_pass

    names = lambda order: "".join(b[0] for b in order)  # noqa: E731
    benchmarks = [(name, None) for name in "ABCDEF"]
    assert names(_first_pass(benchmarks, 0, False)) == "ABCDEF"  # run by hand: as declared
    assert names(_first_pass(benchmarks, 0, True)) == "FEDCBA"
    orders = {names(_first_pass(benchmarks, r, False)) for r in range(1, 7)}
    assert len(orders) > 1 and all(sorted(o) == list("ABCDEF") for o in orders)
    assert names(_first_pass(benchmarks, 3, False)) == names(_first_pass(benchmarks, 3, False))
    # Over six rounds, no benchmark has the same one before it every time (a fixed order's carry-over).
    before = {}
    for r in range(1, 7):
        order = names(_first_pass(benchmarks, r, r % 2 == 0))
        for prev, cur in zip(order, order[1:]):
            before.setdefault(cur, set()).add(prev)
    assert all(len(prevs) > 1 for prevs in before.values())


@pytest.mark.parametrize("script", ["bm_countdown.py", "bm_release.py", "bm_slow.py", "bm_mp_workers.py"])
def test_one_process_rounds_take_the_calls_in_turn_and_file_every_one(script, tmp_path):
    suite, _ = _run_timed(script, tmp_path, "--worker", "--loops", "1", "--values", "2", "--warmups", "1")
    for bench in suite.get_benchmarks():
        assert bench.get_metadata()["gilbench_timing"] == "interleaved", bench.get_name()
        (run,) = [r for r in bench.get_runs() if r.values]
        assert len(run.values) == 2 and len(run.warmups) == 1 and min(run.values) > 0


def test_calls_taken_in_turn_refuse_loops_they_cannot_file(tmp_path):
    proc = _run_timed("bm_slow.py", tmp_path, "--worker", "--loops", "2", "--values", "1", check=False)
    assert proc.returncode != 0 and "--loops 1" in proc.stderr


@pytest.mark.parametrize("flag", [["--track-memory"], ["--tracemalloc"]])
def test_calls_taken_in_turn_refuse_what_would_measure_the_replay(flag, tmp_path):
    proc = _run_timed("bm_slow.py", tmp_path, "--worker", "--loops", "1", "--values", "1", *flag, check=False)
    assert proc.returncode != 0 and "replay" in proc.stderr


@pytest.mark.parametrize("tasks", ["countdown,countdown", "nosuch"])
def test_mp_workers_refuses_a_task_it_would_time_twice_or_not_at_all(tasks, tmp_path):
    proc = _run_timed("bm_mp_workers.py", tmp_path, "--worker", "--loops", "1", "--values", "1", "--tasks", tasks,
                      check=False)
    assert proc.returncode != 0 and "--tasks" in proc.stderr


def _run_timed(script, tmp_path, *args, check=True):
    """``script`` run as a round runs it (not --debug-single-value), at the test's sizes."""
    out = tmp_path / "timed.json"
    proc = subprocess.run([sys.executable, str(_FOLDER / script), "-q", "-o", str(out)] + _SMALL.get(script, [])
                          + list(args), cwd=str(tmp_path), env=child_env(), capture_output=True, text=True,
                          timeout=300)
    if not check:
        return proc
    assert proc.returncode == 0, proc.stderr
    return pyperf.BenchmarkSuite.load(str(out)), out


def test_gilbench_only_times_the_benchmarks_it_names_and_refuses_others():
    import argparse

    from bench.harness import pyperf_script

    benchmarks = [("a", None), ("b", None), ("c", None)]
    benchmarks.append(("d[x=1,y=2]", None))  # a name with a comma
    assert pyperf_script._only(argparse.Namespace(gilbench_only=[]), benchmarks) == benchmarks
    assert pyperf_script._only(argparse.Namespace(gilbench_only=["d[x=1,y=2]", "a"]), benchmarks) == [
        ("a", None), ("d[x=1,y=2]", None)]
    with pytest.raises(ValueError, match="names no benchmark of this script: z"):
        pyperf_script._only(argparse.Namespace(gilbench_only=["a", "z"]), benchmarks)
