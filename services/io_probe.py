"""What the I/O chapter measures besides the pyperf timings: the client's own CPU time per call,
the ceiling it sets for threads under a GIL, the local service's capacity and per-call time at
0 ms service time, and 64 concurrent clients.  Prints one JSON object of observations.

``python -m services.io_probe --url URL [--service-ms L] [--zero-url URL0]``: ``--url`` is the
backend the workloads use; ``--zero-url`` a local service answering at 0 ms (only for the local
service: a real Elasticsearch's service time is its own, and is measured as per-call wall time
minus the client's CPU time).  Runs in a process of its own (never in the harness), so that
whatever its imports do to the GIL of a free-threaded build stays out of the harness, and is
reported (``io.gil_enabled_after_imports``) for the harness to judge.
"""
import argparse
import json
import sys
import time

from services import io_workload, loadgen

_BATCHES = 5


def _gil():
    probe = getattr(sys, "_is_gil_enabled", None)
    return 1 if probe is None or probe() else 0


def _per_call(client, calls):
    """(wall seconds per call, client CPU seconds per call) of ``calls`` calls on this thread."""
    wall, cpu = time.perf_counter(), time.thread_time()
    outcome = io_workload.run_threads(client, calls, 1)  # one thread: this one
    return (time.perf_counter() - wall) / calls, (time.thread_time() - cpu) / calls, outcome


def probe(url, service_ms=None, zero_url=None, calls=200, capacity_s=1.0, concurrent=64):
    out = {"io.gil_enabled_after_imports": _gil()}
    errors = io_workload.Outcome()
    cpu_url = zero_url or url
    client = io_workload.make_client(cpu_url, 1)
    try:
        _per_call(client, 20)  # warm-up: connection, first-call caches
        walls, cpus = [], []
        for _ in range(_BATCHES):
            wall, cpu, outcome = _per_call(client, max(calls // _BATCHES, 1))
            walls.append(wall)
            cpus.append(cpu)
            errors.add(outcome)
    finally:
        client.close()
    out["io.client_cpu_per_call_samples"] = cpus
    if zero_url:
        out["io.local.per_call_0ms_samples"] = walls
        rate, done, failed = loadgen.capacity(zero_url, capacity_s)
        out.update({"io.local.capacity_req_s": rate, "io.local.capacity_responses": done,
                    "io.local.capacity_errors": failed})
        latency = [service_ms / 1000.0] * len(cpus)
    else:
        out["io.es.per_call_samples"] = walls
        # A real server's service time: the wall time of a call less the client's CPU in it.
        latency = [max(w - c, 0.0) for w, c in zip(walls, cpus)]
    out["io.service_ms"] = 1000.0 * sum(latency) / len(latency)
    # Under a GIL, a thread holds it for c of every L + c seconds: no number of threads can make
    # more than (L + c) / c calls progress at once.
    out["io.ceiling.threads_samples"] = [(lat + c) / c for lat, c in zip(latency, cpus) if c > 0]
    shared = io_workload.make_client(url, concurrent)
    try:
        many = io_workload.run_threads(shared, concurrent * 4, concurrent)
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
    parser.add_argument("--capacity-s", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.zero_url and args.service_ms is None:
        parser.error("--zero-url needs --service-ms (the local service's configured service time)")
    print(json.dumps(probe(args.url, args.service_ms, args.zero_url, args.calls, args.capacity_s)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
