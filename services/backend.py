"""Which search backend the I/O workloads talk to, and the local service's process.

``ES_URL`` names a real Elasticsearch; unset, the local search service
(``services.search_service``) is started in a process of its own on a free loopback port and
stopped afterwards.  ``check(url)`` turns every way a URL can be wrong -- nothing answers, the
answer is cut or is not HTTP, TLS on one side only, it is not Elasticsearch, or its version is
one the installed client cannot talk to -- into one ``BackendError`` line.

Every request to a backend has a stated time limit: ``request_timeout_s()`` (``REQUEST_TIMEOUT_S``,
or ``GILBENCH_IO_TIMEOUT_S``) for the workloads' requests, at most ``CHECK_TIMEOUT_S`` for the
check; ``TIMEOUT_HELP`` says so in one line for ``gilbench run --help``.

Stdlib only (the harness imports it, and it must not import the elasticsearch client):
Python 3.9-compatible.
"""
import http.client
import json
import os
import select
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

try:
    from importlib import metadata as _metadata
except ImportError:  # pragma: no cover - Python < 3.8
    _metadata = None

ENV_URL = "ES_URL"
TIMEOUT_ENV = "GILBENCH_IO_TIMEOUT_S"
# A workload's request waits this long for its answer; the check of a URL at most CHECK_TIMEOUT_S.
REQUEST_TIMEOUT_S = 10.0
CHECK_TIMEOUT_S = 5.0
# This many requests in a row without an answer stop the I/O workload (services.io_workload).
TIMEOUTS_IN_A_ROW = 3
TIMEOUT_HELP = ("I/O: each read of an answer from the backend waits at most %g s (%s=S to change it), "
                "the check of ES_URL at most %g s; %d requests in a row without an answer stop the I/O workload; "
                "a backend that drips its answers a byte at a time is bounded only by the probe's 300 s and "
                "a pyperf round's 1800 s" % (REQUEST_TIMEOUT_S, TIMEOUT_ENV, CHECK_TIMEOUT_S, TIMEOUTS_IN_A_ROW))
_START_TIMEOUT_S = 15.0
_STOP_GRACE_S = 5.0
# GET / of Elasticsearch is well under a kilobyte: more is not Elasticsearch, and is not read.
_INFO_MAX_BYTES = 1 << 20
_ADVICE = "start Elasticsearch (docker compose up -d elasticsearch) or unset ES_URL to use the local search service"
# OpenSSL's words for a TLS handshake that got plain HTTP back (they vary by OpenSSL version).
_PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure", "http request",
                     "packet length too long", "unknown protocol")


class BackendError(Exception):
    """A backend that cannot be used; the message is one line a person can act on.

    ``str()`` is what is wrong and what to do about it (the advice about ES_URL, may be empty),
    joined; ``problem`` is what is wrong alone, for a caller that puts it in words of its own
    (``gilbench es status``)."""

    def __init__(self, problem, advice=""):
        self.problem, self.advice = problem, advice
        super().__init__(problem + ("; " + advice if advice else ""))


class ConfigError(BackendError):
    """A setting of the backend (an environment variable's value) that cannot be used as given: a
    wrong command line, exit status 2, where a backend that fails is exit status 1."""


def setting(name, default, accepts, advice):
    """The number in environment variable ``name`` (``default`` when unset or empty); ConfigError
    "NAME=text: advice" when it is not a finite number that ``accepts``."""
    text = os.environ.get(name, "")
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (value < float("inf") and accepts(value)):
        raise ConfigError("%s=%s: %s" % (name, text, advice))
    return value


def request_timeout_s():
    """The workloads' per-request timeout in seconds: ``GILBENCH_IO_TIMEOUT_S`` or ``REQUEST_TIMEOUT_S``."""
    return setting(TIMEOUT_ENV, REQUEST_TIMEOUT_S, lambda v: v > 0,
                   "give the time a request to the backend may wait for its answer, in seconds "
                   "(a number > 0; default %g)" % REQUEST_TIMEOUT_S)


def client_major():
    """The major version of the installed elasticsearch client, without importing it (None: not installed)."""
    try:
        return int(_metadata.version("elasticsearch").split(".")[0])
    except Exception:
        return None


def check(url, source=ENV_URL):
    """Ask ``url`` what it is; return (server name, version).  BackendError when it cannot be used.

    ``source`` names where the URL came from, for the messages ("ES_URL=http://..."), and adds the
    advice about ES_URL; ``source=None``: the messages name the bare URL and carry no advice."""
    label = "%s=%s" % (source, url) if source else url
    advice = _ADVICE if source == ENV_URL else ""
    parts = _parse(url, label)
    timeout = min(CHECK_TIMEOUT_S, request_timeout_s())
    major = client_major()
    request = urllib.request.Request(url.rstrip("/") + "/", headers={
        "Accept": "application/vnd.elasticsearch+json; compatible-with=%d" % (major or 8)})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            product = response.headers.get("X-Elastic-Product")
            body = _read_body(response)
    except urllib.error.HTTPError as exc:
        raise BackendError("%s answered GET / with HTTP %d %s: not a usable Elasticsearch"
                           % (label, exc.code, exc.reason))
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        raise _transport_error(exc, parts, label, advice, timeout)
    return _identify(body, product, label, major)


def _parse(url, label):
    if "://" not in url:
        raise BackendError("%s has no scheme: write it as http://%s (the client needs one since 8.0)" % (label, url))
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        port = -1
    if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
        raise BackendError("%s is not a URL the client can use: write it as http://HOST:PORT or https://HOST:PORT"
                           % label)
    return parts


def _read_body(response):
    # read(n) returns what came before the server closed, without a word: compare with Content-Length.
    expected = response.length
    body = response.read(_INFO_MAX_BYTES)
    if expected is not None and len(body) < min(expected, _INFO_MAX_BYTES):
        raise http.client.IncompleteRead(body, expected - len(body))
    return body


def _identify(body, product, label, major):
    try:
        info = json.loads(body.decode("utf-8"))
        number = info["version"]["number"]
        server_major = int(number.split(".")[0])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackendError("%s answers, but not as Elasticsearch does (no version in GET /)" % label)
    if product != "Elasticsearch":
        raise BackendError("%s is not Elasticsearch (X-Elastic-Product: %s)" % (label, product or "missing"))
    # A client of major N sends compatible-with=N, which servers of major N and N+1 accept.
    if major is not None and not major <= server_major <= major + 1:
        raise BackendError("%s runs Elasticsearch %s, which the installed client %d.x cannot talk to "
                           "(it needs a server %d.x or %d.x)" % (label, number, major, major, major + 1))
    return info.get("name", "?"), number


def _transport_error(exc, parts, label, advice, timeout):
    """The BackendError for a failed GET /: what happened on the wire, in words."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException) else exc
    kind = type(reason).__name__
    if isinstance(reason, ssl.SSLCertVerificationError):
        return BackendError("%s: its TLS certificate is not trusted here (%s)"
                            % (label, getattr(reason, "verify_message", "") or reason))
    if isinstance(reason, ssl.SSLError) and any(sign in str(reason) for sign in _PLAIN_HTTP_SIGNS):
        return BackendError("%s: the server answers plain HTTP, not TLS: use http://%s" % (label, parts.netloc))
    if isinstance(reason, (socket.timeout, TimeoutError)):
        return BackendError("nothing answers at %s within %g s (%s)" % (label, timeout, reason or "timed out"),
                            advice)
    if isinstance(reason, http.client.IncompleteRead):
        return BackendError("%s: the connection closed in the middle of the answer to GET / (IncompleteRead: %d "
                            "bytes read, %s more expected)" % (label, len(reason.partial), reason.expected))
    if isinstance(reason, (http.client.BadStatusLine, ConnectionResetError)) and parts.scheme == "http" \
            and _speaks_tls(parts, timeout):
        return BackendError("%s: the server looks like TLS, not plain HTTP: use https://%s" % (label, parts.netloc))
    if isinstance(reason, http.client.RemoteDisconnected):
        return BackendError("%s: the connection closed before any answer to GET / (RemoteDisconnected)" % label)
    if isinstance(reason, http.client.BadStatusLine):
        return BackendError("%s: the answer to GET / is not HTTP (it begins %s)" % (label, _shown(reason)))
    if isinstance(reason, http.client.HTTPException):
        return BackendError("%s: the answer to GET / is not valid HTTP (%s: %s)" % (label, kind, str(reason)[:200]))
    if isinstance(reason, ConnectionResetError):
        return BackendError("%s: the connection was reset during GET / (ConnectionResetError)" % label)
    return BackendError("nothing answers at %s (%s)" % (label, str(reason)[:200] or kind), advice)


def _shown(bad_status):
    line = str(bad_status.args[0] if bad_status.args else "").strip()
    return repr(line[:40]) if line else "with nothing: the server closed the connection"


def _speaks_tls(parts, timeout):
    """True when a TLS handshake with the server succeeds (its certificate unchecked: only the protocol matters)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=timeout) as raw:
            with context.wrap_socket(raw, server_hostname=parts.hostname):
                return True
    except (OSError, ValueError):
        return False


class LocalService:
    """The local search service in a process of its own (its own session: it never gets the
    terminal's Ctrl-C, and ``stop()`` ends it); a context manager."""

    def __init__(self, service_ms, python=None, stderr=None, detached=False):
        self.service_ms = float(service_ms)
        self._detached = detached  # True: it outlives us (gilbench es start); else it ends when we do
        self._python = python or sys.executable
        self._stderr = stderr  # where its errors go (default: ours)
        self.proc = None
        self.url = None

    def start(self):
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = dict(os.environ)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        # Unbuffered: the port line must arrive at once.
        cmd = [self._python, "-u", "-m", "services.search_service", "--port", "0", "--service-ms",
               repr(self.service_ms)]
        if not self._detached:
            cmd += ["--parent-pid", str(os.getpid())]
        self.proc = subprocess.Popen(cmd,
                                     stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=self._stderr, env=env,
                                     start_new_session=True)
        try:
            ready, _, _ = select.select([self.proc.stdout], [], [], _START_TIMEOUT_S)
            line = self.proc.stdout.readline().strip() if ready else b""
            if not line.isdigit():
                raise self._start_error(ready, line)
        except BaseException:
            self.stop()
            raise
        self.url = "http://127.0.0.1:%d" % int(line)
        return self

    def _start_error(self, ready, line):
        """Why the port line did not come: it exited (with which status, where its errors went) or hangs."""
        status = self.proc.poll()
        if status is None and ready and not line:  # its stdout closed: it is exiting, let it finish
            try:
                status = self.proc.wait(_STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                pass
        if status is None:
            said = " (it printed %r, not its port)" % line[:80].decode("ascii", "replace") if line else ""
            return BackendError("the local search service did not start within %.0f s%s" % (_START_TIMEOUT_S, said))
        # stderr None: its errors went to ours, and the user has just seen them.
        log = getattr(self._stderr, "name", None)
        where = "; its errors are in %s" % log if isinstance(log, str) else ""
        how = "exited at once with status %d" % status if status >= 0 else "was killed by signal %d" % -status
        return BackendError("the local search service %s%s" % (how, where))

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(_STOP_GRACE_S)
                except subprocess.TimeoutExpired:
                    proc.kill()
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            proc.stdout.close()

    def describe(self):
        return "local service, %s ms service time" % _fmt_ms(self.service_ms)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _fmt_ms(ms):
    return ("%g" % ms) if ms == int(ms) else ("%.3g" % ms)


def wait_until_gone(pid, timeout):
    """True when process ``pid`` is gone within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False
