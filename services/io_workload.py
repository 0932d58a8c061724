"""The note's I/O test with the official elasticsearch client: ``es.cat.indices()`` calls from
threads, processes, or tasks on one event loop.

The timed runners are crews (``ThreadCrew``, ``ProcessCrew``, ``AsyncRunner``): their workers are
started once, each opens its connection, and they are parked (a barrier, a pipe, an event)
between values, so that a value times the calls alone -- not a thread's or a process's start,
not the ramp of workers joining one by one -- and n workers can come as close to n times one
worker as the backend and the GIL let them.  Every worker of a crew makes the same number of
calls per value (the pyperf script chooses it: enough that a worker's first and last call are a
small part of a value).

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

Imported by bm_io.py and by ``services.io_probe``, in the measured interpreter: Python 3.9-compatible.
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
# Beyond a value's own bound (its calls times the request timeout): for a crew to start or stop.
_CREW_GRACE_S = 30.0


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


class ThreadCrew:
    """``threads`` threads sharing one client of ``url`` (``make_client``: a connection per thread),
    started once and parked on a barrier between values: ``run`` times only the calls, from the
    release of the barrier to the last thread's return, never a thread's start.  ``close`` ends
    the threads and the client.  A context manager."""

    def __init__(self, url, threads, timeout):
        self.threads, self._url, self._timeout = threads, url, timeout
        self._client = make_client(url, threads, timeout)
        self._gate = threading.Barrier(threads + 1)
        self._done = threading.Barrier(threads + 1)
        self._calls, self._outcome, self._closing = 0, Outcome(), False
        self._lock = threading.Lock()
        self._workers = [threading.Thread(target=self._work, name="io-crew-%d" % i, daemon=True)
                         for i in range(threads)]
        try:
            for t in self._workers:
                t.start()
            # One call from every thread at once: the pool opens a connection per thread before any timing.
            self.warm_up = self.run(1)[1]
        except BaseException:
            self.close()
            raise

    def _work(self):
        try:
            while True:
                self._gate.wait()
                if self._closing:
                    return
                _calls(self._client, self._calls, self._outcome, self._lock, self._url, self._timeout)
                self._done.wait()
        except threading.BrokenBarrierError:  # the crew gave up on a value, or closed half-started
            return

    def run(self, calls_per_thread):
        """(seconds, outcome) of ``calls_per_thread`` calls on each thread; BackendGone when the
        backend stopped answering."""
        health.raise_if_stopped()
        self._calls, self._outcome = calls_per_thread, Outcome()
        # The wait is bounded: every call is (the request timeout), and a thread cannot hang the run.
        bound = calls_per_thread * self._timeout + _CREW_GRACE_S
        start = time.perf_counter()
        try:
            self._gate.wait(bound)
            self._done.wait(bound)
        except threading.BrokenBarrierError:
            raise RuntimeError("a thread of the I/O workload did not finish within %.0f s" % bound)
        elapsed = time.perf_counter() - start
        health.raise_if_stopped(self._outcome)
        return elapsed, self._outcome

    def close(self):
        self._closing = True
        self._done.abort()  # a value cut short (Ctrl-C in run) leaves threads waiting here for good
        if all(t.ident is not None for t in self._workers) and not self._gate.broken:
            try:
                self._gate.wait(_CREW_GRACE_S)
            except threading.BrokenBarrierError:
                pass
        else:
            self._gate.abort()
        for t in self._workers:
            if t.ident is not None:
                t.join(_CREW_GRACE_S)
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _process_worker(url, timeout, conn):
    """A process of a ``ProcessCrew``: its own client, one connection, parked on its pipe between values."""
    client = make_client(url, 1, timeout)
    try:
        while True:
            calls = conn.recv()
            if calls is None:
                return
            outcome = Outcome()
            _calls(client, calls, outcome, threading.Lock(), url, timeout)
            conn.send((outcome, health.stopped))
    finally:
        client.close()
        conn.close()


class ProcessCrew:
    """``processes`` processes, each with its own client (a client's sockets cannot cross a fork),
    started once and parked on a pipe between values: ``run`` times the calls from the first
    "go" to the last answer, never a process's start-up.  A context manager."""

    def __init__(self, url, processes, timeout):
        self.processes, self._timeout = processes, timeout
        self._pipes, self._procs = [], []
        try:
            for _ in range(processes):
                mine, theirs = multiprocessing.Pipe()
                proc = multiprocessing.Process(target=_process_worker, args=(url, timeout, theirs), daemon=True)
                proc.start()
                theirs.close()
                self._pipes.append(mine)
                self._procs.append(proc)
            self.warm_up = self.run(1)[1]  # every process has imported, made its client, opened its connection
        except BaseException:
            self.close()
            raise

    def run(self, calls_per_process):
        """(seconds, outcome) of ``calls_per_process`` calls in each process; BackendGone when the
        backend stopped answering (the first process's reason)."""
        health.raise_if_stopped()
        outcome, stopped = Outcome(), []
        bound = calls_per_process * self._timeout + _CREW_GRACE_S
        start = time.perf_counter()
        try:
            for pipe in self._pipes:
                pipe.send(calls_per_process)
            for pipe in self._pipes:
                if not pipe.poll(bound):
                    raise RuntimeError("a process of the I/O workload did not answer within %.0f s" % bound)
                part, why = pipe.recv()
                outcome.add(part)
                if why:
                    stopped.append(why)
        except (BrokenPipeError, EOFError, ConnectionResetError):  # a worker died: its exit status says more
            raise RuntimeError(self._gone())
        elapsed = time.perf_counter() - start
        if stopped:
            raise BackendGone(stopped[0], outcome)
        return elapsed, outcome

    def _gone(self):
        dead = ["process %d of %d exited (status %s)" % (i, len(self._procs), p.exitcode)
                for i, p in enumerate(self._procs, 1) if not p.is_alive()]
        return "the I/O workload's crew lost a worker: %s" % (", ".join(dead) or "a pipe closed")

    def close(self):
        for pipe in self._pipes:
            try:
                pipe.send(None)
            except OSError:  # that process is gone already
                pass
        for proc in self._procs:
            proc.join(_CREW_GRACE_S)
            if proc.is_alive():
                proc.kill()
                proc.join()
        for pipe in self._pipes:
            pipe.close()
        self._pipes, self._procs = [], []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class AsyncRunner:
    """The async client on one event loop with ``concurrency`` tasks, kept for the life of the
    runner (the loop and the client's connections are set up once, as the threads' shared client
    is); each value's tasks are made and parked on an event before the clock starts."""

    def __init__(self, url, concurrency, node="aiohttp", timeout=None):
        self.concurrency, self.node = concurrency, node
        self.url, self.timeout = url, timeout or request_timeout_s()
        self.loop = asyncio.new_event_loop()
        self.client = self.loop.run_until_complete(self._make(url))
        try:  # a connection per task, opened before any timing; its calls are counted too
            self.warm_up = self.run(1)[1]
        except BaseException:
            self.close()
            raise

    async def _make(self, url):
        return AsyncElasticsearch(url, node_class=self.node, connections_per_node=max(self.concurrency, 1),
                                  request_timeout=self.timeout, max_retries=0, retry_on_timeout=False)

    async def _task(self, n, outcome, go):
        await go.wait()  # parked: every task exists before the clock starts
        for _ in range(n):
            if not health.begin():
                break
            exc = None
            try:
                await self.client.cat.indices()
            except Exception as caught:  # counted, with its reason
                exc = caught
            health.end(outcome, exc, self.url, self.timeout)

    async def _all(self, per_task):
        outcome, go = Outcome(), asyncio.Event()
        tasks = [asyncio.ensure_future(self._task(per_task, outcome, go)) for _ in range(self.concurrency)]
        await asyncio.sleep(0)  # each task runs up to its wait
        start = time.perf_counter()
        go.set()
        await asyncio.gather(*tasks)
        return time.perf_counter() - start, outcome

    def run(self, calls_per_task):
        """(seconds, outcome) of ``calls_per_task`` calls on each task, timed from the release of the
        parked tasks to the last one's end; BackendGone when the backend stopped answering."""
        health.raise_if_stopped()
        elapsed, outcome = self.loop.run_until_complete(self._all(calls_per_task))
        health.raise_if_stopped(outcome)
        return elapsed, outcome

    def close(self):
        try:
            self.loop.run_until_complete(self.client.close())
        finally:
            self.loop.close()
