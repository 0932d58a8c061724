"""A local stand-in for Elasticsearch: the part of its REST API the I/O workloads call.

``python -m services.search_service [--port 0] [--service-ms 10]`` listens on 127.0.0.1 only,
prints the port it got on its first line of stdout, and answers until SIGTERM or SIGINT.
It runs as a process of its own, never inside the measured interpreter: it would share that
process's GIL and be part of what is measured.

Served: ``GET /``, ``GET /_cluster/health``, ``GET /_cat/indices`` (text, or ``format=json``),
``PUT|HEAD|DELETE /<index>``, indexing (``PUT|POST /<index>/_doc[/<id>]``, ``/_create/<id>``),
``GET /<index>/_doc/<id>``, ``GET|POST [/<index>]/_search`` with ``match_all`` and
``POST /<index>/_refresh``.  Every response carries ``X-Elastic-Product: Elasticsearch``, the
header the official client (8 and later) checks, so that client talks to it unchanged.

Each response waits the service time (default 10 ms, the note's ~10 ms per call) on the event
loop, so any number of requests wait at once, as they would on a real server; the loop waits on
select(), not epoll, so that the wait is the service time to the microsecond (``_event_loop``).  A response is
written in one ``write`` on a TCP_NODELAY socket (asyncio's default): several small writes
would meet Nagle's algorithm and the client's delayed ACK, tens of milliseconds per call.

It is a bounded HTTP/1.1 server: whatever a client sends, each request gets a response or a
close within a bound, and memory, file descriptors and the log stay bounded.  The request head
is at most ``http11.MAX_HEAD_BYTES`` with ``http11.MAX_HEADERS`` fields (431), a body at most
``http11.MAX_BODY_BYTES`` (413, decided from Content-Length before it is read; chunked bodies
are decoded under the same cap), framing that could be read two ways is refused (400), JSON
bodies must be objects nested at most ``search_api.MAX_JSON_DEPTH`` deep, without NaN or
Infinity (``services/search_api.py`` answers the API, ``services/search_connection.py`` holds a
connection, ``services/http11.py`` frames its requests).  A connection
idle for ``--idle-timeout-s`` is closed, a request not complete within ``--request-timeout-s``
gets 408; beyond ``--max-connections`` a new connection gets 503 and is closed; a client that
does not read its responses stops being read.  An unexpected error gives 500 and one log line.

Stdlib only, Python 3.9-compatible.
"""
import argparse
import asyncio
import os
import selectors
import signal
import sys

try:
    import resource
except ImportError:  # not on Windows: there, the default loop
    resource = None

# What the service waits on (_event_loop) and its revision: meta.json records both (io_service), and the
# io workload's ledger entry names the revision, so that a run against the epoll service (revision 1,
# before 2026-12-01: up to 1 ms late per response) never merges with one against this.
SELECTOR = "select" if resource is not None else "asyncio default"
REVISION = "2: asyncio on select(), not epoll"

from services import search_connection

DEFAULT_SERVICE_MS = 10.0
HOST = "127.0.0.1"
DEFAULT_MAX_CONNECTIONS = 512
DEFAULT_IDLE_TIMEOUT_S = 30.0
DEFAULT_REQUEST_TIMEOUT_S = 10.0
_PARENT_POLL_S = 0.5
# select() holds descriptors below FD_SETSIZE only (1024 in glibc; Python has no constant for it).
_FD_SETSIZE = 1024
# How long a stopping service waits for its connections to close.
_CLOSE_S = 2.0


async def _watch_parent(parent, stop):
    # A run killed outright (SIGKILL) cannot stop its service: the service notices it was orphaned.
    while not stop.is_set():
        if os.getppid() != parent:
            stop.set()
        await asyncio.sleep(_PARENT_POLL_S)


async def _serve(port, service_s, ready, parent=None, max_connections=DEFAULT_MAX_CONNECTIONS,
                 idle_timeout_s=DEFAULT_IDLE_TIMEOUT_S, request_timeout_s=DEFAULT_REQUEST_TIMEOUT_S):
    loop = asyncio.get_running_loop()
    log = search_connection.Log()
    loop.set_exception_handler(log.loop_error)
    service = search_connection.Service(service_s, search_connection.connection_cap(max_connections),
                                        idle_timeout_s, request_timeout_s, log)
    server = await loop.create_server(lambda: search_connection.Connection(service), HOST, port, backlog=1024,
                                      reuse_address=True)
    service.start_sweeping(loop)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    watcher = loop.create_task(_watch_parent(parent, stop)) if parent else None
    ready(server.sockets[0].getsockname()[1])
    await stop.wait()
    if watcher:
        await watcher
    service.stop_sweeping()
    await _close(server, service)


async def _close(server, service):
    """Stop listening and drop every connection.  From 3.12 wait_closed() waits for all of them,
    also one accepted whose connection_made has not run yet when the others are aborted: so abort
    what is there until it returns (an idle keep-alive client would otherwise hold the service).
    Within _CLOSE_S: a transport the service never registered is not ours to abort, and the kernel
    closes every socket when the process ends."""
    server.close()
    if hasattr(server, "abort_clients"):  # 3.13+: every transport the server made, registered or not
        server.abort_clients()
    closed = asyncio.ensure_future(server.wait_closed())
    deadline = asyncio.get_running_loop().time() + _CLOSE_S
    while not closed.done() and asyncio.get_running_loop().time() < deadline:
        for connection in list(service.connections):
            if connection.transport is not None:
                connection.transport.abort()
        await asyncio.wait([closed], timeout=0.05)
    if closed.done():
        closed.result()
    else:
        closed.cancel()


def _event_loop():
    """The service's event loop, on select() where it can be: its timers then fire on time.

    asyncio's default selector on Linux is epoll, whose wait is in whole milliseconds, rounded up
    (selectors.EpollSelector): a response due 1.3 ms from now leaves 2 ms from now whenever no other
    event wakes the loop first.  That added up to 1 ms to the 10 ms service time, unevenly, and most
    where the calls come one after the other: measured on 2 CPUs, two GIL threads of 3.11.7 reached
    x1.84-1.91 of one thread against epoll and x1.94-1.99 against select(), whose timeout is in
    microseconds; 8 threads x7.43-7.77 and x7.74-7.90.  select() cannot watch a descriptor numbered
    FD_SETSIZE or more, so this process's descriptors are capped below it (RLIMIT_NOFILE): an accept
    beyond it fails, and asyncio pauses accepting, instead of select() failing on a flood of
    connections.  The connection cap (search_connection.connection_cap) follows that limit.
    """
    if resource is None:
        return asyncio.new_event_loop()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft > _FD_SETSIZE:
        resource.setrlimit(resource.RLIMIT_NOFILE, (_FD_SETSIZE, hard))
    return asyncio.SelectorEventLoop(selectors.SelectSelector())


def _run(main_coroutine):
    """asyncio.run(main_coroutine) on ``_event_loop()`` (asyncio.run takes no loop before 3.12)."""
    loop = _event_loop()
    try:
        asyncio.set_event_loop(loop)
        return loop.run_until_complete(main_coroutine)
    finally:
        try:
            _cancel_left(loop)
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


def _cancel_left(loop):
    # What asyncio.run does: tasks still pending (a connection's handler) are cancelled and awaited,
    # not destroyed pending with a "Task was destroyed" line in the log.
    left = asyncio.all_tasks(loop)
    for task in left:
        task.cancel()
    if left:
        loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))


def _positive(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def _count(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.search_service", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=HOST, help="%s only (the default); any other is refused" % HOST)
    parser.add_argument("--port", type=int, default=0, help="0: a free port (default)")
    parser.add_argument("--service-ms", type=float, default=DEFAULT_SERVICE_MS,
                        help="time each response waits, in ms (default %(default)s)")
    parser.add_argument("--parent-pid", type=int,
                        help="exit when this process, our parent, is gone (a killed run's service ends too)")
    parser.add_argument("--max-connections", type=_count, default=DEFAULT_MAX_CONNECTIONS,
                        help="open connections at most; more get 503 (default %(default)s, lowered to fit the "
                             "file-descriptor limit)")
    parser.add_argument("--idle-timeout-s", type=_positive, default=DEFAULT_IDLE_TIMEOUT_S,
                        help="close a connection idle this long (default %(default)s)")
    parser.add_argument("--request-timeout-s", type=_positive, default=DEFAULT_REQUEST_TIMEOUT_S,
                        help="answer 408 to a request not complete this long after it began (default %(default)s)")
    args = parser.parse_args(argv)
    if args.host != HOST:  # a name or another address too: only this one is known to be loopback
        parser.error("the local search service binds %s only (got --host %s)" % (HOST, args.host))
    if not args.service_ms >= 0:
        parser.error("--service-ms must be 0 or more")

    def ready(port):
        print(port, flush=True)

    _run(_serve(args.port, args.service_ms / 1000.0, ready, args.parent_pid, args.max_connections,
                       args.idle_timeout_s, args.request_timeout_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
