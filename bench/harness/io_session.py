"""The search backend of one run: chosen, checked and (for the local service) started before the
I/O workloads, stopped after them, and described in meta.json's ``io_backend``.

``ES_URL`` names a real Elasticsearch; unset, two local search services are started (processes
of their own): one at the run's service time (``GILBENCH_IO_SERVICE_MS``, default 10 ms) that the
workloads use, and one at 0 ms for the capacity and per-call probe.  The probe
(``services.io_probe``) and the pyperf script run as child processes: the official client is
never imported into this process (it must not switch a free-threaded build's GIL here).

Time is bounded and stated: every request waits at most ``services.backend.request_timeout_s()``
(``GILBENCH_IO_TIMEOUT_S``), a backend that stops answering ends the probe after
``TIMEOUTS_IN_A_ROW`` timeouts with one line, and the probe as a whole gets ``_PROBE_TIMEOUT_S``.
The probe's stderr is ours (its progress lines while it waits); its stdout is its JSON answer.

What a session adds to the run: the probe's observations, the errors every value logged, the
peak request rate and whether it came within 50% of the local service's capacity.
"""
import json
import os
import subprocess
import sys
import tempfile

from bench.children import run_in_group
from bench.progress import progress
from services import backend as _backend
from services.backend import BackendError

SERVICE_MS_ENV = "GILBENCH_IO_SERVICE_MS"
# The local service is not the bottleneck while the run asks less than half of what it can do.
NEAR_CAPACITY = 0.5
_PROBE_TIMEOUT_S = 300
# Probe size per mode: calls for the client's CPU time, seconds of load for the capacity.
_PROBE = {"fast": ("150", "0.5"), "default": ("300", "1.0"), "rigorous": ("1000", "2.0")}
_CHILD_ENV = ("GILBENCH_ES_URL", "GILBENCH_IO_LOG")


class Session:
    """No backend: a run without I/O workloads."""
    description = None

    def observations(self):
        return {}

    def dropped(self):
        return {}

    def errors(self):
        return {}

    def close(self):
        pass


class _IoSession(Session):
    def __init__(self, mode, gil_enabled):
        self.mode, self.gil_enabled = mode, gil_enabled
        self._services, self._probe, self._dropped, self._errors = [], {}, {}, {}
        fd, self._log = tempfile.mkstemp(prefix="gilbench-io-", suffix=".jsonl")
        os.close(fd)
        url = os.environ.get(_backend.ENV_URL)
        try:
            self.timeout_s = _backend.request_timeout_s()
            if url:
                name, version = _backend.check(url)
                self.url, zero_url, service_ms = url, None, None
                if name == "gilbench-local":  # started by `gilbench es start`: its service time is its own
                    self.description = "local service (gilbench es start) at %s" % url
                else:
                    self.description = "Elasticsearch %s (node %s) at %s" % (version, name, url)
            else:
                service_ms = _service_ms()
                self.url = self._start(service_ms).url
                zero_url = self._start(0).url
                self.description = self._services[0].describe()
            self._base = self.description
            progress("      I/O backend: %s" % self.description)
            self._run_probe(zero_url, service_ms)
            for key, value in (("GILBENCH_ES_URL", self.url), ("GILBENCH_IO_LOG", self._log)):
                os.environ[key] = value
        except BaseException:
            self.close()
            raise

    def _start(self, service_ms):
        service = _backend.LocalService(service_ms)
        self._services.append(service)
        return service.start()

    def _run_probe(self, zero_url, service_ms):
        calls, seconds = _PROBE[self.mode]
        # Its stderr is the terminal (progress): import warnings (a GIL switched on) are judged, not shown.
        cmd = [sys.executable, "-W", "ignore", "-m", "services.io_probe", "--url", self.url, "--calls", calls,
               "--capacity-s", seconds, "--timeout", repr(self.timeout_s)]
        if zero_url:
            cmd += ["--zero-url", zero_url, "--service-ms", repr(service_ms)]
        progress("      I/O probe: client CPU per call, capacity at 0 ms, 64 concurrent clients")
        probe = _answer_of(cmd, self.url)
        wanted = 1 if self.gil_enabled else 0
        states = {probe.get("io.gil_enabled_after_imports"), probe.get("io.gil_enabled_at_end")}
        if states != {wanted}:
            # The client's imports switched a free-threaded build's GIL: its figures belong to another state.
            self._dropped["io_probe"] = ("observations dropped: the GIL was %s after the client's imports, the run "
                                         "had it %s" % ("on" if 1 in states else "off", "on" if wanted else "off"))
            progress("      " + self._dropped["io_probe"])
            # Counts of calls and errors stay: errors are counted, never dropped.
            kept = ("io.gil_enabled", "io.probe.", "io.concurrent64.")
            probe = {k: v for k, v in probe.items() if k.startswith(kept)}
        self._probe = probe

    def _logged(self):
        calls = errors = 0
        reasons, peak, stopped = [], 0.0, []
        with open(self._log) as f:
            for line in f:
                entry = json.loads(line)
                calls += entry["calls"]
                errors += entry["errors"]
                reasons.extend("%s: %s" % (entry["variant"], r) for r in entry["reasons"][:3 - len(reasons)])
                peak = max(peak, entry["rate"])
                if entry.get("stopped"):
                    stopped.append("%s: %s" % (entry["variant"], entry["stopped"]))
        return calls, errors, reasons, peak, stopped

    def observations(self):
        out = dict(self._probe)
        calls, errors, reasons, peak, stopped = self._logged()
        probe_calls, probe_errors = out.get("io.probe.calls", 0), out.get("io.probe.errors", 0)
        out.update({"io.calls": calls + probe_calls, "io.errors": errors + probe_errors,
                    "io.error_reasons": out.get("io.probe.error_reasons", []) + reasons,
                    "io.peak_rate_req_s": peak})
        if errors + probe_errors:
            # Failed requests return fast and would flatter the speedups: the workload's timings are not judged.
            self._errors["io"] = "%d of %d requests failed: %s" % (errors + probe_errors, calls + probe_calls,
                                                                  "; ".join(out["io.error_reasons"][:3]))
        if stopped:  # the backend stopped answering during the pyperf script: that is the error to state
            self._errors["io"] = stopped[0]
        if "io" in self._errors:
            progress("      I/O: " + self._errors["io"])
        capacity = out.get("io.local.capacity_req_s")
        if capacity:
            out["io.capacity_share"] = peak / capacity
            out["io.near_capacity"] = int(peak >= NEAR_CAPACITY * capacity)
            per_call = out.get("io.local.per_call_0ms_samples") or [0.0]
            self.description = self._base + ", capacity %.0f req/s and %.2f ms per call from one thread at 0 ms" % (
                capacity, 1000.0 * sum(per_call) / len(per_call))
            if out["io.near_capacity"]:
                self.description += " (WARNING: the run's peak, %.0f req/s, is within 50%% of it)" % peak
                progress("      I/O: " + self.description)
        return out

    def dropped(self):
        return dict(self._dropped)

    def errors(self):
        return dict(self._errors)

    def close(self):
        for key in _CHILD_ENV:
            os.environ.pop(key, None)
        services, self._services = self._services, []
        for service in services:
            service.stop()
        if os.path.exists(self._log):
            os.remove(self._log)


def _answer_of(cmd, url):
    """The probe's JSON answer; BackendError with its one line when it failed."""
    with tempfile.TemporaryFile("w+") as out:
        try:
            code = run_in_group(cmd, _PROBE_TIMEOUT_S, stdout=out)
        except subprocess.TimeoutExpired:
            raise BackendError("the I/O probe against %s did not finish within %d s: the backend answers too slowly"
                               % (url, _PROBE_TIMEOUT_S))
        out.seek(0)
        lines = out.read().strip().splitlines()
    try:
        answer = json.loads(lines[-1])
    except (IndexError, ValueError):
        answer = None
    if not isinstance(answer, dict) or code != 0:
        why = answer.get("error") if isinstance(answer, dict) else None
        raise BackendError(why or "the I/O probe against %s exited with %d (its error is above)" % (url, code))
    return answer


def _service_ms():
    text = os.environ.get(SERVICE_MS_ENV, "")
    if not text:
        return 10.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise _backend.ConfigError("%s=%s: give the local service's time per request in ms (a number >= 0)"
                           % (SERVICE_MS_ENV, text))
    return value


def open_session(selected, mode, gil_enabled):
    """The backend for ``selected`` workloads: ``Session()`` when none is in the I/O chapter."""
    if not any(w.chapter == "io" for w in selected):
        return Session()
    return _IoSession(mode, gil_enabled)
