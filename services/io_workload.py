"""The note's I/O test with the official elasticsearch client: ``es.cat.indices()`` calls from
threads, processes, or tasks on one event loop.

Every runner returns an ``Outcome`` (calls made, errors, the first reasons): a failed request is
counted, never dropped.  The note's snippet is ``Elasticsearch("127.0.0.1:9200")``; clients 8
and later refuse a URL without a scheme, so the URL here always has one.

The async client runs on aiohttp, elastic-transport's default async node (a C extension: on a
free-threaded build it keeps the GIL off only because it declares free-threading support, which
3.14 of aiohttp does; the pyperf script and the probe check the GIL after these imports), or on
httpx (``node_class="httpxasync"``, pure Python, several times more CPU per call).

Every request waits at most ``timeout`` seconds (``services.backend.request_timeout_s()``: 10 s,
or ``GILBENCH_IO_TIMEOUT_S``); ``TIMEOUTS_IN_A_ROW`` requests in a row without an answer, from any
thread or task, stop the run: it raises ``BackendGone`` instead of waiting a timeout per call left,
and so does every later run in the process (``health`` is the process's: a run's end does not
forget the timeouts before it, so a backend that stops answering costs at most that many timeouts).

Imported by the pyperf script bm_io.py and by ``services.io_probe``, in the measured
interpreter: Python 3.9-compatible.
"""
import asyncio
import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from typing import List

# Imported here, not on first use, so that a GIL switch by any of them happens before any timing.
import aiohttp  # noqa: F401
import httpx  # noqa: F401
from elastic_transport import ConnectionTimeout
from elasticsearch import AsyncElasticsearch, Elasticsearch

from services.backend import TIMEOUTS_IN_A_ROW, TIMEOUT_ENV, request_timeout_s

ASYNC_NODES = ("aiohttp", "httpxasync")
_REASONS_KEPT = 3


class BackendGone(Exception):
    """The backend stopped answering: the run was stopped; the message is one line, ``outcome``
    the calls made until then (their errors are counted too)."""

    def __init__(self, message, outcome=None):
        super().__init__(message)
        self.outcome = outcome

    def __reduce__(self):  # from a pool's process, with its outcome
        return type(self), (str(self), self.outcome)


class _Health:
    """What every runner of this process shares: requests in flight, timeouts in a row, and the
    time since the backend last answered (the probe's progress line reads it)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.in_flight, self.in_a_row, self.stopped = 0, 0, None
        self._since = time.monotonic()  # the last answer, or the start of a wait

    def reset(self):
        """Forget the timeouts and the stop (for tests: a process's runs share them on purpose)."""
        with self._lock:
            self.in_flight, self.in_a_row, self.stopped = 0, 0, None
            self._since = time.monotonic()

    def begin(self):
        """A request is about to be sent; False (and nothing counted) when the run was stopped."""
        with self._lock:
            if self.stopped is not None:
                return False
            if not self.in_flight and not self.in_a_row:  # time between answered requests is not a wait
                self._since = time.monotonic()
            self.in_flight += 1
            return True

    def end(self, outcome, exc, url, timeout):
        """The request begun ended: counted in ``outcome`` (``exc``: how it failed, None: it did not),
        and its timeout, if it was one, in the timeouts in a row (``url``, ``timeout``: for the message)."""
        outcome.calls += 1
        if exc is not None:
            outcome.failed(exc)
        with self._lock:
            self.in_flight -= 1
            if not isinstance(exc, ConnectionTimeout):  # an answer, even an error, is an answer
                self.in_a_row, self._since = 0, time.monotonic()
                return
            self.in_a_row += 1
            if self.in_a_row >= TIMEOUTS_IN_A_ROW and self.stopped is None:
                self.stopped = ("the backend at %s stopped answering: %d requests in a row got no answer within "
                                "%g s (%s); the I/O workload was stopped" % (url, self.in_a_row, timeout,
                                                                            TIMEOUT_ENV))

    def silent_s(self):
        """Seconds the requests in flight have waited without any answer (0 when none is in flight)."""
        with self._lock:
            return time.monotonic() - self._since if self.in_flight else 0.0

    def raise_if_stopped(self, outcome=None):
        if self.stopped is not None:
            raise BackendGone(self.stopped, outcome)


health = _Health()


@dataclass
class Outcome:
    calls: int = 0
    errors: int = 0
    reasons: List[str] = field(default_factory=list)

    def add(self, other):
        self.calls += other.calls
        self.errors += other.errors
        self.reasons.extend(other.reasons[:_REASONS_KEPT - len(self.reasons)])
        return self

    def failed(self, exc):
        self.errors += 1
        if len(self.reasons) < _REASONS_KEPT:
            self.reasons.append("%s: %s" % (type(exc).__name__, str(exc)[:200]))


def make_client(url, threads, timeout=None):
    """One client for all threads: a pool of at least ``threads`` connections, or the pool and not
    the GIL would be what is measured.  No retries: a failed request must show as an error."""
    return Elasticsearch(url, connections_per_node=max(threads, 1), request_timeout=timeout or request_timeout_s(),
                         max_retries=0, retry_on_timeout=False)


def _calls(client, n, outcome, lock, url, timeout):
    mine = Outcome()  # this thread's: the shared one is added to once, under the lock
    for _ in range(n):
        if not health.begin():
            break
        exc = None
        try:
            client.cat.indices()
        except Exception as caught:  # counted, with its reason: see the module docstring
            exc = caught
        health.end(mine, exc, url, timeout)
    with lock:
        outcome.add(mine)


def _split(calls, parts):
    return [calls // parts + (1 if i < calls % parts else 0) for i in range(parts)]


def run_threads(client, calls, threads, url, timeout):
    """``calls`` calls of es.cat.indices() split over ``threads`` threads sharing ``client``, a
    client of ``url`` with the request timeout ``timeout`` (named in the message when it stops
    answering); BackendGone when the backend stopped answering."""
    outcome, lock = Outcome(), threading.Lock()
    health.raise_if_stopped()
    if threads == 1:  # the note's single-threaded run: the main thread
        _calls(client, calls, outcome, lock, url, timeout)
        health.raise_if_stopped(outcome)
        return outcome
    workers = [threading.Thread(target=_calls, args=(client, n, outcome, lock, url, timeout))
               for n in _split(calls, threads)]
    started = []
    try:
        for t in workers:
            t.start()
            started.append(t)
    finally:
        for t in started:
            t.join()
    health.raise_if_stopped(outcome)
    return outcome


def _process_calls(url, n, timeout):
    client = make_client(url, 1, timeout)
    try:
        outcome = Outcome()
        _calls(client, n, outcome, threading.Lock(), url, timeout)
        health.raise_if_stopped(outcome)
        return outcome
    finally:
        client.close()


def run_processes(url, calls, processes, timeout=None):
    """The same calls from ``processes`` processes, each with its own client (a client's sockets
    cannot cross a fork).  Process start-up is part of the time, as in the note's comparisons.
    BackendGone (from the first process that saw it) when the backend stopped answering."""
    health.raise_if_stopped()
    outcome, timeout = Outcome(), timeout or request_timeout_s()
    with multiprocessing.Pool(processes) as pool:
        for part in pool.starmap(_process_calls, [(url, n, timeout) for n in _split(calls, processes)]):
            outcome.add(part)
    return outcome


class AsyncRunner:
    """The async client on one event loop, kept for the life of the runner (the loop and the
    client's connections are set up once, as the threads' shared client is)."""

    def __init__(self, url, concurrency, node="aiohttp", timeout=None):
        self.concurrency, self.node = concurrency, node
        self.url, self.timeout = url, timeout or request_timeout_s()
        self.loop = asyncio.new_event_loop()
        self.client = self.loop.run_until_complete(self._make(url))

    async def _make(self, url):
        return AsyncElasticsearch(url, node_class=self.node, connections_per_node=max(self.concurrency, 1),
                                  request_timeout=self.timeout, max_retries=0, retry_on_timeout=False)

    async def _task(self, n, outcome):
        for _ in range(n):
            if not health.begin():
                break
            exc = None
            try:
                await self.client.cat.indices()
            except Exception as caught:  # counted, with its reason
                exc = caught
            health.end(outcome, exc, self.url, self.timeout)

    async def _all(self, calls):
        outcome = Outcome()
        await asyncio.gather(*(self._task(n, outcome) for n in _split(calls, self.concurrency)))
        return outcome

    def run(self, calls):
        """BackendGone when the backend stopped answering."""
        health.raise_if_stopped()
        outcome = self.loop.run_until_complete(self._all(calls))
        health.raise_if_stopped(outcome)
        return outcome

    def close(self):
        try:
            self.loop.run_until_complete(self.client.close())
        finally:
            self.loop.close()
