"""The I/O chapter: the local search service with the official client, the backend checks, the
run's session (nothing left running), the pyperf script, and a real Elasticsearch when ES_URL answers."""
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from _helpers import child_env

pytest.importorskip("elasticsearch")
from elasticsearch import Elasticsearch  # noqa: E402

from services import backend, io_workload  # noqa: E402

_ROOT = Path(__file__).resolve().parent.parent


def _env(**extra):
    # ES_URL unset unless the test names one: the caller's real Elasticsearch must not leak in.
    return child_env(**dict({"ES_URL": None}, **extra))


@pytest.fixture
def service():
    with backend.LocalService(0) as s:
        yield s


def test_official_client_indexes_searches_and_lists_indices(service):
    assert service.url.startswith("http://127.0.0.1:")
    es = Elasticsearch(service.url)
    try:
        assert es.info()["tagline"] == "You Know, for Search"
        assert es.indices.create(index="notes")["acknowledged"] is True
        assert es.index(index="notes", id="1", document={"text": "GIL"})["result"] == "created"
        assert es.index(index="notes", document={"text": "threads"})["result"] == "created"
        hits = es.search(index="notes", query={"match_all": {}})["hits"]
        assert hits["total"]["value"] == 2
        assert {h["_source"]["text"] for h in hits["hits"]} == {"GIL", "threads"}
        assert "notes" in es.cat.indices().body.split()
        assert [row["index"] for row in es.cat.indices(format="json").body] == ["notes"]
        assert es.cluster.health()["status"] == "green"
        assert es.indices.exists(index="notes") and not es.indices.exists(index="nope")
    finally:
        es.close()


def test_the_notes_url_without_a_scheme_is_refused_by_the_client():
    # The ledger's departure for gil.io-threads-faster rests on this.
    with pytest.raises(ValueError, match="scheme"):
        Elasticsearch("127.0.0.1:9200")


def test_64_concurrent_clients_get_no_error():
    with backend.LocalService(5) as s:
        client = io_workload.make_client(s.url, 64)
        try:
            outcome = io_workload.run_threads(client, 256, 64, s.url, backend.REQUEST_TIMEOUT_S)
        finally:
            client.close()
    assert (outcome.calls, outcome.errors, outcome.reasons) == (256, 0, [])


def test_failed_requests_are_counted_with_their_reason():
    port = _free_port()
    url = "http://127.0.0.1:%d" % port
    client = io_workload.make_client(url, 2)
    try:
        outcome = io_workload.run_threads(client, 4, 2, url, backend.REQUEST_TIMEOUT_S)
    finally:
        client.close()
    assert (outcome.calls, outcome.errors) == (4, 4)
    assert outcome.reasons and "ConnectionError" in outcome.reasons[0]


def test_a_client_not_made_by_make_client_runs_too(service):
    client = Elasticsearch(service.url, max_retries=0)
    try:
        outcome = io_workload.run_threads(client, 6, 2, service.url, backend.REQUEST_TIMEOUT_S)
    finally:
        client.close()
    assert (outcome.calls, outcome.errors, outcome.reasons) == (6, 0, [])


@pytest.mark.parametrize("host", ["0.0.0.0", "localhost", "::1", "127.0.0.2", "not an address"])
def test_the_service_binds_127_0_0_1_only(host):
    proc = subprocess.run([sys.executable, "-m", "services.search_service", "--host", host],
                          env=_env(), capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == (
        "python -m services.search_service: error: the local search service binds 127.0.0.1 only (got --host %s)"
        % host)


def test_the_hosts_help_says_127_0_0_1_only():
    proc = subprocess.run([sys.executable, "-m", "services.search_service", "--help"],
                          env=_env(), capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0 and "127.0.0.1 only" in proc.stdout and "loopback address" not in proc.stdout


def test_a_service_that_exits_at_once_says_so_and_names_its_log(tmp_path):
    # Its stderr is ours: the user saw why, and the message says only what happened.
    with pytest.raises(backend.BackendError) as caught:
        backend.LocalService(-1, stderr=subprocess.DEVNULL).start()
    assert str(caught.value) == "the local search service exited at once with status 2"
    log = tmp_path / "service.log"
    with open(log, "ab") as f, pytest.raises(backend.BackendError) as caught:
        backend.LocalService(-1, stderr=f).start()
    assert str(caught.value) == "the local search service exited at once with status 2; its errors are in %s" % log
    assert "--service-ms must be 0 or more" in log.read_text()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Fake(http.server.BaseHTTPRequestHandler):
    headers_out, body = {}, b""

    def do_GET(self):
        self.send_response(200)
        for k, v in self.headers_out.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("headers, info, expected", [
    ({}, {"version": {"number": "9.0.3"}}, "is not Elasticsearch"),
    ({"X-Elastic-Product": "Elasticsearch"}, {"version": {"number": "7.17.0"}}, "cannot talk to"),
    ({"X-Elastic-Product": "Elasticsearch"}, {"hello": "world"}, "not as Elasticsearch does"),
])
def test_a_url_that_is_not_a_usable_elasticsearch_is_one_clear_error(headers, info, expected):
    handler = type("Handler", (_Fake,), {"headers_out": headers, "body": json.dumps(info).encode()})
    server = http.server.HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        url = "http://127.0.0.1:%d" % server.server_address[1]
        with pytest.raises(backend.BackendError, match=expected):
            backend.check(url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_es_url_where_nothing_listens_is_one_line_and_a_nonzero_exit(tmp_path):
    url = "http://127.0.0.1:%d" % _free_port()
    proc = subprocess.run([sys.executable, "-m", "bench.harness", "--only", "io", "--out", str(tmp_path / "r")],
                          env=_env(ES_URL=url), capture_output=True, text=True, timeout=60)
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "nothing answers at ES_URL=%s" % url in lines[0], proc.stderr
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


def test_a_run_session_starts_measures_and_stops_the_local_service(monkeypatch):
    from bench import ledger
    from bench.harness import io_session

    monkeypatch.delenv("ES_URL", raising=False)
    monkeypatch.setenv(io_session.SERVICE_MS_ENV, "2")
    session = io_session.open_session([ledger.workload("io")], "fast", gil_enabled=_gil())
    try:
        assert session.description.startswith("local service, 2 ms service time")
        url = os.environ["GILBENCH_ES_URL"]
        backend.check(url)  # the service answers while the session is open
        obs = session.observations()
    finally:
        session.close()
    assert "GILBENCH_ES_URL" not in os.environ
    assert obs["io.errors"] == 0 and obs["io.concurrent64.errors"] == 0 and obs["io.concurrent64.calls"] == 256
    assert obs["io.service_ms"] == 2.0 and obs["io.local.capacity_req_s"] > 0
    assert all(c > 0 for c in obs["io.client_cpu_per_call_samples"])
    with pytest.raises(backend.BackendError, match="nothing answers"):
        backend.check(url)


def test_no_session_without_an_io_workload():
    from bench import ledger
    from bench.harness import io_session

    session = io_session.open_session([ledger.workload("fib")], "fast", gil_enabled=True)
    assert session.description is None and session.observations() == {}


def test_a_bad_service_time_is_refused(monkeypatch):
    from bench import ledger
    from bench.harness import io_session

    monkeypatch.setenv(io_session.SERVICE_MS_ENV, "fast")
    with pytest.raises(backend.BackendError, match="GILBENCH_IO_SERVICE_MS=fast"):
        io_session.open_session([ledger.workload("io")], "fast", gil_enabled=True)


def _gil():
    probe = getattr(sys, "_is_gil_enabled", None)
    return True if probe is None else bool(probe())


def test_bm_io_writes_every_variant_and_logs_its_calls(tmp_path):
    pyperf = pytest.importorskip("pyperf")
    log, out = tmp_path / "io.jsonl", tmp_path / "out.json"
    with backend.LocalService(1) as s:
        proc = subprocess.run(
            [sys.executable, str(_ROOT / "bench" / "harness" / "benchmarks" / "bm_io.py"), "--debug-single-value",
             "-q", "-o", str(out), "--es-url", s.url, "--io-calls", "16", "--io-per-worker", "2",
             "--io-variants", "fast", "--io-log", str(log), "--gilbench-round", "2"],
            cwd=str(tmp_path), env=_env(), capture_output=True, text=True, timeout=110)
    assert proc.returncode == 0, proc.stderr
    suite = pyperf.BenchmarkSuite.load(str(out))
    names = suite.get_benchmark_names()
    assert names == ["io[threads=1]", "io[threads=2]", "io[threads=8]", "io[threads=16]", "io[processes=2]",
                     "io[asyncio=16]"]
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    # Per variant: the warm-up that opened a connection per worker (one call each), then the value.
    warm = {e["variant"]: e for e in entries if e.get("warm_up")}
    timed = {e["variant"]: e for e in entries if not e.get("warm_up")}
    assert sorted(warm) == sorted(timed) == sorted(names) and len(entries) == 2 * len(names)
    workers = {"io[threads=1]": 1, "io[threads=2]": 2, "io[threads=8]": 8, "io[threads=16]": 16,
               "io[processes=2]": 2, "io[asyncio=16]": 16}
    assert {v: e["calls"] for v, e in warm.items()} == workers
    # At least --io-calls per value, and at least --io-per-worker on every worker: 16 threads make 32.
    assert {v: e["calls"] for v, e in timed.items()} == {v: max(16, 2 * k) for v, k in workers.items()}
    assert all(e["errors"] == 0 for e in entries)
    assert suite.get_metadata()["io_per_worker"] == 2
    # A value is seconds per call: at 1 ms of service time, one call on one thread takes over 1 ms.
    one = suite.get_benchmark("io[threads=1]").get_values()
    assert all(v > 0.001 for v in one)


def test_gilbench_es_start_status_stop(tmp_path):
    env = _env(XDG_CACHE_HOME=str(tmp_path))
    cli = [sys.executable, "-m", "bench"]

    def es(*args):
        return subprocess.run(cli + ["es"] + list(args), env=env, capture_output=True, text=True, timeout=60)

    try:
        url = es("start", "--service-ms", "0").stdout.strip()
        pid = json.loads((tmp_path / "gilbench" / "local-search-service.json").read_text())["pid"]
        assert backend.check(url)[0] == "gilbench-local"
        status = es("status")
        assert status.returncode == 0 and url in status.stdout
        again = es("start", "--service-ms", "0")  # the same service time: the running one is reused
        assert again.returncode == 0 and again.stdout.strip() == url
        other = es("start", "--service-ms", "2")  # another service time: refused, in one line
        assert other.returncode == 2 and other.stdout == "", other.stdout
        lines = other.stderr.strip().splitlines()
        assert len(lines) == 1 and "0.0 ms service time, not 2.0" in lines[0], other.stderr
    finally:
        stop = es("stop")  # ends it whatever failed above: nothing may outlive the test
    assert stop.returncode == 0 and backend.wait_until_gone(pid, 10)
    status = es("status")
    assert status.returncode == 1 and status.stdout.strip() == "not running"


def _real_es_url():
    url = os.environ.get("ES_URL")
    if not url:
        return None, "ES_URL is not set"
    try:
        backend.check(url)
    except backend.BackendError as exc:
        return None, str(exc)
    return url, ""


def test_real_elasticsearch_when_es_url_answers():
    url, why = _real_es_url()
    if url is None:
        pytest.skip("no real Elasticsearch: %s" % why)
    es = Elasticsearch(url)
    index = "gilbench-test-%d" % os.getpid()
    try:
        es.indices.create(index=index)
        es.index(index=index, id="1", document={"text": "GIL"}, refresh="wait_for")
        assert es.search(index=index, query={"match_all": {}})["hits"]["total"]["value"] == 1
        assert index in es.cat.indices(index=index).body
    finally:
        es.options(ignore_status=404).indices.delete(index=index)
        es.close()


def _services_of(parent):
    """Pids of the local search services that process ``parent`` started."""
    pids = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                cmd = f.read()
            with open("/proc/%s/stat" % entry) as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == parent and b"services.search_service" in cmd:
            pids.append(int(entry))
    return pids


def test_ctrl_c_during_a_run_leaves_no_service_running(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "bench.harness", "--fast", "--only", "io", "--out",
                             str(tmp_path / "r")], env=_env(), stderr=subprocess.PIPE, text=True)
    services = []
    try:
        for line in proc.stderr:  # wait until the backend is up
            if "I/O backend" in line:
                break
        services = _services_of(proc.pid)
        assert len(services) == 2  # the workloads' service and the 0 ms one
        proc.send_signal(signal.SIGINT)
        proc.stderr.read()
        assert proc.wait(60) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    # Gone, not orphaned: a stopped service is reaped by the run, so its pid no longer exists.
    left = [pid for pid in services if not backend.wait_until_gone(pid, 10)]
    for pid in left:  # a failed run must not leave them behind either
        os.kill(pid, signal.SIGKILL)
    assert left == []


def test_a_service_ends_when_the_run_that_started_it_is_killed():
    code = ("import sys, time; from services.backend import LocalService\n"
            "s = LocalService(0).start(); print(s.proc.pid, flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], env=_env(), stdout=subprocess.PIPE, text=True)
    try:
        pid = int(proc.stdout.readline())
        proc.kill()  # SIGKILL: no cleanup of its own can run
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
    gone = backend.wait_until_gone(pid, 10)
    if not gone:
        os.kill(pid, signal.SIGKILL)
    assert gone


@pytest.mark.parametrize("peak, flagged", [(1000.0, 0), (2600.0, 1), (2100.0, 1)])
def test_a_run_near_the_services_capacity_is_flagged_and_errors_are_counted(tmp_path, peak, flagged):
    from bench.harness import io_session

    log = tmp_path / "io.jsonl"
    log.write_text("".join(json.dumps(e) + "\n" for e in (
        {"variant": "io[threads=1]", "calls": 40, "errors": 0, "reasons": [], "rate": 90.0},
        {"variant": "io[threads=16]", "calls": 40, "errors": 2, "reasons": ["ConnectionError: x"], "rate": peak})))
    session = object.__new__(io_session._IoSession)  # its files, without starting anything
    session._log, session._base, session._errors = str(log), "local service, 10 ms service time", {}
    session._measured_by = None
    # Loads of 4000-6000 req/s: 2100 is within 50% of the lowest, not of the mean.
    session._probe = {"io.local.capacity_req_s": 5000.0, "io.local.capacity_samples": [4000.0, 5000.0, 6000.0],
                      "io.local.per_call_0ms_samples": [0.0004],
                      "io.probe.calls": 456, "io.probe.errors": 1, "io.probe.error_reasons": ["ReadTimeout: y"]}
    obs = session.observations()
    assert (obs["io.calls"], obs["io.errors"]) == (536, 3)
    assert obs["io.error_reasons"] == ["ReadTimeout: y", "io[threads=16]: ConnectionError: x"]
    assert session.errors() == {"io": "3 of 536 requests failed: ReadTimeout: y; io[threads=16]: ConnectionError: x"}
    assert obs["io.peak_rate_req_s"] == peak and obs["io.near_capacity"] == flagged
    assert ("WARNING" in session.description) == bool(flagged)
    assert session.description.startswith("local service, 10 ms service time, capacity 5000 req/s and 0.40 ms")


def test_probe_figures_taken_with_the_gil_in_another_state_are_dropped_with_the_reason(monkeypatch):
    from bench import ledger
    from bench.harness import io_session

    monkeypatch.delenv("ES_URL", raising=False)
    monkeypatch.setenv(io_session.SERVICE_MS_ENV, "1")
    # As if the run had started with the GIL in the other state than the probe found after its imports.
    session = io_session.open_session([ledger.workload("io")], "fast", gil_enabled=not _gil())
    try:
        obs = session.observations()
    finally:
        session.close()
    assert "after the client's imports" in session.dropped()["io_probe"]
    assert "io.client_cpu_per_call_samples" not in obs and "io.ceiling.threads_samples" not in obs
    assert obs["io.errors"] == 0 and obs["io.concurrent64.calls"] == 256  # counts are kept
