"""The local search services of a run, and the one interpreter that runs them.

Two services: one at the run's service time (``SERVICE_MS_ENV``, default 10 ms) that the
workloads call, one at 0 ms for the probe's per-call time and the capacity.  A matrix starts them
once (``Pair.start(scope=MATRIX)``), with its own Python (the orchestrating one), before its
first column, and stops them after its last: every column talks to the same two servers run by
the same binary, so that what differs between columns is the client.  The matrix hands them to
each column's ``gilbench run`` in the environment (``Pair.env()``; ``Pair.from_env()`` reads it
back); a ``gilbench run`` on its own starts a pair of its own with its interpreter (``RUN``).

The capacity is measured by the pair's interpreter as well (``capacity_command``): a raw-socket
load generator (``services.loadgen``) run by the measured interpreter would make the capacity a
property of the column, not of the server.

Stdlib only, Python 3.9-compatible (the harness imports it inside measured interpreters).
"""
import os
import platform
import sys

from services import search_service
from services.backend import BackendError, LocalService, setting

SERVICE_MS_ENV = "GILBENCH_IO_SERVICE_MS"
DEFAULT_SERVICE_MS = 10.0
# What a matrix hands its columns: the two URLs, the service time, and who runs the services.
URL_ENV = "GILBENCH_IO_SERVICE_URL"
ZERO_URL_ENV = "GILBENCH_IO_ZERO_URL"
PYTHON_ENV = "GILBENCH_IO_SERVICE_PYTHON"
VERSION_ENV = "GILBENCH_IO_SERVICE_VERSION"
ENVS = (URL_ENV, ZERO_URL_ENV, PYTHON_ENV, VERSION_ENV)
MATRIX, RUN = "matrix", "run"
_SCOPE_WORDS = {MATRIX: "started once for every column of the matrix", RUN: "started by this run"}
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def service_ms():
    """The workloads' service time in ms: ``GILBENCH_IO_SERVICE_MS``, else 10; ConfigError (a setting given
    wrong: exit status 2) when it is not a number >= 0."""
    return setting(SERVICE_MS_ENV, DEFAULT_SERVICE_MS, lambda v: v >= 0,
                   "give the local service's time per request in ms (a number >= 0)")


class Pair:
    """The two local services of a run, the interpreter that runs them, and the scope they were
    started for (``MATRIX`` or ``RUN``).  Only a pair that ``start`` made stops them."""

    def __init__(self, service_ms, url, zero_url, python, version, scope, services=()):
        self.service_ms, self.url, self.zero_url = float(service_ms), url, zero_url
        self.python, self.version, self.scope = python, version, scope
        self._services = list(services)

    @classmethod
    def start(cls, ms, scope):
        """Both services, run by this interpreter; BackendError when one cannot start."""
        started = []
        try:
            for each in (ms, 0.0):
                started.append(LocalService(each).start())
        except BaseException:
            for service in started:
                service.stop()
            raise
        return cls(ms, started[0].url, started[1].url, sys.executable, platform.python_version(), scope, started)

    @classmethod
    def from_env(cls):
        """The pair a matrix handed this run, or None; BackendError when what it handed is incomplete."""
        if not os.environ.get(URL_ENV):
            return None
        missing = [name for name in ENVS if not os.environ.get(name)]
        if missing:
            raise BackendError("%s is set but %s is not: run gilbench matrix, or unset %s"
                               % (URL_ENV, ", ".join(missing), URL_ENV))
        return cls(service_ms(), os.environ[URL_ENV], os.environ[ZERO_URL_ENV], os.environ[PYTHON_ENV],
                   os.environ[VERSION_ENV], MATRIX)

    def alive(self):
        """False when a service this pair started has exited."""
        return all(s.proc is not None and s.proc.poll() is None for s in self._services)

    def env(self):
        return {URL_ENV: self.url, ZERO_URL_ENV: self.zero_url, PYTHON_ENV: self.python, VERSION_ENV: self.version,
                SERVICE_MS_ENV: repr(self.service_ms)}

    def facts(self):
        """What meta.json records of the backend (``io_service``)."""
        return {"kind": "local", "service_ms": self.service_ms, "python": self.python, "python_version": self.version,
                "scope": self.scope, "url": self.url, "zero_url": self.zero_url,
                "selector": search_service.SELECTOR, "revision": search_service.REVISION}

    def describe(self):
        ms = ("%g" % self.service_ms) if self.service_ms == int(self.service_ms) else ("%.3g" % self.service_ms)
        return "local service, %s ms service time, run by Python %s (%s), %s" % (
            ms, self.version, self.python, _SCOPE_WORDS[self.scope])

    def capacity_command(self, seconds, repeat):
        """The command that measures the 0 ms service's capacity, run by the pair's interpreter,
        and its environment."""
        env = dict(os.environ)
        # The column's PYTHON_GIL (0 on a free-threaded column) is not the services' interpreter's: a GIL
        # build refuses PYTHON_GIL=0 at start, and the server must run alike for every column.
        env.pop("PYTHON_GIL", None)
        env["PYTHONPATH"] = _ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        return [self.python, "-m", "services.loadgen", "--url", self.zero_url, "--seconds", repr(seconds),
                "--repeat", str(repeat)], env

    def stop(self):
        services, self._services = self._services, []
        for service in services:
            service.stop()
