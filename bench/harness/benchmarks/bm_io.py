"""pyperf: the note's I/O test -- es.cat.indices() calls with the official client -- on 1, 2, 4, 8,
16 threads sharing one client, the same calls from processes, and the async client with 16 tasks
on one event loop (aiohttp; httpx too outside fast mode), all against the backend the run started
(``GILBENCH_ES_URL``).

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
import os
import sys
import time

from bench.harness.pyperf_script import bench_all, make_runner
from services import backend as _backend

# Variants per --io-variants: threads, processes, async HTTP libraries (16 tasks each).  Fast mode
# keeps the note's pair, the scaling's ends and one of each other kind: every benchmark is a
# pyperf worker of its own, and its start-up (importing the client) dominates a fast round.
_VARIANTS = {
    "full": ((1, 2, 4, 8, 16), (2, 4, 8, 16), ("aiohttp", "httpxasync")),
    "fast": ((1, 2, 8, 16), (2,), ("aiohttp",)),
}
ASYNC_TASKS = 16
_NOTE_CALLS = 1000
io_workload = None  # services.io_workload, imported in pyperf workers only


def _forward(cmd, args):
    # pyperf workers are fresh processes with a trimmed environment: pass everything on.
    cmd.extend(("--es-url", args.es_url, "--io-calls", str(args.io_calls), "--io-variants", args.io_variants,
                "--io-log", args.io_log, "--io-timeout", repr(args.io_timeout)))


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
    runner = make_runner(add_cmdline_args=_forward)
    runner.argparser.add_argument("--es-url", default=os.environ.get("GILBENCH_ES_URL", ""),
                                  help="backend URL (default: $GILBENCH_ES_URL, set by gilbench run)")
    runner.argparser.add_argument("--io-calls", type=int, default=_NOTE_CALLS,
                                  help="calls per value (default: the note's 1,000)")
    runner.argparser.add_argument("--io-variants", choices=("full", "fast"), default="full")
    runner.argparser.add_argument("--io-log", default=os.environ.get("GILBENCH_IO_LOG", ""),
                                  help="file to append each value's calls and errors to")
    runner.argparser.add_argument("--io-timeout", type=float, default=None,
                                  help="seconds a request may wait for its answer (default: $%s, else %g)"
                                  % (_backend.TIMEOUT_ENV, _backend.REQUEST_TIMEOUT_S))
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
    threads, processes, async_nodes = _VARIANTS[args.io_variants]
    # Made once per worker, on its first value (pyperf's warm-up, which is not kept): one client
    # shared by every thread, with a connection for each (else the pool would be what is measured).
    made = []

    def shared(factory):
        if not made:
            made.append(factory())
        return made[0]

    variants = [("io[threads=%d]" % k, lambda n, k=k: io_workload.run_threads(
        shared(lambda: io_workload.make_client(url, max(threads), timeout)), n, k, url, timeout)) for k in threads]
    variants += [("io[processes=%d]" % k, lambda n, k=k: io_workload.run_processes(url, n, k, timeout))
                 for k in processes]
    variants += [("io[asyncio=%d]" % ASYNC_TASKS if node == "aiohttp" else "io[asyncio-httpx=%d]" % ASYNC_TASKS,
                  lambda n, node=node: shared(lambda: io_workload.AsyncRunner(url, ASYNC_TASKS, node, timeout)).run(n))
                 for node in async_nodes]
    try:
        bench_all(runner, [(name, _Logged(name, args.io_log, run), calls) for name, run in variants])
    finally:
        for thing in made:
            thing.close()


if __name__ == "__main__":
    main()
