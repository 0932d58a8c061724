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

Stdlib only, Python 3.9-compatible.
"""
import argparse
import asyncio
import ipaddress
import json
import os
import re
import signal
import sys
import uuid
from urllib.parse import parse_qs, urlsplit

DEFAULT_SERVICE_MS = 10.0
HOST = "127.0.0.1"
_MAX_HEAD = 65536
_PARENT_POLL_S = 0.5
_REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict",
            413: "Payload Too Large"}
_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9_.+-]*$")
_COMPAT = re.compile(rb"compatible-with=(\d+)")


class _Error(Exception):
    def __init__(self, status, kind, reason):
        Exception.__init__(self, reason)
        self.status, self.kind, self.reason = status, kind, reason


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
        return "application/json", json.dumps(rows)
    return "text/plain; charset=UTF-8", "".join(
        "%(health)s %(status)s %(index)s %(uuid)s %(pri)s %(rep)s %(docs.count)s %(docs.deleted)s "
        "%(store.size)s %(pri.store.size)s\n" % r for r in rows)


def _search(store, index, body, query):
    request = json.loads(body) if body else {}
    wanted = request.get("query", {"match_all": {}})
    if set(wanted) != {"match_all"}:
        raise _Error(400, "parsing_exception", "this local service answers match_all queries only")
    names = [index] if index else sorted(store.indices)
    docs = [(name, i, src) for name in names for i, src in store.existing(name).items()]
    size = int(request.get("size", query.get("size", ["10"])[0]))
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
    docs = store.index(name)
    doc_id = parts[2] if len(parts) == 3 else uuid.uuid4().hex[:20]
    if verb == "_create" and doc_id in docs:
        raise _Error(409, "version_conflict_engine_exception", "[%s]: document already exists" % doc_id)
    created = doc_id not in docs
    docs[doc_id] = json.loads(body) if body else {}
    return (201 if created else 200), {
        "_index": name, "_id": doc_id, "_version": 1, "result": "created" if created else "updated",
        "_shards": {"total": 1, "successful": 1, "failed": 0}, "_seq_no": len(docs) - 1, "_primary_term": 1}


def route(store, method, target, body, major):
    """(status, content type, body text) of one request."""
    url = urlsplit(target)
    query = parse_qs(url.query)
    parts = [p for p in url.path.split("/") if p]
    if not parts:
        return 200, "application/json", json.dumps(_info(store, major))
    if parts == ["_cluster", "health"]:
        return 200, "application/json", json.dumps({
            "cluster_name": "gilbench", "status": "green", "timed_out": False, "number_of_nodes": 1,
            "number_of_data_nodes": 1, "active_primary_shards": len(store.indices),
            "active_shards": len(store.indices), "relocating_shards": 0, "initializing_shards": 0,
            "unassigned_shards": 0, "active_shards_percent_as_number": 100.0})
    if parts == ["_cat", "indices"]:
        return (200,) + _cat_indices(store, query)
    if parts[-1] == "_search" and len(parts) <= 2 and method in ("GET", "POST"):
        return 200, "application/json", json.dumps(_search(store, parts[0] if len(parts) == 2 else None, body, query))
    if len(parts) == 1 and not parts[0].startswith("_"):
        if method == "PUT":
            store.index(parts[0], create=True)
            return 200, "application/json", json.dumps({"acknowledged": True, "shards_acknowledged": True,
                                                        "index": parts[0]})
        if method == "HEAD":
            return (200 if parts[0] in store.indices else 404), "application/json", ""
        if method == "DELETE":
            store.existing(parts[0])
            del store.indices[parts[0]]
            return 200, "application/json", json.dumps({"acknowledged": True})
    if len(parts) == 2 and parts[1] == "_refresh" and method in ("GET", "POST"):
        store.existing(parts[0])
        return 200, "application/json", json.dumps({"_shards": {"total": 1, "successful": 1, "failed": 0}})
    if len(parts) in (2, 3) and parts[1] in ("_doc", "_create"):
        status, out = _doc(store, method, parts, body)
        return status, "application/json", json.dumps(out)
    raise _Error(404, "no_handler_found_exception", "no handler found for uri [%s] and method [%s]"
                 % (url.path, method))


def _response(status, content_type, text, head_only, keep_alive):
    body = text.encode("utf-8")
    head = ("HTTP/1.1 %d %s\r\nX-Elastic-Product: Elasticsearch\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
            % (status, _REASONS.get(status, "Error"), content_type, len(body),
               "" if keep_alive else "Connection: close\r\n"))
    # One buffer, one write: see the module docstring.
    return head.encode("latin-1") + (b"" if head_only else body)


class _Connection(asyncio.Protocol):
    def __init__(self, store, service_s):
        self.store, self.service_s = store, service_s
        self.transport, self.buffer = None, b""

    def connection_made(self, transport):
        peer = transport.get_extra_info("peername")
        # Bound to 127.0.0.1 already; this refuses anything else that could still reach the socket.
        if not peer or not ipaddress.ip_address(peer[0]).is_loopback:
            transport.abort()
            return
        self.transport = transport

    def data_received(self, data):
        if self.transport is None:
            return
        self.buffer += data
        while self.transport is not None:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > _MAX_HEAD:
                    self._reply(413, "application/json", "{}", False, False)
                return
            lines = self.buffer[:end].split(b"\r\n")
            headers = dict((k.strip().lower(), v.strip()) for k, _, v in (l.partition(b":") for l in lines[1:]))
            length = int(headers.get(b"content-length", b"0") or 0)
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4:end + 4 + length]
            self.buffer = self.buffer[end + 4 + length:]
            self._handle(lines[0], headers, body)

    def _handle(self, request_line, headers, body):
        try:
            method, target, version = request_line.decode("latin-1").split(" ")
        except ValueError:
            self._reply(400, "application/json", "{}", False, False)
            return
        keep_alive = headers.get(b"connection", b"").lower() != b"close" and version == "HTTP/1.1"
        compat = _COMPAT.search(headers.get(b"accept", b""))
        major = int(compat.group(1)) if compat else 8
        try:
            status, content_type, text = route(self.store, method, target, body.decode("utf-8"), major)
        except _Error as exc:
            status, content_type = exc.status, "application/json"
            text = json.dumps({"error": {"root_cause": [{"type": exc.kind, "reason": exc.reason}],
                                         "type": exc.kind, "reason": exc.reason}, "status": exc.status})
        except (ValueError, TypeError) as exc:
            status, content_type = 400, "application/json"
            text = json.dumps({"error": {"type": "parse_exception", "reason": str(exc)}, "status": 400})
        self._reply(status, content_type, text, method == "HEAD", keep_alive)

    def _reply(self, status, content_type, text, head_only, keep_alive):
        payload = _response(status, content_type, text, head_only, keep_alive)
        if self.service_s > 0:
            asyncio.get_running_loop().call_later(self.service_s, self._send, payload, keep_alive)
        else:
            self._send(payload, keep_alive)

    def _send(self, payload, keep_alive):
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(payload)
        if not keep_alive:
            self.transport.close()
            self.transport = None

    def connection_lost(self, exc):
        self.transport = None


async def _watch_parent(parent, stop):
    # A run killed outright (SIGKILL) cannot stop its service: the service notices it was orphaned.
    while not stop.is_set():
        if os.getppid() != parent:
            stop.set()
        await asyncio.sleep(_PARENT_POLL_S)


async def _serve(port, service_s, ready, parent=None):
    loop = asyncio.get_running_loop()
    store = _Store()
    server = await loop.create_server(lambda: _Connection(store, service_s), HOST, port, backlog=1024,
                                      reuse_address=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    watcher = loop.create_task(_watch_parent(parent, stop)) if parent else None
    ready(server.sockets[0].getsockname()[1])
    await stop.wait()
    if watcher:
        await watcher
    server.close()
    await server.wait_closed()


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.search_service", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=HOST, help="must be a loopback address (default %(default)s)")
    parser.add_argument("--port", type=int, default=0, help="0: a free port (default)")
    parser.add_argument("--service-ms", type=float, default=DEFAULT_SERVICE_MS,
                        help="time each response waits, in ms (default %(default)s)")
    parser.add_argument("--parent-pid", type=int,
                        help="exit when this process, our parent, is gone (a killed run's service ends too)")
    args = parser.parse_args(argv)
    if not ipaddress.ip_address(args.host).is_loopback or args.host != HOST:
        parser.error("the local search service binds %s only (got --host %s)" % (HOST, args.host))
    if args.service_ms < 0:
        parser.error("--service-ms must be 0 or more")

    def ready(port):
        print(port, flush=True)

    asyncio.run(_serve(args.port, args.service_ms / 1000.0, ready, args.parent_pid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
