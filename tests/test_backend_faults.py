"""A backend that misbehaves -- cuts its answer, answers something that is not HTTP, speaks TLS on one
side only, stops answering -- ends a run with one line and exit status 2, in a stated time, never a
traceback or a silent hang.  Every fake server here is a thread of the test, on loopback, stopped
before the test ends."""
import http.server
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from _helpers import child_env

from services import backend

_ROOT = Path(__file__).resolve().parent.parent
# The per-request timeout the fakes' tests run with: every wait below is a few of these.
_TIMEOUT_S = "0.5"
# What a run against a fake may take at most (the test's bound; the run needs a few seconds).
_RUN_BOUND_S = 60


def _env(**extra):
    # ES_URL unset unless the test names one: the caller's real Elasticsearch must not leak in.
    return child_env(**dict({"ES_URL": None}, **extra))


def _run_io(url, tmp_path, **extra):
    """``gilbench run --fast --only io`` with ES_URL=url: (exit status, stderr)."""
    proc = subprocess.run([sys.executable, "-m", "bench.harness", "--fast", "--only", "io", "--out",
                           str(tmp_path / "r")], env=_env(ES_URL=url, **extra), capture_output=True, text=True,
                          timeout=_RUN_BOUND_S)
    return proc.returncode, proc.stderr


def _one_error_line(stderr):
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("gilbench: error: ")]
    assert len(errors) == 1 and stderr.strip().splitlines()[-1] == errors[0], stderr
    return errors[0]


class _Fake:
    """A TCP server on a thread: ``serve(conn, n)`` answers the n-th connection (from 1); a
    connection handler that waits does so on ``released``, set when the server stops."""

    def __init__(self, serve, wrap=None):
        self._serve, self._wrap = serve, wrap
        self.released, self.requests = threading.Event(), 0
        self._lock, self._threads = threading.Lock(), []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self._accepting = threading.Thread(target=self._accept, name="fake-backend")

    def __enter__(self):
        self._accepting.start()
        return self

    def __exit__(self, *exc):
        self.released.set()
        self._accepting.join()
        for t in self._threads:
            t.join()
        self._sock.close()

    def _accept(self):
        count = 0
        while not self.released.is_set():
            try:
                conn, _ = self._sock.accept()
            except socket.timeout:
                continue
            count += 1
            t = threading.Thread(target=self._handle, args=(conn, count), name="fake-backend-conn")
            self._threads.append(t)
            t.start()

    def _handle(self, conn, count):
        conn.settimeout(5)
        try:
            if self._wrap:
                conn = self._wrap(conn)
            self._serve(self, conn, count)
        except (OSError, ssl.SSLError):
            pass
        finally:
            conn.close()

    def next_request(self, conn, buffer):
        """(request line, rest of the buffer) of the next request on ``conn``; (None, b"") at its end."""
        while b"\r\n\r\n" not in buffer:
            data = conn.recv(65536)
            if not data:
                return None, b""
            buffer += data
        head, _, rest = buffer.partition(b"\r\n\r\n")
        with self._lock:
            self.requests += 1
        return head.decode("latin-1"), rest


def _es_answer(request):
    """Elasticsearch's answer to GET / (its version the major the client asks for) or /_cat/indices."""
    major = re.search(r"compatible-with=(\d+)", request)
    if request.startswith("GET / "):
        body = json.dumps({"name": "fake", "cluster_name": "fake", "tagline": "You Know, for Search",
                           "version": {"number": "%s.1.0" % (major.group(1) if major else "8")}}).encode()
        kind = b"application/json"
    else:
        body, kind = b"", b"text/plain; charset=UTF-8"
    return (b"HTTP/1.1 200 OK\r\nX-Elastic-Product: Elasticsearch\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
            % (kind, len(body))) + body


def _answers_then_stops(answers):
    """Answers as Elasticsearch ``answers`` requests (all connections together), then never again."""
    def serve(fake, conn, _):
        buffer = b""
        while True:
            request, buffer = fake.next_request(conn, buffer)
            if request is None:
                return
            if fake.requests > answers:
                fake.released.wait()
                return
            conn.sendall(_es_answer(request))
    return serve


def _cut_mid_body(fake, conn, _):
    fake.next_request(conn, b"")
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Elastic-Product: Elasticsearch\r\nContent-Length: 500\r\n\r\n{\"name\"")


def _not_http(fake, conn, _):
    conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n")  # at once: a server that is not HTTP speaks first


def _url(fake, scheme="http"):
    return "%s://127.0.0.1:%d" % (scheme, fake.port)


@pytest.mark.parametrize("serve, expected", [
    (_cut_mid_body, "the connection closed in the middle of the answer to GET / (IncompleteRead: 7 bytes read, "
                    "493 more expected)"),
    (_not_http, "the answer to GET / is not HTTP (it begins 'SSH-2.0-OpenSSH_9.6')"),
])
def test_a_cut_or_non_http_answer_is_one_line_and_exit_1(tmp_path, serve, expected):
    with _Fake(serve) as fake:
        code, stderr = _run_io(_url(fake), tmp_path)
    line = _one_error_line(stderr)
    assert code == 1 and line == "gilbench: error: ES_URL=%s: %s" % (_url(fake), expected)  # the backend failed
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_https_to_a_plain_http_server_says_use_http():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    try:
        port = server.server_address[1]
        with pytest.raises(backend.BackendError) as caught:
            backend.check("https://127.0.0.1:%d" % port)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert str(caught.value) == ("ES_URL=https://127.0.0.1:%d: the server answers plain HTTP, not TLS: "
                                 "use http://127.0.0.1:%d" % (port, port))


@pytest.fixture
def tls_context(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(str(cert), str(key))
    return context


def _tls_es(fake, conn, _):
    request, _ = fake.next_request(conn, b"")
    if request:
        conn.sendall(_es_answer(request))


def test_http_to_a_tls_server_says_use_https_and_an_untrusted_certificate_is_named(tls_context):
    wrap = lambda conn: tls_context.wrap_socket(conn, server_side=True)  # noqa: E731
    with _Fake(_tls_es, wrap=wrap) as fake:
        with pytest.raises(backend.BackendError) as plain:
            backend.check(_url(fake))
        with pytest.raises(backend.BackendError) as untrusted:
            backend.check(_url(fake, "https"))
    assert str(plain.value) == ("ES_URL=%s: the server looks like TLS, not plain HTTP: use https://127.0.0.1:%d"
                                % (_url(fake), fake.port))
    assert str(untrusted.value).startswith("ES_URL=%s: its TLS certificate is not trusted here (" % _url(fake, "https"))


def test_a_backend_that_stops_answering_ends_the_run_in_a_few_timeouts_with_one_line(tmp_path):
    # The check takes 1 answer, the probe the other 49; then silence.  The run must not wait a
    # timeout per call left: 3 timeouts in a row end it (the bound is _RUN_BOUND_S).
    with _Fake(_answers_then_stops(50)) as fake:
        code, stderr = _run_io(_url(fake), tmp_path, GILBENCH_IO_TIMEOUT_S=_TIMEOUT_S)
    line = _one_error_line(stderr)
    assert code == 1 and line == ("gilbench: error: the backend at %s stopped answering: 3 requests in a row got no "
                                  "answer within 0.5 s (GILBENCH_IO_TIMEOUT_S); the I/O workload was stopped"
                                  % _url(fake))
    assert "gilbench:       I/O: waiting for the backend (" in stderr
    assert not (tmp_path / "r").exists() or not any((tmp_path / "r").iterdir())


@pytest.fixture
def io_workload():
    workload = pytest.importorskip("services.io_workload")
    workload.health.reset()
    yield workload
    workload.health.reset()  # the process's record of timeouts must not reach the next test


def test_threads_stop_after_timeouts_in_a_row_and_count_them(io_workload):
    with _Fake(_answers_then_stops(0)) as fake:
        client = io_workload.make_client(_url(fake), 8, timeout=0.3)
        try:
            with pytest.raises(io_workload.BackendGone) as caught:
                io_workload.run_threads(client, 1000, 8, _url(fake), 0.3)
            with pytest.raises(io_workload.BackendGone):  # and so does the next run, without a wait
                io_workload.run_threads(client, 10, 1, _url(fake), 0.3)
        finally:
            client.close()
    done = caught.value.outcome
    assert 3 <= done.calls == done.errors < 1000
    assert "within 0.3 s (GILBENCH_IO_TIMEOUT_S)" in str(caught.value)
    assert done.reasons and done.reasons[0].startswith("ConnectionTimeout")


def test_an_answer_resets_the_count_of_timeouts(io_workload):
    def every_other(fake, conn, _):  # answers the odd requests, times out on the even ones
        buffer = b""
        while True:
            request, buffer = fake.next_request(conn, buffer)
            if request is None or fake.requests % 2 == 0:
                return fake.released.wait(1.0)
            conn.sendall(_es_answer(request))

    with _Fake(every_other) as fake:
        client = io_workload.make_client(_url(fake), 1, timeout=0.2)
        try:
            outcome = io_workload.run_threads(client, 8, 1, _url(fake), 0.2)
        finally:
            client.close()
    assert (outcome.calls, outcome.errors) == (8, 4)


def test_bm_io_stops_a_value_when_the_backend_stops_answering(tmp_path):
    pytest.importorskip("pyperf")
    log, out = tmp_path / "io.jsonl", tmp_path / "out.json"
    with _Fake(_answers_then_stops(3)) as fake:
        proc = subprocess.run(
            [sys.executable, str(_ROOT / "bench" / "harness" / "benchmarks" / "bm_io.py"), "--debug-single-value",
             "-q", "-o", str(out), "--es-url", _url(fake), "--io-calls", "16", "--io-variants", "fast",
             "--io-log", str(log), "--io-timeout", _TIMEOUT_S], cwd=str(tmp_path), env=_env(),
            capture_output=True, text=True, timeout=_RUN_BOUND_S)
    # The worker says why in one line (pyperf's master then fails with a traceback of its own).
    assert proc.returncode != 0 and "io[threads=1]: the backend at %s stopped answering" % _url(fake) in proc.stderr
    (entry,) = [json.loads(line) for line in log.read_text().splitlines() if "stopped" in line]
    assert "stopped answering: 3 requests in a row got no answer within 0.5 s" in entry["stopped"]
    # The 3 answered (the first opened the thread's connection, before the value), then the 3 timeouts.
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert sum(e["calls"] for e in entries) == 6 and sum(e["errors"] for e in entries) == 3
    assert entry["errors"] == 3 and [e["calls"] for e in entries if e.get("warm_up")] == [1]


@pytest.mark.parametrize("value", ["0", "-1", "nan"])
def test_bm_io_refuses_a_timeout_that_is_not_above_0(tmp_path, value):
    pytest.importorskip("pyperf")
    proc = subprocess.run(
        [sys.executable, str(_ROOT / "bench" / "harness" / "benchmarks" / "bm_io.py"), "--debug-single-value",
         "-q", "-o", str(tmp_path / "out.json"), "--es-url", "http://127.0.0.1:9", "--io-timeout", value],
        cwd=str(tmp_path), env=_env(), capture_output=True, text=True, timeout=_RUN_BOUND_S)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.strip().splitlines()[-1].endswith(
        "error: --io-timeout %s: give the seconds a request may wait, a number > 0" % float(value))
    assert not (tmp_path / "out.json").exists()


def test_a_silent_server_is_nothing_answers_within_the_stated_time():
    with _Fake(_answers_then_stops(0)) as fake:
        os.environ[backend.TIMEOUT_ENV] = _TIMEOUT_S
        try:
            with pytest.raises(backend.BackendError) as caught:
                backend.check(_url(fake))
        finally:
            del os.environ[backend.TIMEOUT_ENV]
    assert caught.value.problem == "nothing answers at ES_URL=%s within 0.5 s (timed out)" % _url(fake)
    assert caught.value.advice.startswith("start Elasticsearch (docker compose up -d elasticsearch)")
    assert str(caught.value) == caught.value.problem + "; " + caught.value.advice


def test_check_names_the_bare_url_without_advice_for_another_caller():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = "http://127.0.0.1:%d" % s.getsockname()[1]
    with pytest.raises(backend.BackendError) as caught:
        backend.check(url, source=None)
    assert str(caught.value).startswith("nothing answers at %s (" % url) and "ES_URL" not in str(caught.value)
    assert caught.value.advice == ""


@pytest.mark.parametrize("url", ["http://127.0.0.1:abc", "ftp://127.0.0.1:9200", "http://:9200"])
def test_a_url_the_client_cannot_use_is_one_line(url):
    with pytest.raises(backend.BackendError, match="is not a URL the client can use: write it as http://HOST:PORT"):
        backend.check(url)


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf", "nan"])
def test_a_bad_timeout_is_refused_in_one_line_and_exit_2(tmp_path, value):
    code, stderr = _run_io("http://127.0.0.1:9", tmp_path, GILBENCH_IO_TIMEOUT_S=value)
    assert code == 2 and _one_error_line(stderr) == (
        "gilbench: error: GILBENCH_IO_TIMEOUT_S=%s: give the time a request to the backend may wait for its answer, "
        "in seconds (a number > 0; default 10)" % value)


def test_the_timeouts_are_stated_in_one_help_line():
    assert "\n" not in backend.TIMEOUT_HELP
    for fact in ("%g s" % backend.REQUEST_TIMEOUT_S, backend.TIMEOUT_ENV, "%g s" % backend.CHECK_TIMEOUT_S,
                 "%d requests in a row" % backend.TIMEOUTS_IN_A_ROW):
        assert fact in backend.TIMEOUT_HELP
