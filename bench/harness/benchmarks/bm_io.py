"""pyperf: the note's I/O test -- es.cat.indices() calls with the official client -- on 1, 2, 4, 8,
16 threads sharing one client, the same calls from processes, and the async client with 16 tasks
on one event loop (aiohttp; httpx too outside fast mode), all against the backend the run started
(``GILBENCH_ES_URL``).  The benchmarks are the io workload's grid; ``--io-variants fast`` times its
fast subset.

Every value appends one JSON line to ``GILBENCH_IO_LOG`` (calls, errors and their reasons, the
request rate): the run counts the failed requests; a timing is never silently cleaned.
In a pyperf worker the client and its HTTP libraries are imported before the Runner is made, so
the GIL state recorded in every run's metadata is the one after those imports (the judging side
drops timings taken with the GIL in another state than the column's), and ``bench_all`` refuses
values if it flips later.  pyperf's master process times nothing and skips those imports.

Each request waits at most ``--io-timeout`` seconds (default ``$GILBENCH_IO_TIMEOUT_S``, else
``services.backend.REQUEST_TIMEOUT_S``); when the backend stops answering, the value in progress
is stopped (``io_workload.BackendGone``), its one-line reason logged as ``stopped``, and the
worker exits with it.
"""
import json
import sys
import time

from bench.harness.pyperf_script import bench_all, grid, make_runner
from services import backend as _backend

# The async HTTP library of each async benchmark of the grid (its tasks: the benchmark's value).
_ASYNC_NODES = {"asyncio": "aiohttp", "asyncio-httpx": "httpxasync"}
io_workload = None  # services.io_workload, imported in pyperf workers only


class _Logged:
    """One variant's timed call: run it, append its outcome to the log, return nothing."""

    def __init__(self, name, log, run):
        self.__name__ = name
        self._log, self._run = log, run

    def __call__(self, calls):
        start = time.perf_counter()
        try:
            outcome = self._run(calls)
        except io_workload.BackendGone as exc:
            done = exc.outcome or io_workload.Outcome()  # its failed requests are counted too
            self._write({"variant": self.__name__, "calls": done.calls, "errors": done.errors,
                         "reasons": done.reasons, "rate": 0, "stopped": str(exc)})
            sys.exit("%s: %s" % (self.__name__, exc))  # one line, not a traceback: pyperf's worker fails
        elapsed = time.perf_counter() - start
        self._write({"variant": self.__name__, "calls": outcome.calls, "errors": outcome.errors,
                     "reasons": outcome.reasons, "rate": outcome.calls / elapsed if elapsed > 0 else 0})

    def _write(self, entry):
        if self._log:
            with open(self._log, "a") as f:  # one short line per write: appends from workers do not mix
                f.write(json.dumps(entry) + "\n")


def main():
    global io_workload
    if "--worker" in sys.argv:
        from services import io_workload  # the official client: before the Runner, see the docstring
    runner = make_runner("io")
    args = runner.parse_args()
    if not args.es_url:
        runner.argparser.error("no backend: pass --es-url or run it through gilbench run")
    if args.io_timeout is not None and not 0 < args.io_timeout < float("inf"):
        runner.argparser.error("--io-timeout %s: give the seconds a request may wait, a number > 0" % args.io_timeout)
    try:  # forwarded to the workers
        args.io_timeout = args.io_timeout if args.io_timeout is not None else _backend.request_timeout_s()
    except _backend.BackendError as exc:
        runner.argparser.error(str(exc))
    url, calls, timeout = args.es_url, args.io_calls, args.io_timeout
    runner.metadata["io_calls"] = calls
    benchmarks = grid("io")
    points = benchmarks.points(args.io_variants)
    threads = [p["threads"] for p in points if "threads" in p]
    # Made once per worker, on its first value (pyperf's warm-up, which is not kept): one client
    # shared by every thread, with a connection for each (else the pool would be what is measured).
    made = []

    def shared(factory):
        if not made:
            made.append(factory())
        return made[0]

    def timed(point):
        (kind, k), = point.items()
        if kind == "threads":
            return lambda n: io_workload.run_threads(shared(lambda: io_workload.make_client(url, max(threads), timeout)),
                                                     n, k, url, timeout)
        if kind == "processes":
            return lambda n: io_workload.run_processes(url, n, k, timeout)
        return lambda n: shared(lambda: io_workload.AsyncRunner(url, k, _ASYNC_NODES[kind], timeout)).run(n)

    variants = [(benchmarks.name(p), timed(p)) for p in points]
    try:
        bench_all(runner, [(name, _Logged(name, args.io_log, run), calls) for name, run in variants])
    finally:
        for thing in made:
            thing.close()


if __name__ == "__main__":
    main()
