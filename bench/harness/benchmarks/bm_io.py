"""pyperf: the note's I/O test -- es.cat.indices() calls with the official client -- on 1, 2, 4, 8,
16 threads sharing one client (a connection per thread), the same calls from processes (a client
each), and the async client with 16 tasks on one event loop (aiohttp; httpx too outside fast
mode), all against the backend the run started (``GILBENCH_ES_URL``).  The benchmarks are the io
workload's grid; ``--io-variants fast`` times its fast subset.

Each variant's workers are a crew (``services.io_workload``): started, connected and parked on
the first value (pyperf's warm-up, not kept), then released together for each value, so that a
value times the calls alone.  Every worker makes the same number of calls per value: an even
share of ``--io-calls``, and at least ``--io-per-worker``.  A value is the seconds per call
(the value's time over its calls): variants make different numbers of calls, and the speedup
of k workers is the one-worker time per call over theirs.

Every value appends one JSON line to ``GILBENCH_IO_LOG`` (calls, errors and their reasons, the
request rate): the run counts the failed requests; a timing is never silently cleaned.
In the process that times (a pyperf worker: one per benchmark, or a round's one process) the
client and its HTTP libraries are imported before the Runner is made, so
the GIL state recorded in every run's metadata is the one after those imports (the judging side
drops timings taken with the GIL in another state than the column's), and ``bench_all_self_timed``
refuses values if it flips later.  pyperf's master process times nothing and skips those imports.
Each variant's crew is closed as soon as the variant is timed: in one process, the 16 parked threads
of one variant never sit beside the next variant's timing.

Each request waits at most ``--io-timeout`` seconds (default ``$GILBENCH_IO_TIMEOUT_S``, else
``services.backend.REQUEST_TIMEOUT_S``); when the backend stops answering, the value in progress
is stopped (``io_workload.BackendGone``), its one-line reason logged as ``stopped``, and the
worker exits with it.
"""
import json
import sys
import time

from bench.harness.pyperf_script import bench_all_self_timed, grid, make_runner
from services import backend as _backend

# The async HTTP library of each async benchmark of the grid (its tasks: the benchmark's value).
_ASYNC_NODES = {"asyncio": "aiohttp", "asyncio-httpx": "httpxasync"}
io_workload = None  # services.io_workload, imported only where values are timed (_TIMING_FLAGS)
_TIMING_FLAGS = ("--worker", "--in-process")  # pyperf 2.11 has both


class _Logged:
    """One variant: its crew (made on the first value, pyperf's warm-up, which is not kept), and its
    timed values, each appended to the log; a value is the seconds per call."""

    def __init__(self, name, log, make, workers, per_worker):
        self.__name__ = name
        self._log, self._make = log, make
        self.workers, self.per_worker = workers, per_worker
        self._crew = None

    def __call__(self, loops):
        total = 0.0
        try:
            if self._crew is None:
                self._crew = self._make()
                warm = self._crew.warm_up  # the calls that opened the connections are counted like any other
                self._write({"variant": self.__name__, "calls": warm.calls, "errors": warm.errors,
                             "reasons": warm.reasons, "rate": 0, "warm_up": True})
            for _ in range(loops):
                seconds, outcome = self._crew.run(self.per_worker)
                self._write({"variant": self.__name__, "calls": outcome.calls, "errors": outcome.errors,
                             "reasons": outcome.reasons, "rate": outcome.calls / seconds if seconds > 0 else 0})
                total += seconds
        except io_workload.BackendGone as exc:
            done = exc.outcome or io_workload.Outcome()  # its failed requests are counted too
            self._write({"variant": self.__name__, "calls": done.calls, "errors": done.errors,
                         "reasons": done.reasons, "rate": 0, "stopped": str(exc)})
            sys.exit("%s: %s" % (self.__name__, exc))  # one line, not a traceback: pyperf's worker fails
        # Per call: variants make different numbers of calls (every worker makes per_worker of them).
        return total / (self.workers * self.per_worker)

    def close(self):
        crew, self._crew = self._crew, None
        if crew is not None:
            crew.close()

    def _write(self, entry):
        if self._log:
            with open(self._log, "a") as f:  # one short line per write: appends from workers do not mix
                f.write(json.dumps(entry) + "\n")


def _per_worker(calls, workers, minimum):
    """Calls each of ``workers`` workers makes in one value: an even share of ``calls``, and at least
    ``minimum``, so that a value is long next to its ramp (the first and last call of each worker)."""
    return max(-(-calls // workers), minimum)


def _maker(kind, k, url, timeout):
    """What makes the crew of one grid point: its workers started, connected and parked."""
    if kind == "threads":
        return lambda: io_workload.ThreadCrew(url, k, timeout)
    if kind == "processes":
        return lambda: io_workload.ProcessCrew(url, k, timeout)
    return lambda: io_workload.AsyncRunner(url, k, _ASYNC_NODES[kind], timeout)


def main():
    global io_workload
    if any(flag in sys.argv for flag in _TIMING_FLAGS):
        from services import io_workload  # the official client: before the Runner, see the docstring
    runner = make_runner("io")
    args = runner.parse_args()
    if not args.es_url:
        runner.argparser.error("no backend: pass --es-url or run it through gilbench run")
    if args.io_timeout is not None and not 0 < args.io_timeout < float("inf"):
        runner.argparser.error("--io-timeout %s: give the seconds a request may wait, a number > 0" % args.io_timeout)
    if args.io_calls < 1 or args.io_per_worker < 1:
        runner.argparser.error("--io-calls and --io-per-worker: give a number of calls, 1 or more")
    try:  # forwarded to the workers
        args.io_timeout = args.io_timeout if args.io_timeout is not None else _backend.request_timeout_s()
    except _backend.BackendError as exc:
        runner.argparser.error(str(exc))
    url, timeout = args.es_url, args.io_timeout
    runner.metadata["io_calls"] = args.io_calls
    runner.metadata["io_per_worker"] = args.io_per_worker
    benchmarks = grid("io")
    variants = []
    for point in benchmarks.points(args.io_variants):
        (kind, k), = point.items()
        per = _per_worker(args.io_calls, k, args.io_per_worker)
        variants.append(_Logged(benchmarks.name(point), args.io_log, _maker(kind, k, url, timeout), k, per))
    try:
        bench_all_self_timed(runner, [(v.__name__, v) for v in variants], after=_Logged.close)
    finally:
        for variant in variants:
            variant.close()


if __name__ == "__main__":
    main()
