"""Which search backend the I/O workloads talk to, and the local service's process.

``ES_URL`` names a real Elasticsearch; unset, the local search service
(``services.search_service``) is started in a process of its own on a free loopback port and
stopped afterwards.  ``check(url)`` turns every way a URL can be wrong -- nothing answers, it is
not Elasticsearch, or its version is one the installed client cannot talk to -- into one
``BackendError`` line.

Stdlib only (the harness imports it, and it must not import the elasticsearch client):
Python 3.9-compatible.
"""
import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

try:
    from importlib import metadata as _metadata
except ImportError:  # pragma: no cover - Python < 3.8
    _metadata = None

ENV_URL = "ES_URL"
_START_TIMEOUT_S = 15.0
_STOP_GRACE_S = 5.0
_PROBE_TIMEOUT_S = 5.0


class BackendError(Exception):
    """A backend that cannot be used; the message is one line a person can act on."""


def client_major():
    """The major version of the installed elasticsearch client, without importing it (None: not installed)."""
    try:
        return int(_metadata.version("elasticsearch").split(".")[0])
    except Exception:
        return None


def check(url):
    """Ask ``url`` what it is; return (server name, version).  BackendError when it cannot be used."""
    if "://" not in url:
        raise BackendError("ES_URL=%s has no scheme: write it as http://%s (the client needs one since 8.0)"
                           % (url, url))
    major = client_major()
    request = urllib.request.Request(url.rstrip("/") + "/", headers={
        "Accept": "application/vnd.elasticsearch+json; compatible-with=%d" % (major or 8)})
    try:
        with urllib.request.urlopen(request, timeout=_PROBE_TIMEOUT_S) as response:
            product = response.headers.get("X-Elastic-Product")
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise BackendError("%s answered GET / with HTTP %d %s: not a usable Elasticsearch"
                           % (url, exc.code, exc.reason))
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise BackendError("nothing answers at ES_URL=%s (%s); start Elasticsearch (docker compose up -d "
                           "elasticsearch) or unset ES_URL to use the local search service" % (url, reason))
    try:
        info = json.loads(body.decode("utf-8"))
        number = info["version"]["number"]
        server_major = int(number.split(".")[0])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise BackendError("%s answers, but not as Elasticsearch does (no version in GET /)" % url)
    if product != "Elasticsearch":
        raise BackendError("%s is not Elasticsearch (X-Elastic-Product: %s)" % (url, product or "missing"))
    # A client of major N sends compatible-with=N, which servers of major N and N+1 accept.
    if major is not None and not major <= server_major <= major + 1:
        raise BackendError("%s runs Elasticsearch %s, which the installed client %d.x cannot talk to "
                           "(it needs a server %d.x or %d.x)" % (url, number, major, major, major + 1))
    return info.get("name", "?"), number


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
                raise BackendError("the local search service did not start within %.0f s (exit status %s)"
                                   % (_START_TIMEOUT_S, self.proc.poll()))
        except BaseException:
            self.stop()
            raise
        self.url = "http://127.0.0.1:%d" % int(line)
        return self

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
