"""The I/O chapter: the note's Elasticsearch test (1,000 es.cat.indices() calls, one thread vs
two), thread scaling, processes, asyncio, and the ceiling a GIL sets for threads.

Its claim lives in the GIL chapter (``gil.io-threads-faster``, and the I/O side of
``gil.threads-no-benefit``); this module holds the workload that measures them.  The backend
is a real Elasticsearch (``ES_URL``) or the local search service (``services/``), started by the
run; see ``bench.harness.io_session``.
"""
from bench.ledger.vocabulary import Workload, mean, ratio, sample_mean

_ONE_THREAD = "io[threads=1]"

WORKLOADS = (
    Workload(
        "io", "io", "io.", script="bm_io.py",
        # Calls per value: the note's 1,000 in rigorous mode; fewer in the others (one thread at
        # 10 ms takes 10 s per 1,000 calls, and every value is repeated in every round).  48 and 128
        # split evenly over 16 threads or tasks: an uneven split would cap their speedup below 16.
        script_args={"fast": ("--io-calls", "48", "--io-variants", "fast"),
                     "default": ("--io-calls", "128"),
                     "rigorous": ("--io-calls", "1000")},
        derived=(
            ("io.single_mean_s", mean(_ONE_THREAD)),
            ("io.client_cpu_per_call_s", sample_mean("io.client_cpu_per_call_samples")),
            ("io.ceiling.threads", sample_mean("io.ceiling.threads_samples")),
            ("io.local.per_call_0ms_s", sample_mean("io.local.per_call_0ms_samples")),
            ("io.es.per_call_s", sample_mean("io.es.per_call_samples")),
        ) + tuple(
            ("io.speedup.threads%d" % k, ratio(_ONE_THREAD, "io[threads=%d]" % k)) for k in (2, 4, 8, 16)
        ) + tuple(
            ("io.speedup.processes%d" % k, ratio(_ONE_THREAD, "io[processes=%d]" % k)) for k in (2, 4, 8, 16)
        ) + (
            ("io.speedup.asyncio16", ratio(_ONE_THREAD, "io[asyncio=16]")),
            ("io.speedup.asyncio16_httpx", ratio(_ONE_THREAD, "io[asyncio-httpx=16]")),
            # For I/O, one event loop against 16 threads on the same calls: above 1, async is faster.
            ("io.asyncio16_vs_threads16", ratio("io[threads=16]", "io[asyncio=16]")),
        ),
    ),
)
