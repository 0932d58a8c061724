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
loop, so any number of requests wait at once, as they would on a real server.  A response is
written in one ``write`` on a TCP_NODELAY socket (asyncio's default): several small writes
would meet Nagle's algorithm and the client's delayed ACK, tens of milliseconds per call.

It is a bounded HTTP/1.1 server: whatever a client sends, each request gets a response or a
close within a bound, and memory, file descriptors and the log stay bounded.  The request head
is at most ``MAX_HEAD_BYTES`` with ``MAX_HEADERS`` fields (431), a body at most
``MAX_BODY_BYTES`` (413, decided from Content-Length before it is read; chunked bodies are
decoded under the same cap), framing that could be read two ways is refused (400), JSON bodies
must be objects nested at most ``MAX_JSON_DEPTH`` deep, without NaN or Infinity.  A connection
idle for ``--idle-timeout-s`` is closed, a request not complete within ``--request-timeout-s``
gets 408; beyond ``--max-connections`` a new connection gets 503 and is closed; a client that
does not read its responses stops being read.  An unexpected error gives 500 and one log line.

Stdlib only, Python 3.9-compatible.
"""
import argparse
import asyncio
import collections
import ipaddress
import itertools
import json
import os
import re
import signal
import sys
import time
import uuid
from urllib.parse import parse_qs, urlsplit

try:
    import resource
except ImportError:  # pragma: no cover - not on Linux
    resource = None

DEFAULT_SERVICE_MS = 10.0
HOST = "127.0.0.1"
MAX_HEAD_BYTES = 65536  # request line and header fields together, however they arrive
MAX_HEADERS = 100
MAX_BODY_BYTES = 10 * 1024 * 1024  # Elasticsearch's default is 100 MB; the workloads send a few KB
MAX_JSON_DEPTH = 100  # far below Python's recursion limit, which the json parser recurses into
MAX_RESULT_WINDOW = 10000  # Elasticsearch's index.max_result_window: the largest `size`
DEFAULT_MAX_CONNECTIONS = 512
DEFAULT_IDLE_TIMEOUT_S = 30.0
DEFAULT_REQUEST_TIMEOUT_S = 10.0
_FDS_KEPT = 64  # descriptors left free below RLIMIT_NOFILE (listening socket, log, accept bursts)
_MAX_PENDING = 32  # responses waiting on one connection before it is no longer read
_LINGER_S = 2.0  # after the response that closes a connection, what the client still sends is drained
_LOG_EVERY_S = 60.0
_MAX_CHUNK_LINE = 4096
_PARENT_POLL_S = 0.5
_now = time.monotonic  # what loop.time() reads, without its call on the hot path
_REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            408: "Request Timeout", 409: "Conflict", 413: "Payload Too Large",
            431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
            503: "Service Unavailable", 505: "HTTP Version Not Supported"}
_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9_.+-]*$")
_COMPAT = re.compile(rb"compatible-with=(\d+)")
_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
# No obs-fold, no space before the colon, no control characters: each a way to smuggle a field.
_FIELD_TEXT = _TOKEN + rb":[^\x00-\x08\x0a-\x1f\x7f]*"
_FIELD = re.compile(_FIELD_TEXT + rb"\Z")
# The whole head in one match (one C call per request, not one per field).
_HEAD = re.compile(rb"(" + _TOKEN + rb") ([!-~]+) HTTP/([0-9])\.([0-9])((?:\r\n" + _FIELD_TEXT + rb")*)\Z")
_DIGITS = re.compile(rb"[0-9]+\Z")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\x00-\x08\x0a-\x1f\x7f]*)?\Z")
# A string, or an unterminated one up to the end: it never fails once at a quote, so it never
# backtracks (a pattern that can fail retries at every later quote: quadratic on `"\\"\\"...`).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SIZE_TEXT = re.compile(r"[0-9]{1,9}\Z")
_JSON_TYPES = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
               list: "an array"}


class _Error(Exception):
    """An Elasticsearch-style error answer; the connection stays usable."""

    def __init__(self, status, kind, reason):
        Exception.__init__(self, reason)
        self.status, self.kind, self.reason = status, kind, reason


class _HTTPError(Exception):
    """A request that cannot be framed or read: answered, then the connection is closed."""

    def __init__(self, status, reason):
        Exception.__init__(self, reason)
        self.status, self.reason = status, reason


# Strict JSON only: a NaN in a response would break every client that parses it.  One encoder
# made once: json.dumps with any non-default argument builds a new one per call.
_dumps = json.JSONEncoder(allow_nan=False).encode


def _error_text(status, kind, reason):
    return _dumps({"error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason},
                   "status": status})


def _refuse_constant(name):
    raise ValueError("%s is not JSON" % name)


def _finite_float(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError("number %s is out of range" % text[:40])
    return value


def _too_deep(text, limit):
    """True when ``text`` (JSON) nests arrays and objects more than ``limit`` deep."""
    # Two counts in C settle the usual body; only a bracket-rich one is scanned (strings removed
    # first, then the depth is a running sum over the brackets, still without a Python loop).
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = _NOT_BRACKET.sub("", _JSON_STRING.sub("", text))
    return max(itertools.accumulate(map(_DEPTH_STEP.__getitem__, brackets)), default=0) > limit


def _json_object(text, what):
    """``text`` parsed as a JSON object, or _Error 400: not an object, too deep, NaN or Infinity."""
    if _too_deep(text, MAX_JSON_DEPTH):
        raise _Error(400, "parsing_exception", "%s nests deeper than %d levels" % (what, MAX_JSON_DEPTH))
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:  # cannot happen below MAX_JSON_DEPTH; kept as a second guard
        raise _Error(400, "parsing_exception", "%s nests too deep" % what)
    except ValueError as exc:
        raise _Error(400, "parsing_exception", "%s is not valid JSON: %s" % (what, exc))
    if not isinstance(value, dict):
        raise _Error(400, "parsing_exception", "%s must be a JSON object, not %s" % (what, _JSON_TYPES[type(value)]))
    return value


class _Store:
    """The indices and their documents, in memory."""

    def __init__(self):
        self.indices = {}  # name -> {id: source}
        self.uuid = uuid.uuid4().hex[:22]

    def index(self, name, create=False):
        if not _INDEX_NAME.match(name):
            raise _Error(400, "invalid_index_name_exception", "Invalid index name [%s]" % name)
        if create and name in self.indices:
            raise _Error(400, "resource_already_exists_exception", "index [%s] already exists" % name)
        return self.indices.setdefault(name, {})

    def existing(self, name):
        if name not in self.indices:
            raise _Error(404, "index_not_found_exception", "no such index [%s]" % name)
        return self.indices[name]


def _info(store, major):
    # The version follows the major the client asked to be compatible with: the service speaks
    # the subset of the API that did not change between 8 and 9.
    return {"name": "gilbench-local", "cluster_name": "gilbench", "cluster_uuid": store.uuid,
            "version": {"number": "%d.0.0" % major, "build_flavor": "gilbench-local-search-service",
                        "lucene_version": "none", "minimum_wire_compatibility_version": "7.17.0",
                        "minimum_index_compatibility_version": "7.0.0"},
            "tagline": "You Know, for Search"}


def _cat_indices(store, query):
    rows = [{"health": "green", "status": "open", "index": name, "uuid": store.uuid, "pri": "1", "rep": "0",
             "docs.count": str(len(docs)), "docs.deleted": "0", "store.size": "1kb", "pri.store.size": "1kb"}
            for name, docs in sorted(store.indices.items())]
    if query.get("format") == ["json"]:
        return "application/json", _dumps(rows)
    return "text/plain; charset=UTF-8", "".join(
        "%(health)s %(status)s %(index)s %(uuid)s %(pri)s %(rep)s %(docs.count)s %(docs.deleted)s "
        "%(store.size)s %(pri.store.size)s\n" % r for r in rows)


def _size(request, query):
    """The search's ``size``: an integer from 0 to MAX_RESULT_WINDOW, from the body or the query string."""
    size = request["size"] if "size" in request else query.get("size", ["10"])[0]
    if isinstance(size, str) and _SIZE_TEXT.match(size):
        size = int(size)
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_RESULT_WINDOW:
        raise _Error(400, "illegal_argument_exception", "[size] must be an integer from 0 to %d, not %s"
                     % (MAX_RESULT_WINDOW, str(size)[:40]))
    return size


def _search(store, index, body, query):
    request = _json_object(body, "the search body") if body.strip() else {}
    wanted = request.get("query", {"match_all": {}})
    if not isinstance(wanted, dict) or set(wanted) != {"match_all"}:
        raise _Error(400, "parsing_exception", "this local service answers match_all queries only")
    size = _size(request, query)
    names = [index] if index else sorted(store.indices)
    docs = [(name, i, src) for name in names for i, src in store.existing(name).items()]
    hits = [{"_index": name, "_id": i, "_score": 1.0, "_source": src} for name, i, src in docs[:size]]
    return {"took": 0, "timed_out": False, "_shards": {"total": len(names), "successful": len(names), "skipped": 0,
                                                       "failed": 0},
            "hits": {"total": {"value": len(docs), "relation": "eq"}, "max_score": 1.0 if hits else None,
                     "hits": hits}}


def _doc(store, method, parts, body):
    name, verb = parts[0], parts[1]
    if verb == "_doc" and method == "GET" and len(parts) == 3:
        docs = store.existing(name)
        found = parts[2] in docs
        out = {"_index": name, "_id": parts[2], "found": found}
        if found:
            out.update(_version=1, _seq_no=0, _primary_term=1, _source=docs[parts[2]])
        return (200 if found else 404), out
    if method not in ("PUT", "POST") or (method == "PUT" and len(parts) != 3):
        raise _Error(405, "method_not_allowed", "%s is not allowed on /%s" % (method, "/".join(parts)))
    source = _json_object(body, "the document") if body else {}
    docs = store.index(name)
    doc_id = parts[2] if len(parts) == 3 else uuid.uuid4().hex[:20]
    if verb == "_create" and doc_id in docs:
        raise _Error(409, "version_conflict_engine_exception", "[%s]: document already exists" % doc_id)
    created = doc_id not in docs
    docs[doc_id] = source
    return (201 if created else 200), {
        "_index": name, "_id": doc_id, "_version": 1, "result": "created" if created else "updated",
        "_shards": {"total": 1, "successful": 1, "failed": 0}, "_seq_no": len(docs) - 1, "_primary_term": 1}


def route(store, method, target, body, major):
    """(status, content type, body text) of one request."""
    url = urlsplit(target)
    query = parse_qs(url.query)
    parts = [p for p in url.path.split("/") if p]
    if not parts:
        return 200, "application/json", _dumps(_info(store, major))
    if parts == ["_cluster", "health"]:
        return 200, "application/json", _dumps({
            "cluster_name": "gilbench", "status": "green", "timed_out": False, "number_of_nodes": 1,
            "number_of_data_nodes": 1, "active_primary_shards": len(store.indices),
            "active_shards": len(store.indices), "relocating_shards": 0, "initializing_shards": 0,
            "unassigned_shards": 0, "active_shards_percent_as_number": 100.0})
    if parts == ["_cat", "indices"]:
        return (200,) + _cat_indices(store, query)
    if parts[-1] == "_search" and len(parts) <= 2 and method in ("GET", "POST"):
        return 200, "application/json", _dumps(_search(store, parts[0] if len(parts) == 2 else None, body, query))
    if len(parts) == 1 and not parts[0].startswith("_"):
        if method == "PUT":
            store.index(parts[0], create=True)
            return 200, "application/json", _dumps({"acknowledged": True, "shards_acknowledged": True,
                                                    "index": parts[0]})
        if method == "HEAD":
            return (200 if parts[0] in store.indices else 404), "application/json", ""
        if method == "DELETE":
            store.existing(parts[0])
            del store.indices[parts[0]]
            return 200, "application/json", _dumps({"acknowledged": True})
    if len(parts) == 2 and parts[1] == "_refresh" and method in ("GET", "POST"):
        store.existing(parts[0])
        return 200, "application/json", _dumps({"_shards": {"total": 1, "successful": 1, "failed": 0}})
    if len(parts) in (2, 3) and parts[1] in ("_doc", "_create"):
        status, out = _doc(store, method, parts, body)
        return status, "application/json", _dumps(out)
    raise _Error(404, "no_handler_found_exception", "no handler found for uri [%s] and method [%s]"
                 % (url.path, method))


def _response(status, content_type, text, head_only, keep_alive):
    body = text.encode("utf-8")
    head = ("HTTP/1.1 %d %s\r\nX-Elastic-Product: Elasticsearch\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
            % (status, _REASONS.get(status, "Error"), content_type, len(body),
               "" if keep_alive else "Connection: close\r\n"))
    # One buffer, one write: see the module docstring.
    return head.encode("latin-1") + (b"" if head_only else body)


def _parse_head(head):
    """(method, target, (major, minor), {lower-case name: value}) of a request head without its final CRLF."""
    if head.count(b"\r\n") > MAX_HEADERS:
        raise _HTTPError(431, "more than %d header fields" % MAX_HEADERS)
    match = _HEAD.match(head)
    if not match:
        raise _HTTPError(400, "malformed request line or header field")
    method, target, major, minor, fields = match.groups()
    version = (int(major), int(minor))
    if version not in ((1, 0), (1, 1)):
        raise _HTTPError(505, "HTTP/%d.%d is not supported (HTTP/1.1 and 1.0 are)" % version)
    fields = [line.partition(b":") for line in fields.split(b"\r\n")[1:]]
    headers = {name.lower(): value.strip(b" \t") for name, _, value in fields}
    if len(headers) < len(fields):
        # A repeated field is one comma-joined list (RFC 9110 5.3): so two Content-Lengths,
        # equal or not, fail the digits-only check below.
        headers = {}
        for name, _, value in fields:
            name, value = name.lower(), value.strip(b" \t")
            headers[name] = headers[name] + b", " + value if name in headers else value
    return method.decode("ascii"), target.decode("ascii"), version, headers


def _framing(headers):
    """(Content-Length, a _Chunked decoder or None) of a request; _HTTPError when it could be read two ways."""
    encoding, length = headers.get(b"transfer-encoding"), headers.get(b"content-length")
    if encoding is not None and length is not None:
        raise _HTTPError(400, "both Transfer-Encoding and Content-Length")
    if encoding is not None:
        if encoding.lower() != b"chunked":
            raise _HTTPError(501, "Transfer-Encoding other than chunked is not supported")
        return 0, _Chunked()
    if length is None:
        return 0, None
    if b"," in length:
        raise _HTTPError(400, "more than one Content-Length")
    if not _DIGITS.match(length):
        raise _HTTPError(400, "Content-Length must be a decimal number")
    if len(length) > 18 or int(length) > MAX_BODY_BYTES:
        raise _HTTPError(413, "a body over %d bytes" % MAX_BODY_BYTES)
    return int(length), None


def _keep_alive(version, connection):
    if connection is None:
        return version == (1, 1)
    tokens = {t.strip() for t in connection.lower().split(b",")}
    return b"close" not in tokens if version == (1, 1) else b"keep-alive" in tokens


class _Chunked:
    """A chunked body (RFC 9112 7.1), decoded as it arrives, under MAX_BODY_BYTES; trailers are read and dropped."""

    def __init__(self):
        self.body = bytearray()
        self._left = None  # data bytes of the current chunk; None: a size (or trailer) line is next
        self._trailers = None  # trailer fields read so far, once the last chunk came

    def feed(self, buf):
        """Consume what it can of ``buf`` (bytes consumed are deleted); True when the body is complete."""
        while True:
            if self._left is not None:
                if len(buf) < self._left + 2:
                    return False
                if buf[self._left:self._left + 2] != b"\r\n":
                    raise _HTTPError(400, "chunk data not followed by CRLF")
                self.body += buf[:self._left]
                del buf[:self._left + 2]
                self._left = None
                continue
            end = buf.find(b"\r\n", 0, _MAX_CHUNK_LINE)
            if end < 0:
                if len(buf) >= _MAX_CHUNK_LINE:
                    raise _HTTPError(400, "chunk size line over %d bytes" % _MAX_CHUNK_LINE)
                return False
            line = bytes(buf[:end])
            del buf[:end + 2]
            if self._trailers is not None:
                if not line:
                    return True
                self._trailer(line)
                continue
            size = _CHUNK_SIZE.match(line)
            if not size:
                raise _HTTPError(400, "malformed chunk size")
            self._left = int(size.group(1), 16)
            if len(self.body) + self._left > MAX_BODY_BYTES:
                raise _HTTPError(413, "a body over %d bytes" % MAX_BODY_BYTES)
            if self._left == 0:
                self._left, self._trailers = None, 0

    def _trailer(self, line):
        self._trailers += 1
        if self._trailers > MAX_HEADERS:
            raise _HTTPError(431, "more than %d trailer fields" % MAX_HEADERS)
        if not _FIELD.match(line):
            raise _HTTPError(400, "malformed trailer field")


class _Log:
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


class _Service:
    """What the connections share: the store, the limits, the log and the open connections."""

    def __init__(self, service_s, max_connections, idle_timeout_s, request_timeout_s, log):
        self.store = _Store()
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


class _Connection(asyncio.Protocol):
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
            transport.write(_response(503, "application/json", _error_text(
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
        except _HTTPError as exc:
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
        end = self._buf.find(b"\r\n\r\n", self._scanned, MAX_HEAD_BYTES + 4)
        if end < 0:
            if len(self._buf) > MAX_HEAD_BYTES:
                raise _HTTPError(431, "a request head over %d bytes" % MAX_HEAD_BYTES)
            self._scanned = max(0, len(self._buf) - 3)  # so that a head sent byte by byte costs O(n)
            return None
        head = bytes(self._buf[:end])
        del self._buf[:end + 4]
        self._scanned = 0
        method, target, version, headers = _parse_head(head)
        self._length, self._chunked = _framing(headers)
        return method, target, version, headers

    def _handle(self, method, target, version, headers, body):
        keep_alive = _keep_alive(version, headers.get(b"connection"))
        if not keep_alive:
            self._closing = True
        compat = _COMPAT.search(headers.get(b"accept", b""))
        major = int(compat.group(1)) if compat else 8
        try:
            status, content_type, text = route(self.service.store, method, target, body.decode("utf-8"), major)
        except _Error as exc:
            status, content_type = exc.status, "application/json"
            text = _error_text(exc.status, exc.kind, exc.reason)
        except (ValueError, TypeError, RecursionError) as exc:
            status, content_type = 400, "application/json"
            text = _dumps({"error": {"type": "parse_exception", "reason": str(exc)[:200]}, "status": 400})
        except Exception as exc:  # a bug must cost one request and one log line, not the connection
            self.service.log.line(("route", type(exc).__name__), "error answering %s %s: %r"
                                  % (method, target[:80], exc))
            status, content_type = 500, "application/json"
            text = _error_text(500, "internal_error", "the local search service failed on this request")
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
        self._reply(status, "application/json", _error_text(status, kind, reason), self._asked_head, False)

    def _reply(self, status, content_type, text, head_only, keep_alive):
        payload = _response(status, content_type, text, head_only, keep_alive)
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


def _connection_cap(wanted):
    """``wanted``, lowered where the process's file-descriptor limit could not hold that many."""
    if resource is None:
        return wanted
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - _FDS_KEPT))


async def _watch_parent(parent, stop):
    # A run killed outright (SIGKILL) cannot stop its service: the service notices it was orphaned.
    while not stop.is_set():
        if os.getppid() != parent:
            stop.set()
        await asyncio.sleep(_PARENT_POLL_S)


async def _serve(port, service_s, ready, parent=None, max_connections=DEFAULT_MAX_CONNECTIONS,
                 idle_timeout_s=DEFAULT_IDLE_TIMEOUT_S, request_timeout_s=DEFAULT_REQUEST_TIMEOUT_S):
    loop = asyncio.get_running_loop()
    log = _Log()
    loop.set_exception_handler(log.loop_error)
    service = _Service(service_s, _connection_cap(max_connections), idle_timeout_s, request_timeout_s, log)
    server = await loop.create_server(lambda: _Connection(service), HOST, port, backlog=1024,
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
    server.close()
    for connection in list(service.connections):  # wait_closed() waits for them in 3.12 and later
        if connection.transport is not None:
            connection.transport.abort()
    await server.wait_closed()


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
    parser.add_argument("--host", default=HOST, help="must be a loopback address (default %(default)s)")
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
    if not ipaddress.ip_address(args.host).is_loopback or args.host != HOST:
        parser.error("the local search service binds %s only (got --host %s)" % (HOST, args.host))
    if not args.service_ms >= 0:
        parser.error("--service-ms must be 0 or more")

    def ready(port):
        print(port, flush=True)

    asyncio.run(_serve(args.port, args.service_ms / 1000.0, ready, args.parent_pid, args.max_connections,
                       args.idle_timeout_s, args.request_timeout_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
