"""The search backend of one run: chosen, checked and (for the local service) started before the
I/O workloads, stopped after them, and described in meta.json's ``io_backend``.

``ES_URL`` names a real Elasticsearch; unset, the run uses two local search services
(``services.local_services``): one at the run's service time (``GILBENCH_IO_SERVICE_MS``, default
10 ms) that the workloads use, and one at 0 ms for the capacity and the per-call probe.  Under
``gilbench matrix`` they are the matrix's, started once by the orchestrating Python for every
column; a run on its own starts a pair of its own.  meta.json's ``io_service`` says which (the
interpreter that ran them, the scope), ``io_backend`` says it in words.  The capacity at 0 ms is
measured by the services' interpreter (``_CAPACITY`` loads), the same in every column.  The probe
(``services.io_probe``) and the pyperf script run as child processes: the official client is
never imported into this process (it must not switch a free-threaded build's GIL here).

Time is bounded and stated: every request waits at most ``services.backend.request_timeout_s()``
(``GILBENCH_IO_TIMEOUT_S``), a backend that stops answering ends the probe after
``TIMEOUTS_IN_A_ROW`` timeouts with one line, and the probe as a whole gets ``_PROBE_TIMEOUT_S``.
The probe's stderr is ours (its progress lines while it waits); its stdout is its JSON answer.

What a session adds to the run: the probe's observations, the errors every value logged, the
peak request rate and whether it came within 50% of the local service's lowest capacity load.
"""
import json
import os
import subprocess
import sys
import tempfile

from bench.children import run_in_group
from bench.progress import progress
from services import backend as _backend, local_services
from services.backend import BackendError

SERVICE_MS_ENV = local_services.SERVICE_MS_ENV
# The local service is not the bottleneck while the run asks less than half of what it can do.
NEAR_CAPACITY = 0.5
_PROBE_TIMEOUT_S = 300
# Probe size per mode: calls for the client's CPU time; loads of the capacity (seconds, how many).
_PROBE = {"fast": "150", "default": "300", "rigorous": "1000"}
_CAPACITY = {"fast": (0.5, 3), "default": (1.0, 3), "rigorous": (1.0, 5)}
_CHILD_ENV = ("GILBENCH_ES_URL", "GILBENCH_IO_LOG")


class Session:
    """No backend: a run without I/O workloads."""
    description = None
    facts = None

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
        self._pair, self._probe, self._dropped, self._errors = None, {}, {}, {}
        self._measured_by = None  # the pair whose capacity was measured before the timings
        fd, self._log = tempfile.mkstemp(prefix="gilbench-io-", suffix=".jsonl")
        os.close(fd)
        url = os.environ.get(_backend.ENV_URL)
        try:
            self.timeout_s = _backend.request_timeout_s()
            if url:
                self.url, pair = url, None
                self.description, self.facts = self._elasticsearch(url)
            else:
                pair = self._local_pair()
                self.url, self.description, self.facts = pair.url, pair.describe(), pair.facts()
            self._base = self.description
            progress("      I/O backend: %s" % self.description)
            self._run_probe(pair)
            for key, value in (("GILBENCH_ES_URL", self.url), ("GILBENCH_IO_LOG", self._log)):
                os.environ[key] = value
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _elasticsearch(url):
        name, version = _backend.check(url)
        if name == "gilbench-local":  # started by `gilbench es start`: its service time is its own
            return "local service (gilbench es start) at %s" % url, {"kind": "gilbench es start", "url": url}
        return ("Elasticsearch %s (node %s) at %s" % (version, name, url),
                {"kind": "elasticsearch", "version": version, "node": name, "url": url})

    def _local_pair(self):
        """The matrix's pair, checked to answer, else one this run starts (and stops)."""
        pair = local_services.Pair.from_env()
        if pair is None:
            self._pair = pair = local_services.Pair.start(local_services.service_ms(), local_services.RUN)
            return pair
        for each in (pair.url, pair.zero_url):
            try:
                _backend.check(each, source=None)
            except BackendError as exc:
                raise BackendError("the matrix's local search service does not answer: %s" % exc.problem)
        return pair

    def _run_probe(self, pair):
        calls = _PROBE[self.mode]
        # Its stderr is the terminal (progress): import warnings (a GIL switched on) are judged, not shown.
        cmd = [sys.executable, "-W", "ignore", "-m", "services.io_probe", "--url", self.url, "--calls", calls,
               "--timeout", repr(self.timeout_s)]
        if pair:
            cmd += ["--zero-url", pair.zero_url, "--service-ms", repr(pair.service_ms)]
        progress("      I/O probe: client CPU per call, 64 concurrent clients%s"
                 % (", capacity at 0 ms (by Python %s)" % pair.version if pair else ""))
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
        if pair:  # the server's, not the client's: kept whatever the GIL did in the probe
            probe.update(_capacity(pair, *_CAPACITY[self.mode]))
            self._measured_by = pair
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
        self._capacity_again(out)
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
            # Against the lowest load, not the mean: the server's capacity drifts with the VM.
            lowest = min([x for x in out.get("io.local.capacity_samples") or () if x > 0] or [capacity])
            out["io.near_capacity"] = int(peak >= NEAR_CAPACITY * lowest)
            per_call = out.get("io.local.per_call_0ms_samples") or [0.0]
            self.description = self._base + ", capacity %.0f req/s and %.2f ms per call from one thread at 0 ms" % (
                capacity, 1000.0 * sum(per_call) / len(per_call))
            if out["io.near_capacity"]:
                self.description += " (WARNING: the run's peak, %.0f req/s, is within 50%% of its lowest " \
                                    "load, %.0f req/s)" % (peak, lowest)
                progress("      I/O: " + self.description)
        return out

    def _capacity_again(self, out):
        """The capacity's loads again, after the timings: the same server drifts with the VM over
        minutes (measured: 3-load means of 37,800-57,500 req/s within two minutes, loads 26,000-65,000),
        so loads taken only before the timings make an interval that a later column's misses."""
        if self._measured_by is None or "io.local.capacity_samples" not in out:
            return
        try:
            after = _capacity(self._measured_by, *_CAPACITY[self.mode])
        except (BackendError, OSError, subprocess.SubprocessError, KeyError, TypeError, ValueError) as exc:
            # The loads before the timings stand alone; the column's timings are not lost for this.
            progress("      I/O: the capacity after the timings was not measured (only the loads before "
                     "them count): %s" % exc)
            return
        if after["io.local.capacity_errors"]:
            progress("      I/O: the capacity after the timings had %d failed requests: not counted (only "
                     "the loads before them count)" % after["io.local.capacity_errors"])
            return
        out.update(_capacity_observations(out["io.local.capacity_samples"] + after["io.local.capacity_samples"],
                                          out["io.local.capacity_responses"] + after["io.local.capacity_responses"],
                                          out["io.local.capacity_errors"]))  # the second loads had none

    def dropped(self):
        return dict(self._dropped)

    def errors(self):
        return dict(self._errors)

    def close(self):
        for key in _CHILD_ENV:
            os.environ.pop(key, None)
        pair, self._pair = self._pair, None
        if pair is not None:
            pair.stop()
        if os.path.exists(self._log):
            os.remove(self._log)


def _answer_of(cmd, url, env=None):
    """The probe's (or the load generator's) JSON answer; BackendError with its one line when it failed."""
    with tempfile.TemporaryFile("w+") as out:
        try:
            code = run_in_group(cmd, _PROBE_TIMEOUT_S, stdout=out, **({"env": env} if env else {}))
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


def _capacity(pair, seconds, repeat):
    """The 0 ms service's capacity, measured by the services' own interpreter: observations."""
    cmd, env = pair.capacity_command(seconds, repeat)
    answer = _answer_of(cmd, pair.zero_url, env=env)
    return _capacity_observations(answer["rates"], answer["responses"], answer["errors"])


def _capacity_observations(rates, responses, errors):
    return {"io.local.capacity_samples": rates, "io.local.capacity_req_s": sum(rates) / len(rates),
            "io.local.capacity_responses": responses, "io.local.capacity_errors": errors}


def open_session(selected, mode, gil_enabled):
    """The backend for ``selected`` workloads: ``Session()`` when none is in the I/O chapter."""
    if not any(w.chapter == "io" for w in selected):
        return Session()
    return _IoSession(mode, gil_enabled)
