"""What the I/O chapter measures besides the pyperf timings: the client's own CPU time per call,
the ceiling it sets for threads under a GIL, the local service's per-call time at 0 ms service
time, and 64 concurrent clients.  Prints one JSON object of observations.  (The service's
capacity is the run's to measure, with the service's own interpreter: ``services.local_services``.)

``python -m services.io_probe --url URL [--service-ms L] [--zero-url URL0] [--timeout S]``: ``--url`` is the
backend the workloads use; ``--zero-url`` a local service answering at 0 ms (only for the local
service: a real Elasticsearch's service time is its own, and is measured as per-call wall time
minus the client's CPU time).  Runs in a process of its own (never in the harness), so that
whatever its imports do to the GIL of a free-threaded build stays out of the harness, and is
reported (``io.gil_enabled_after_imports``) for the harness to judge.

Each request waits at most ``--timeout`` seconds (default: ``services.backend.request_timeout_s()``);
while requests wait without an answer, a progress line goes to stderr every ``_PROGRESS_EVERY_S``;
a backend that stops answering ends the probe within ``TIMEOUTS_IN_A_ROW`` timeouts, with
``{"error": "<one line>"}`` on stdout and exit status 2.  Stderr carries progress: the client's
log records are kept off it (and its warnings, by the harness's ``-W ignore``).
"""
import argparse
import json
import logging
import sys
import threading
import time

from services.backend import BackendError, request_timeout_s

try:
    from services import io_workload
except ImportError as _missing:  # the client or its HTTP libraries are not installed here: said in main()
    io_workload, _IMPORT_ERROR = None, _missing
else:
    _IMPORT_ERROR = None

_BATCHES = 5
_PROGRESS_EVERY_S = 10.0


def _gil():
    probe = getattr(sys, "_is_gil_enabled", None)
    return 1 if probe is None or probe() else 0


def _per_call(client, calls, url, timeout):
    """(wall seconds per call, client CPU seconds per call) of ``calls`` calls on this thread."""
    wall, cpu = time.perf_counter(), time.thread_time()
    outcome = io_workload.run_threads(client, calls, 1, url, timeout)  # one thread: this one
    return (time.perf_counter() - wall) / calls, (time.thread_time() - cpu) / calls, outcome


class _Waiting(threading.Thread):
    """Says on stderr, every ``every`` seconds of it, how long the requests in flight have had no answer."""

    def __init__(self, every):
        super().__init__(name="io-probe-progress", daemon=True)
        self._every, self._done = every, threading.Event()

    def run(self):
        said = 0  # lines said during this wait
        while not self._done.wait(self._every / 8):
            silent = io_workload.health.silent_s()
            if silent < self._every:
                said = 0
            elif silent >= (said + 1) * self._every:
                said = int(silent // self._every)
                print("gilbench:       I/O: waiting for the backend (%.0f s without a whole answer)..." % silent,
                      file=sys.stderr, flush=True)

    def stop(self):
        self._done.set()
        self.join()


def probe(url, service_ms=None, zero_url=None, calls=200, concurrent=64, timeout=None):
    """The observations; BackendGone when the backend stops answering."""
    timeout = timeout or request_timeout_s()
    waiting = _Waiting(min(_PROGRESS_EVERY_S, timeout))
    waiting.start()
    try:
        return _probe(url, service_ms, zero_url, calls, concurrent, timeout)
    finally:
        waiting.stop()


def _probe(url, service_ms, zero_url, calls, concurrent, timeout):
    out = {"io.gil_enabled_after_imports": _gil()}
    errors = io_workload.Outcome()
    cpu_url = zero_url or url
    client = io_workload.make_client(cpu_url, 1, timeout)
    try:
        _per_call(client, 20, cpu_url, timeout)  # warm-up: connection, first-call caches
        walls, cpus = [], []
        for _ in range(_BATCHES):
            wall, cpu, outcome = _per_call(client, max(calls // _BATCHES, 1), cpu_url, timeout)
            walls.append(wall)
            cpus.append(cpu)
            errors.add(outcome)
    finally:
        client.close()
    out["io.client_cpu_per_call_samples"] = cpus
    if zero_url:
        out["io.local.per_call_0ms_samples"] = walls
        latency = [service_ms / 1000.0] * len(cpus)
    else:
        out["io.es.per_call_samples"] = walls
        # A real server's service time: the wall time of a call less the client's CPU in it.
        latency = [max(w - c, 0.0) for w, c in zip(walls, cpus)]
    out["io.service_ms"] = 1000.0 * sum(latency) / len(latency)
    # Under a GIL, a thread holds it for c of every L + c seconds: no number of threads can make
    # more than (L + c) / c calls progress at once.
    out["io.ceiling.threads_samples"] = [(lat + c) / c for lat, c in zip(latency, cpus) if c > 0]
    shared = io_workload.make_client(url, concurrent, timeout)
    try:
        many = io_workload.run_threads(shared, concurrent * 4, concurrent, url, timeout)
    finally:
        shared.close()
    out.update({"io.concurrent64.calls": many.calls, "io.concurrent64.errors": many.errors})
    errors.add(many)
    out.update({"io.probe.calls": errors.calls, "io.probe.errors": errors.errors,
                "io.probe.error_reasons": errors.reasons, "io.gil_enabled_at_end": _gil()})
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.io_probe", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--service-ms", type=float)
    parser.add_argument("--zero-url")
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--timeout", type=float, help="seconds a request may wait for its answer")
    args = parser.parse_args(argv)
    if args.zero_url and args.service_ms is None:
        parser.error("--zero-url needs --service-ms (the local service's configured service time)")
    if _IMPORT_ERROR is not None:
        print(json.dumps({"error": "the I/O probe cannot import the elasticsearch client or its HTTP libraries (%s): "
                                   "install them for %s (pip install elasticsearch aiohttp httpx)"
                                   % (_IMPORT_ERROR, sys.executable)}))
        return 2
    # Stderr is the user's terminal (progress lines): a log record per failing request would bury
    # them, and the failures are counted in the observations anyway.
    logging.getLogger("elastic_transport").addHandler(logging.NullHandler())
    try:
        out = probe(args.url, args.service_ms, args.zero_url, args.calls, timeout=args.timeout)
    except (io_workload.BackendGone, BackendError, OSError) as exc:
        print(json.dumps({"error": _one_line(exc, args.zero_url or args.url)}))
        return 2
    print(json.dumps(out))
    return 0


def _one_line(exc, url):
    if isinstance(exc, (io_workload.BackendGone, BackendError)):
        return str(exc)
    return "the I/O probe could not reach %s (%s: %s)" % (url, type(exc).__name__, exc)


if __name__ == "__main__":
    sys.exit(main())
