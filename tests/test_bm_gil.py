"""Smoke-run each GIL pyperf script with --debug-single-value and load what it wrote."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

pyperf = pytest.importorskip("pyperf")

_ROOT = Path(__file__).resolve().parent.parent
_GIL_KEYS = ("py_gil_disabled", "gil_enabled_at_runtime", "python_gil_env", "switch_interval")

_SCRIPTS = {
    "bm_countdown.py": (["--countdown-n", "20000"],
                        ["countdown[threads=1]", "countdown[worker-threads=1]", "countdown[threads=2]",
                         "countdown[threads=4]", "countdown[processes=2]", "countdown[processes=4]"]),
    "bm_race.py": ([], ["race[mutex=none]", "race[mutex=around-loop]",
                        "race[mutex=per-iteration]", "race[fix=join]"]),
    "bm_release.py": (["--release-scale", "0.1"], ["gil_release[work=%s,threads=%d]" % (w, k)
                           for w in ("sha256", "zlib", "python") for k in (1, 2, 4)]),
    "bm_fib.py": ([], ["fib[n=25]"]),
}


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    return env


def _run_script(script, tmp_path, *args):
    extra, _ = _SCRIPTS[script]
    out = tmp_path / "out.json"
    proc = subprocess.run(
        [sys.executable, str(_ROOT / "bench" / "harness" / "benchmarks" / script), "--debug-single-value", "-q",
         "-o", str(out)] + extra + list(args),
        cwd=str(tmp_path), env=_env(), capture_output=True, text=True, timeout=110)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.mark.parametrize("script", sorted(_SCRIPTS))
def test_script_writes_loadable_suite(script, tmp_path):
    out = _run_script(script, tmp_path, "--gilbench-round", "3")
    suite = pyperf.BenchmarkSuite.load(str(out))
    assert suite.get_benchmark_names() == _SCRIPTS[script][1]
    for bench in suite.get_benchmarks():
        metadata = bench.get_metadata()
        for key in _GIL_KEYS:
            assert isinstance(metadata[key], str) and metadata[key]
        assert metadata["py_gil_disabled"] in ("0", "1")
        assert metadata["gil_enabled_at_runtime"] in ("0", "1")
        assert [r.get_metadata()["gilbench_round"] for r in bench.get_runs()] == [3]

    show = subprocess.run([sys.executable, "-m", "pyperf", "show", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert show.returncode == 0, show.stderr


@pytest.mark.parametrize("script", sorted(_SCRIPTS))
def test_every_benchmark_the_ledger_reads_is_written(script, tmp_path):
    """Each benchmark name a workload's derived metrics read is one the script really writes."""
    from bench import ledger

    written = set(pyperf.BenchmarkSuite.load(str(_run_script(script, tmp_path))).get_benchmark_names())
    declared = {name for w in ledger.WORKLOADS if w.script == script for _, spec in w.derived
                if spec[0] in ("mean", "ratio", "parallel_share") for name in spec[1:]}
    assert declared, "no workload of the ledger reads %s" % script
    assert declared <= written, "declared but never written: %s" % sorted(declared - written)


def test_reversed_order_reverses_the_benchmarks(tmp_path):
    out = _run_script("bm_race.py", tmp_path, "--gilbench-order", "reversed")
    assert pyperf.BenchmarkSuite.load(str(out)).get_benchmark_names() == _SCRIPTS["bm_race.py"][1][::-1]


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
