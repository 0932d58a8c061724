"""One client connection of the local search service (an asyncio Protocol), and what they share.

Requests are read in order and answered in order, each after the service time (a timer on the
loop, so that any number wait at once); a response is one ``write``.  Whatever a client does,
it gets an answer or a close within a bound: a connection idle for ``idle_timeout_s`` is closed,
a request not complete ``request_timeout_s`` after it began gets 408, a client that does not
read its answers is no longer read (backpressure) and is dropped once idle that long; beyond
``max_connections`` a new connection gets 503 and is closed.  An unexpected error costs one
request (500) and one log line, never the connection's silence or a traceback per request.

Stdlib only, Python 3.9-compatible.
"""
import asyncio
import collections
import ipaddress
import re
import sys
import time

from services import http11, search_api

try:
    import resource
except ImportError:  # pragma: no cover - not on Linux
    resource = None

_FDS_KEPT = 64  # descriptors left free below RLIMIT_NOFILE (listening socket, log, accept bursts)
_MAX_PENDING = 32  # responses waiting on one connection before it is no longer read
_LINGER_S = 2.0  # after the response that closes a connection, what the client still sends is drained
_LOG_EVERY_S = 60.0
_COMPAT = re.compile(rb"compatible-with=(\d{1,9})")  # bounded: int() of 5000 digits raises
_now = time.monotonic  # what loop.time() reads, without its call on the hot path


class Log:
    """stderr, one line per kind of trouble per minute at most: a flood of bad requests or of
    failing accept() calls must not become a flood of log."""

    def __init__(self, stream=None):
        self._stream = stream or sys.stderr
        self._last, self._muted = {}, {}

    def line(self, kind, text):
        now = time.monotonic()
        if now - self._last.get(kind, -_LOG_EVERY_S) < _LOG_EVERY_S:
            self._muted[kind] = self._muted.get(kind, 0) + 1
            return
        self._last[kind] = now
        muted = self._muted.pop(kind, 0)
        more = " (and %d more like it in the last %.0f s)" % (muted, _LOG_EVERY_S) if muted else ""
        try:
            self._stream.write("search service: %s%s\n" % (text, more))
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def loop_error(self, loop, context):
        # asyncio's default handler writes a traceback per failed accept(); at the fd limit that
        # is one per attempt, hundreds of thousands a minute.  One line per kind instead.
        exc = context.get("exception")
        message = context.get("message") or "event loop error"
        self.line(("loop", message, type(exc).__name__), "%s: %s" % (message, exc) if exc else message)


class Service:
    """What the connections share: the store, the limits, the log and the open connections."""

    def __init__(self, service_s, max_connections, idle_timeout_s, request_timeout_s, log):
        self.store = search_api.Store()
        self.service_s, self.max_connections = service_s, max_connections
        self.idle_timeout_s, self.request_timeout_s = idle_timeout_s, request_timeout_s
        self.log = log
        self.connections = set()
        self._sweeper = None

    def start_sweeping(self, loop):
        # One timer for all connections, not one per request: the hot path stays as it was.
        period = max(0.05, min(1.0, self.idle_timeout_s / 4, self.request_timeout_s / 4))

        def sweep():
            now = _now()
            for connection in list(self.connections):
                connection.expire(now)
            self._sweeper = loop.call_later(period, sweep)

        self._sweeper = loop.call_later(period, sweep)

    def stop_sweeping(self):
        if self._sweeper is not None:
            self._sweeper.cancel()


def _text(body):
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise search_api.ApiError(400, "parse_exception", "the body is not UTF-8 (%s)" % exc)


class Connection(asyncio.Protocol):
    """One client connection: requests are read in order, answered in order, and a client that
    does not read its answers is no longer read (backpressure) until it does."""

    def __init__(self, service):
        self.service = service
        self.transport, self._loop = None, None
        self._buf = bytearray()
        self._scanned = 0  # bytes of _buf already searched for the end of the head
        self._head = None  # (method, target, version, headers) of the request whose body is awaited
        self._length, self._chunked = 0, None
        self._pending = collections.deque()  # (payload, keep_alive) waiting for their service time
        self._write_paused = self._read_paused = self._closing = self._eof = self._half_open = False
        self._linger = None  # the timer that ends a closing connection
        self._started = None  # loop time the request being read began
        self._last = 0.0  # loop time of the last response (or of the connection)
        self._in_process = False
        self._asked_head = False  # the request being read is a HEAD: even an error answer has no body

    def connection_made(self, transport):
        peer = transport.get_extra_info("peername")
        # Bound to 127.0.0.1 already; this refuses anything else that could still reach the socket.
        if not peer or not ipaddress.ip_address(peer[0]).is_loopback:
            transport.abort()
            return
        if len(self.service.connections) >= self.service.max_connections:
            # Answered and closed at once, so that the service keeps file descriptors to spare.
            transport.write(http11.response(503, "application/json", search_api.error_text(
                503, "too_many_connections", "more than %d open connections" % self.service.max_connections),
                False, False))
            transport.close()
            return
        self.transport, self._loop = transport, asyncio.get_running_loop()
        self._last = _now()
        self.service.connections.add(self)

    def data_received(self, data):
        if self.transport is None or self._closing:
            return  # refused, or closing: what still comes is drained and dropped
        if self._started is None:
            self._started = _now()
        self._buf += data
        self._process()

    def eof_received(self):
        self._eof = True
        self._end_of_input()
        # Kept half-open while answers are still due (or requests still unread); they close it.
        self._half_open = bool(self._pending) or self._blocked()
        return self._half_open

    def _end_of_input(self):
        # Once the client's end is shut and every complete request is read, a request still
        # incomplete never will be.
        if self._eof and not self._closing and not self._blocked():
            self._closing = True
            self._buf.clear()
            if not self._pending and self.transport is not None and self._half_open:
                self._close()

    def pause_writing(self):
        self._write_paused = True

    def resume_writing(self):
        self._write_paused = False
        self._last = _now()
        self._unblock()

    def connection_lost(self, exc):
        self.service.connections.discard(self)
        if self._linger is not None:
            self._linger.cancel()
        self.transport = None
        self._pending.clear()
        self._buf = bytearray()

    def _blocked(self):
        return self._write_paused or len(self._pending) >= _MAX_PENDING

    def _process(self):
        if self._in_process:
            return
        self._in_process = True
        try:
            while (self._buf or self._head is not None) and not self._closing and not self._write_paused \
                    and len(self._pending) < _MAX_PENDING and self.transport is not None:
                request = self._next_request()
                if request is None:
                    break
                self._handle(*request)
        except http11.HTTPError as exc:
            self._fail(exc.status, exc.reason)
        except Exception as exc:  # a bug must cost one request and one log line, not the service
            self.service.log.line(("read", type(exc).__name__), "error reading a request: %r" % exc)
            self._fail(500, "internal error")
        finally:
            self._in_process = False
        if (self._write_paused or self._pending) and self.transport is not None and self._blocked() \
                and not self._read_paused:
            self._read_paused = True
            self.transport.pause_reading()
        if self._eof:
            self._end_of_input()

    def _unblock(self):
        if self._read_paused and not self._blocked() and self.transport is not None:
            self._read_paused = False
            if not self._closing:
                self.transport.resume_reading()
            self._process()

    def _next_request(self):
        """(method, target, version, headers, body) of the next complete request in the buffer, or None."""
        if self._head is None:
            self._head = self._read_head()
            if self._head is None:
                return None
        if self._chunked is not None:
            if not self._chunked.feed(self._buf):
                return None
            body, self._chunked = bytes(self._chunked.body), None
        else:
            if len(self._buf) < self._length:
                return None
            body = bytes(self._buf[:self._length])
            del self._buf[:self._length]
        head, self._head = self._head, None
        self._started = _now() if self._buf else None
        return head + (body,)

    def _read_head(self):
        while self._buf.startswith(b"\r\n"):  # RFC 9112 2.2: empty lines before a request are ignored
            del self._buf[:2]
            self._scanned = 0
        self._asked_head = self._buf.startswith(b"HEAD ")
        if self._buf[:1] and not self._buf[:1].isalpha():
            # A method starts with a letter: anything else (0x16, a TLS handshake) will never be a
            # request.  Answered at once, so that a client talking TLS to us hears plain HTTP now,
            # not after the request timeout.
            raise http11.HTTPError(400, "a request starts with a method (this service speaks plain HTTP)")
        end = self._buf.find(b"\r\n\r\n", self._scanned, http11.MAX_HEAD_BYTES + 4)
        if end < 0:
            if len(self._buf) > http11.MAX_HEAD_BYTES:
                raise http11.HTTPError(431, "a request head over %d bytes" % http11.MAX_HEAD_BYTES)
            self._scanned = max(0, len(self._buf) - 3)  # so that a head sent byte by byte costs O(n)
            return None
        head = bytes(self._buf[:end])
        del self._buf[:end + 4]
        self._scanned = 0
        method, target, version, headers = http11.parse_head(head)
        self._length, self._chunked = http11.framing(headers)
        return method, target, version, headers

    def _handle(self, method, target, version, headers, body):
        keep_alive = http11.keep_alive(version, headers.get(b"connection"))
        if not keep_alive:
            self._closing = True
        compat = _COMPAT.search(headers.get(b"accept", b""))
        major = int(compat.group(1)) if compat else 8
        try:
            status, content_type, text = search_api.route(self.service.store, method, target, _text(body), major)
        except search_api.ApiError as exc:  # the client's mistake: JSON, validation, an unknown route
            status, content_type = exc.status, "application/json"
            text = search_api.error_text(exc.status, exc.kind, exc.reason)
        except Exception as exc:  # a bug must cost one request and one log line, not the connection
            self.service.log.line(("search_api.route", type(exc).__name__), "error answering %s %s: %r"
                                  % (method, target[:80], exc))
            status, content_type = 500, "application/json"
            text = search_api.error_text(500, "internal_error", "the local search service failed on this request")
        self._reply(status, content_type, text, method == "HEAD", keep_alive)

    def _fail(self, status, reason):
        """Answer a request that cannot be read, then close: its framing is unknown."""
        if self._linger is not None or self.transport is None or self.transport.is_closing():
            if self.transport is not None:
                self.transport.abort()  # answered already: nothing more can be said
            return
        self._closing = True
        self._buf, self._head, self._chunked = bytearray(), None, None
        kind = "timeout_exception" if status == 408 else "http_exception"
        self._reply(status, "application/json", search_api.error_text(status, kind, reason), self._asked_head, False)

    def _reply(self, status, content_type, text, head_only, keep_alive):
        payload = http11.response(status, content_type, text, head_only, keep_alive)
        if self.service.service_s > 0:
            # Every response waits the same time, so the oldest is always the first due: each
            # timer sends the head of the queue, and answers leave in the order asked.
            self._pending.append((payload, keep_alive))
            self._loop.call_later(self.service.service_s, self._send_next)
        else:
            self._send(payload, keep_alive)

    def _send_next(self):
        if self._pending:
            self._send(*self._pending.popleft())
            self._unblock()

    def _send(self, payload, keep_alive):
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        transport.write(payload)
        self._last = _now()
        if not keep_alive or (self._closing and not self._pending):
            self._close()

    def _close(self):
        """Close after the last response: with the client's end already shut, at once; otherwise
        shut ours and drain what it still sends for a moment, or the kernel's reset on unread data
        could destroy the response before the client reads it."""
        transport = self.transport
        self._closing, self._pending = True, collections.deque()
        if self._eof or not transport.can_write_eof():
            transport.close()
            return
        try:
            transport.write_eof()
        except OSError:  # the client is gone already (reset)
            transport.abort()
            return
        if self._read_paused:
            self._read_paused = False
            transport.resume_reading()
        self._linger = self._loop.call_later(_LINGER_S, transport.abort)

    def expire(self, now):
        """Called about once a second: end a connection that is idle, or too slow to send or read."""
        if self.transport is None or self._linger is not None:
            return
        service = self.service
        if self._pending or self._write_paused:
            if now - self._last > service.idle_timeout_s:  # its client reads nothing
                self.transport.abort()
        elif self._started is not None and not self._closing:
            if now - self._started > service.request_timeout_s:
                self._fail(408, "the request was not complete within %g s" % service.request_timeout_s)
        elif now - self._last > service.idle_timeout_s:
            self.transport.close()


def connection_cap(wanted):
    """``wanted``, lowered where the process's file-descriptor limit could not hold that many."""
    if resource is None:
        return wanted
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - _FDS_KEPT))
