"""The I/O chapter: the note's Elasticsearch test (1,000 es.cat.indices() calls, one thread vs
two), thread scaling, processes, asyncio, and the ceiling a GIL sets for threads.

Its claim lives in the GIL chapter (``gil.io-threads-faster``, and the I/O side of
``gil.threads-no-benefit``); this module holds the workload that measures them.  The backend
is a real Elasticsearch (``ES_URL``) or the local search service (``services/``), started by the
run; see ``bench.harness.io_session``.
"""
from bench.ledger.bounds import speedup_bound
from bench.ledger.derived import mean, ratio, sample_mean
from bench.ledger.vocabulary import Option, Workload, bench_name, grid

# Fast mode (--io-variants fast) keeps the note's pair, the scaling's ends and one of each other
# kind: each variant's crew is started, connected and parked before its values, and that set-up
# (threads, processes, connections) dominates a fast round.
_IO = grid("io", {"threads": (1, 2, 4, 8, 16)}, {"processes": (2, 4, 8, 16)}, {"asyncio": (16,)},
           {"asyncio-httpx": (16,)},
           subsets={"fast": tuple(bench_name("io", threads=k) for k in (1, 2, 8, 16))
                    + (bench_name("io", processes=2), bench_name("io", asyncio=16))})
_ONE_THREAD = _IO.benchmark(threads=1)

# The keys the run's I/O probe observes (bench.harness.io_session), on any interpreter.
_OBSERVED_IO = (
    "io.calls", "io.capacity_share", "io.ceiling.threads_samples", "io.client_cpu_per_call_samples",
    "io.concurrent64.calls", "io.concurrent64.errors", "io.error_reasons", "io.errors",
    "io.gil_enabled_after_imports", "io.gil_enabled_at_end", "io.local.capacity_errors",
    "io.local.capacity_req_s", "io.local.capacity_responses", "io.local.capacity_samples",
    "io.local.per_call_0ms_samples",
    "io.near_capacity", "io.peak_rate_req_s", "io.probe.calls", "io.probe.error_reasons", "io.probe.errors",
    "io.service_ms",
)

WORKLOADS = (
    Workload(
        "io", "io", "io.", observes=_OBSERVED_IO, script="bm_io.py",
        # The service's timings are part of what is measured: a new revision is a new fingerprint.
        service="2: asyncio on select(), not epoll",
        # A value is the seconds per call of a variant (its crew of workers started and parked
        # before the clock).  Calls per value: at least --io-calls (the note's 1,000 on one and on
        # two threads in rigorous mode; fewer in the others: one thread at 10 ms takes 10 s per
        # 1,000 calls), and at least --io-per-worker on each worker, so that the last worker's
        # tail is a small part of a value at 8 and 16 workers (at 3 calls a thread it cost 10-25%).
        script_args={"fast": ("--io-calls", "32", "--io-per-worker", "16", "--io-variants", "fast"),
                     "default": ("--io-calls", "128", "--io-per-worker", "32"),
                     "rigorous": ("--io-calls", "1000", "--io-per-worker", "64")},
        derived=(
            ("io.single_per_call_s", mean(_ONE_THREAD)),
            ("io.client_cpu_per_call_s", sample_mean("io.client_cpu_per_call_samples")),
            ("io.ceiling.threads", sample_mean("io.ceiling.threads_samples")),
            ("io.local.per_call_0ms_s", sample_mean("io.local.per_call_0ms_samples")),
            ("io.es.per_call_s", sample_mean("io.es.per_call_samples")),
        ) + tuple(
            ("io.speedup.threads%d" % k, ratio(_ONE_THREAD, _IO.benchmark(threads=k))) for k in (2, 4, 8, 16)
        ) + tuple(
            ("io.speedup.processes%d" % k, ratio(_ONE_THREAD, _IO.benchmark(processes=k))) for k in (2, 4, 8, 16)
        ) + (
            ("io.speedup.asyncio16", ratio(_ONE_THREAD, _IO.benchmark(asyncio=16))),
            ("io.speedup.asyncio16_httpx", ratio(_ONE_THREAD, _IO.benchmark(**{"asyncio-httpx": 16}))),
            # For I/O, one event loop against 16 threads on the same calls: above 1, async is faster.
            ("io.asyncio16_vs_threads16", ratio(_IO.benchmark(threads=16), _IO.benchmark(asyncio=16))),
        ),
        grid=_IO,
        options=(
            Option("--es-url", "str", "", "backend URL (default: $GILBENCH_ES_URL, set by gilbench run)",
                   env="GILBENCH_ES_URL"),
            Option("--io-calls", "int", 1000, "calls per value at least (default: the note's 1,000)"),
            Option("--io-per-worker", "int", 16, "calls per worker (thread, process, task) per value at least"),
            Option("--io-variants", "str", "full", "the benchmarks to time: all, or the fast subset",
                   choices=("full", "fast")),
            Option("--io-log", "str", "", "file to append each value's calls and errors to", env="GILBENCH_IO_LOG"),
            Option("--io-timeout", "float", None, "seconds a request may wait for its answer (default: "
                   "$GILBENCH_IO_TIMEOUT_S, else services.backend.REQUEST_TIMEOUT_S)"),
        ),
    ),
)

# What physics allows (bench.ledger.bounds): k workers, each waiting the service time per call as one
# does, make calls at most k times as fast; waiting takes no CPU, so the CPUs do not bound them.
_SLOW_BASELINE = "the one-worker baseline was slower per call than each of the workers (systematic, not drift)"
PHYSICAL = tuple(speedup_bound("io.speedup.%s%d" % (kind, k), k, why="I/O %s waiting on the service" % kind,
                               on_cpus=False, cause=_SLOW_BASELINE)
                 for kind in ("threads", "processes") for k in (2, 4, 8, 16)) + tuple(
    speedup_bound(m, 16, why="asyncio tasks waiting on the service", on_cpus=False, cause=_SLOW_BASELINE)
    for m in ("io.speedup.asyncio16", "io.speedup.asyncio16_httpx"))
