"""The note's I/O test with the official elasticsearch client: ``es.cat.indices()`` calls from
threads, processes, or tasks on one event loop.

Every runner returns an ``Outcome`` (calls made, errors, the first reasons): a failed request is
counted, never dropped.  The note's snippet is ``Elasticsearch("127.0.0.1:9200")``; clients 8
and later refuse a URL without a scheme, so the URL here always has one.

The async client runs on aiohttp, elastic-transport's default async node (a C extension: on a
free-threaded build it keeps the GIL off only because it declares free-threading support, which
3.14 of aiohttp does; the pyperf script and the probe check the GIL after these imports), or on
httpx (``node_class="httpxasync"``, pure Python, several times more CPU per call).

Imported by the pyperf script bm_io.py and by ``services.io_probe``, in the measured
interpreter: Python 3.9-compatible.
"""
import asyncio
import multiprocessing
import threading
from dataclasses import dataclass, field
from typing import List

# Imported here, not on first use, so that a GIL switch by any of them happens before any timing.
import aiohttp  # noqa: F401
import httpx  # noqa: F401
from elasticsearch import AsyncElasticsearch, Elasticsearch

ASYNC_NODES = ("aiohttp", "httpxasync")
_TIMEOUT_S = 30.0
_REASONS_KEPT = 3


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


def make_client(url, threads):
    """One client for all threads: a pool of at least ``threads`` connections, or the pool and not
    the GIL would be what is measured.  No retries: a failed request must show as an error."""
    return Elasticsearch(url, connections_per_node=max(threads, 1), request_timeout=_TIMEOUT_S, max_retries=0,
                         retry_on_timeout=False)


def _calls(client, n, outcome, lock):
    mine = Outcome()
    for _ in range(n):
        try:
            client.cat.indices()
            mine.calls += 1
        except Exception as exc:  # counted, with its reason: see the module docstring
            mine.calls += 1
            mine.failed(exc)
    with lock:
        outcome.add(mine)


def _split(calls, parts):
    return [calls // parts + (1 if i < calls % parts else 0) for i in range(parts)]


def run_threads(client, calls, threads):
    """``calls`` calls of es.cat.indices() split over ``threads`` threads sharing ``client``."""
    outcome, lock = Outcome(), threading.Lock()
    if threads == 1:  # the note's single-threaded run: the main thread
        _calls(client, calls, outcome, lock)
        return outcome
    workers = [threading.Thread(target=_calls, args=(client, n, outcome, lock)) for n in _split(calls, threads)]
    started = []
    try:
        for t in workers:
            t.start()
            started.append(t)
    finally:
        for t in started:
            t.join()
    return outcome


def _process_calls(url, n):
    client = make_client(url, 1)
    try:
        outcome = Outcome()
        _calls(client, n, outcome, threading.Lock())
        return outcome
    finally:
        client.close()


def run_processes(url, calls, processes):
    """The same calls from ``processes`` processes, each with its own client (a client's sockets
    cannot cross a fork).  Process start-up is part of the time, as in the note's comparisons."""
    outcome = Outcome()
    with multiprocessing.Pool(processes) as pool:
        for part in pool.starmap(_process_calls, [(url, n) for n in _split(calls, processes)]):
            outcome.add(part)
    return outcome


class AsyncRunner:
    """The async client on one event loop, kept for the life of the runner (the loop and the
    client's connections are set up once, as the threads' shared client is)."""

    def __init__(self, url, concurrency, node="aiohttp"):
        self.concurrency, self.node = concurrency, node
        self.loop = asyncio.new_event_loop()
        self.client = self.loop.run_until_complete(self._make(url))

    async def _make(self, url):
        return AsyncElasticsearch(url, node_class=self.node, connections_per_node=max(self.concurrency, 1),
                                  request_timeout=_TIMEOUT_S, max_retries=0, retry_on_timeout=False)

    async def _task(self, n, outcome):
        for _ in range(n):
            outcome.calls += 1
            try:
                await self.client.cat.indices()
            except Exception as exc:  # counted, with its reason
                outcome.failed(exc)

    async def _all(self, calls):
        outcome = Outcome()
        await asyncio.gather(*(self._task(n, outcome) for n in _split(calls, self.concurrency)))
        return outcome

    def run(self, calls):
        return self.loop.run_until_complete(self._all(calls))

    def close(self):
        try:
            self.loop.run_until_complete(self.client.close())
        finally:
            self.loop.close()

