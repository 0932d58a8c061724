"""Issue 20: one local search service pair for every column of a matrix, run by the
orchestrating Python; crews of workers started and parked before the clock; the capacity
measured by the services' interpreter."""
import json
import os
import subprocess
import sys
import threading
import types
import urllib.request
from pathlib import Path

import pytest

from bench.interpreters import matrix
from services import backend, local_services

_ROOT = Path(__file__).resolve().parents[1]


def _answers(url):
    try:
        with urllib.request.urlopen(url + "/", timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def _interp(ident, free_threaded=False):
    return types.SimpleNamespace(id=ident, free_threaded=free_threaded, path="/py/" + ident, version=ident,
                                 identity_hash=lambda: "test-" + ident)


def test_a_matrix_hands_every_column_one_pair_run_by_its_own_python(tmp_path, monkeypatch):
    seen = []

    def run_one(venv, column, env_extra, want_gil, out, mode, selection, io_env=None, host=None):
        seen.append((column, dict(io_env), _answers(io_env[local_services.URL_ENV]),
                     _answers(io_env[local_services.ZERO_URL_ENV])))
        return ""

    monkeypatch.delenv(backend.ENV_URL, raising=False)
    monkeypatch.setenv(local_services.URL_ENV, "http://127.0.0.1:9")  # one from outside is never handed on
    monkeypatch.setattr(matrix, "venv_for", lambda interp, stop=None: tmp_path)
    monkeypatch.setattr(matrix, "_run_one", run_one)
    (tmp_path / "out").mkdir()
    outcomes = matrix.run_matrix([_interp("a"), _interp("b", free_threaded=True)], tmp_path / "out", io=True)
    assert [o.ok for o in outcomes] == [True, True, True]
    assert [c for c, _, _, _ in seen] == ["a", "b", "b-gil"]
    envs = [env for _, env, _, _ in seen]
    assert envs[0] == envs[1] == envs[2]  # the same two servers in every column
    assert envs[0][local_services.PYTHON_ENV] == sys.executable and envs[0][local_services.URL_ENV] != "http://127.0.0.1:9"
    assert all(up and zero_up for _, _, up, zero_up in seen)
    assert not _answers(envs[0][local_services.URL_ENV])  # stopped with the matrix


def test_a_matrix_starts_no_service_without_io_or_with_es_url(tmp_path, monkeypatch):
    seen = []
    monkeypatch.setattr(matrix, "venv_for", lambda interp, stop=None: tmp_path)
    monkeypatch.setattr(matrix, "_run_one", lambda *a: seen.append(a[7]) or "")
    (tmp_path / "out").mkdir()
    matrix.run_matrix([_interp("a")], tmp_path / "out", io=False)
    monkeypatch.setenv(backend.ENV_URL, "http://127.0.0.1:9200")
    (tmp_path / "out2").mkdir()
    matrix.run_matrix([_interp("a")], tmp_path / "out2", io=True)
    assert seen == [{}, {}]


def test_the_handed_env_reaches_the_child_without_an_outside_pair(monkeypatch, tmp_path):
    # _run_one's environment: the matrix's pair replaces any GILBENCH_IO_* from outside.
    captured = {}
    monkeypatch.setenv(local_services.ZERO_URL_ENV, "http://127.0.0.1:9")
    monkeypatch.setattr(matrix, "run_in_group", lambda cmd, timeout, env, stdout: captured.update(env) or 1)
    with pytest.raises(RuntimeError):  # no results written: the fake child did nothing
        matrix._run_one(tmp_path, "a", {}, True, tmp_path, "fast", None, {local_services.URL_ENV: "http://x"})
    assert captured[local_services.URL_ENV] == "http://x" and local_services.ZERO_URL_ENV not in captured


def test_a_run_under_a_matrix_uses_its_pair_and_says_so(monkeypatch):
    from bench import ledger
    from bench.harness import io_session

    pair = local_services.Pair.start(2.0, local_services.MATRIX)
    try:
        for name, value in pair.env().items():
            monkeypatch.setenv(name, value)
        session = io_session.open_session([ledger.workload("io")], "fast", gil_enabled=_gil())
        try:
            assert session.url == pair.url and session.facts["scope"] == "matrix"
            assert session.facts["python"] == sys.executable and session.facts["service_ms"] == 2.0
            assert "started once for every column of the matrix" in session.description
            obs = session.observations()
            # 3 loads before the timings and 3 after: the interval spans the column, not one moment of it
            assert len(obs["io.local.capacity_samples"]) == 6 and obs["io.local.capacity_errors"] == 0
            assert obs["io.local.capacity_req_s"] == pytest.approx(sum(obs["io.local.capacity_samples"]) / 6)
        finally:
            session.close()
        assert _answers(pair.url)  # the run does not stop the matrix's services
    finally:
        pair.stop()


def test_a_half_handed_pair_is_one_line(monkeypatch):
    from bench import ledger
    from bench.harness import io_session

    for name in local_services.ENVS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(local_services.URL_ENV, "http://127.0.0.1:9")
    with pytest.raises(backend.BackendError, match="GILBENCH_IO_ZERO_URL"):
        io_session.open_session([ledger.workload("io")], "fast", gil_enabled=True)


def _gil():
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


@pytest.fixture
def io_workload():
    pytest.importorskip("elasticsearch")
    from services import io_workload

    io_workload.health.reset()
    yield io_workload
    io_workload.health.reset()


def test_a_thread_crew_starts_its_threads_once_and_each_makes_its_share(io_workload):
    with backend.LocalService(1) as s:
        before = threading.active_count()
        with io_workload.ThreadCrew(s.url, 4, 10.0) as crew:
            assert threading.active_count() == before + 4 and crew.warm_up.calls == 4
            idents = {t.ident for t in crew._workers}
            for _ in range(3):
                seconds, outcome = crew.run(5)
                assert (outcome.calls, outcome.errors) == (20, 0) and seconds > 0
            assert {t.ident for t in crew._workers} == idents  # no thread started for a value
            assert threading.active_count() == before + 4
        assert threading.active_count() == before


def test_a_process_crew_keeps_its_processes_between_values(io_workload):
    with backend.LocalService(1) as s:
        with io_workload.ProcessCrew(s.url, 2, 10.0) as crew:
            pids = [p.pid for p in crew._procs]
            assert crew.warm_up.calls == 2
            for _ in range(2):
                seconds, outcome = crew.run(3)
                assert (outcome.calls, outcome.errors) == (6, 0)
            assert [p.pid for p in crew._procs] == pids and all(p.is_alive() for p in crew._procs)
            procs = list(crew._procs)
        assert not any(p.is_alive() for p in procs)


def test_async_tasks_each_make_their_share(io_workload):
    with backend.LocalService(1) as s:
        runner = io_workload.AsyncRunner(s.url, 4)
        try:
            assert runner.warm_up.calls == 4
            seconds, outcome = runner.run(3)
            assert (outcome.calls, outcome.errors) == (12, 0) and seconds > 0
        finally:
            runner.close()


def test_loadgen_reports_each_load_and_its_errors():
    with backend.LocalService(0) as s:
        proc = subprocess.run([sys.executable, "-m", "services.loadgen", "--url", s.url, "--seconds", "0.2",
                               "--repeat", "2"], cwd=str(_ROOT), capture_output=True, text=True, timeout=60)
    answer = json.loads(proc.stdout)
    assert proc.returncode == 0 and len(answer["rates"]) == 2 and answer["errors"] == 0
    assert answer["responses"] > 0 and all(r > 0 for r in answer["rates"])


def test_loadgen_where_nothing_listens_is_one_line():
    proc = subprocess.run([sys.executable, "-m", "services.loadgen", "--url", "http://127.0.0.1:9"],
                          cwd=str(_ROOT), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "could not reach http://127.0.0.1:9" in json.loads(proc.stdout)["error"]
