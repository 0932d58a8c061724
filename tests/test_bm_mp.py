"""Smoke-run each multiprocessing pyperf script with --debug-single-value; every benchmark the
chapter's ratios read is there, and the script leaves no process behind (conftest checks)."""
import multiprocessing
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import ledger

pyperf = pytest.importorskip("pyperf")

_ROOT = Path(__file__).resolve().parent.parent
_SCRIPTS = {
    "bm_mp_start.py": [],
    "bm_mp_ipc.py": [],
    "bm_mp_shared.py": [],
    "bm_mp_imap.py": [],
    "bm_mp_workers.py": ["--work-scale", "0.01"],
    "bm_ftscaling.py": [],
}


def _wanted(script):
    names = set()
    for w in ledger.WORKLOADS:
        if w.script == script:
            for _, spec in w.derived:
                if spec[0] in ("mean", "ratio", "parallel_share"):
                    names.update(spec[1:])
    return names


@pytest.mark.parametrize("script", sorted(_SCRIPTS))
def test_script_writes_every_benchmark_its_ratios_read(script, tmp_path):
    out = tmp_path / "out.json"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(_ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, str(_ROOT / "bench" / "harness" / "benchmarks" / script),
                           "--debug-single-value", "-q", "-o", str(out), "--gilbench-round", "2"] + _SCRIPTS[script],
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    names = set(pyperf.BenchmarkSuite.load(str(out)).get_benchmark_names())
    wanted = _wanted(script)
    if script == "bm_mp_start.py":  # one per start method this platform offers
        wanted = {n for n in wanted if n.split("=")[1].rstrip("]") in multiprocessing.get_all_start_methods()}
    assert wanted and wanted <= names
