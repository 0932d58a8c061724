"""The gilbench command end to end, and its answers to bad input."""
import json
import os
import subprocess
import sys

import pytest
from _helpers import child_env

_ENV = child_env()


def _gilbench(*args, timeout=300):
    return subprocess.run([sys.executable, "-m", "bench"] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=timeout, env=_ENV)


def _one_clear_line(proc):
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gilbench: error: "), proc.stderr
    assert "Traceback" not in proc.stderr


def test_list_json_has_every_claim():
    from bench import ledger

    proc = _gilbench("list", "--json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["claims"]  # beside the ledger's "fingerprint" (tests/test_selection.py)
    assert [r["id"] for r in rows] == [c.id for c in ledger.CLAIMS]
    assert {"id", "chapter", "claim", "phrase", "note_figure"} <= set(rows[0])


@pytest.mark.slow
def test_run_then_report(tmp_path):
    out = tmp_path / "r"
    proc = _gilbench("run", "--fast", "--only", "switching,fib", "--out", str(out), "--id", "here")
    assert proc.returncode == 0, proc.stderr
    assert "[1/2] switching" in proc.stderr and "[2/2] fib" in proc.stderr  # progress
    assert proc.stdout.strip() == str(out / "here") and "next: gilbench report %s" % out in proc.stderr
    folder = out / "here"
    assert sorted(p.name for p in folder.iterdir()) == ["bench.json", "meta.json", "observations.json"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging folder left
    meta = json.loads((folder / "meta.json").read_text())
    for key in ("executable", "version", "free_threaded", "gil_enabled", "configure_flags", "cpu_count",
                "io_backend", "mode", "format", "host", "measured"):
        assert key in meta
    show = subprocess.run([sys.executable, "-m", "pyperf", "show", str(folder / "bench.json")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    assert show.returncode == 0 and "Mean +- std dev" in show.stdout, show.stdout

    proc = _gilbench("report", str(out), "--format", "json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["format"] == 4 and [i["id"] for i in report["interpreters"]] == ["here"]
    assert report["interpreters"][0]["measured"] == meta["measured"] and meta["format"] == 5 and meta["host"] and meta["machine_fingerprint"]
    by_claim = {v["claim"]: v for v in report["verdicts"]}
    for v in report["verdicts"]:
        # format 1's keys, and format 2's
        assert {"claim", "interpreter", "verdict", "value", "note_figure", "why", "spread", "evidence"} <= set(v)
        assert {"interval", "n", "provisional"} <= set(v)
    # fib ran in fast mode's rounds, one worker run each, every run carrying its round and GIL state
    import pyperf

    from bench.harness.selection import ROUNDS

    fib = pyperf.BenchmarkSuite.load(str(folder / "bench.json")).get_benchmark("fib[n=30]")
    runs = [r for r in fib.get_runs() if r.values]
    assert sorted(r.get_metadata()["gilbench_round"] for r in runs) == list(range(1, ROUNDS["fast"] + 1))
    assert all("gil_enabled_at_runtime" in r.get_metadata() for r in runs)
    # switching was observed, race was not: the switch claim (it reads both) names what is missing.
    switch = by_claim["gil.switch-between-bytecodes"]
    if getattr(sys, "_is_gil_enabled", lambda: True)():
        assert switch["verdict"] == "not-measured" and "race.small_interval.races" in switch["why"]
    else:  # a claim about GIL builds: n/a before anything is missing
        assert switch["verdict"] == "n/a"
    assert "switch.rate_gain" not in switch["why"]
    # countdown was not in the selection: said so, not guessed.
    assert by_claim["gil.countdown-threads-slower"]["verdict"] == "not-measured"
    assert "selection" in by_claim["gil.countdown-threads-slower"]["why"]
    md = _gilbench("report", str(out))
    # (measured nowhere in this run: listed under the table, with what is missing under --why)
    assert md.returncode == 0 and "gil.switch-between-bytecodes" in md.stdout


@pytest.mark.parametrize("args", [
    ("demo", "no-such-demo"),
    ("run", "--only", "nonsense", "--out", "/tmp/never-written"),
    ("report", "/nonexistent/results"),
])
def test_bad_input_gets_one_clear_line(args):
    _one_clear_line(_gilbench(*args))
    assert not os.path.exists("/tmp/never-written")


def test_report_on_malformed_json(tmp_path):
    bad = tmp_path / "run" / "3.x"
    bad.mkdir(parents=True)
    (bad / "meta.json").write_text("{not json")
    proc = _gilbench("report", str(tmp_path / "run"))
    _one_clear_line(proc)
    assert "malformed JSON" in proc.stderr


def test_report_on_folder_without_results(tmp_path):
    proc = _gilbench("report", str(tmp_path))
    _one_clear_line(proc)
    assert "holds no gilbench results" in proc.stderr


def test_report_on_other_format(tmp_path):
    folder = tmp_path / "3.x"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"format": 99}))
    (folder / "observations.json").write_text(json.dumps({"format": 99}))
    proc = _gilbench("report", str(tmp_path))
    _one_clear_line(proc)
    assert "format" in proc.stderr
