"""The part of Elasticsearch's REST API that the I/O workloads call, on an in-memory store.

``route(store, method, target, body, major)`` answers one request.  JSON bodies (documents and
searches) must be objects nested at most ``MAX_JSON_DEPTH`` deep, without NaN or Infinity;
``size`` is an integer from 0 to ``MAX_RESULT_WINDOW``; every answer is strict JSON.

Stdlib only, Python 3.9-compatible.
"""
import itertools
import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

MAX_JSON_DEPTH = 100  # far below Python's recursion limit, which the json parser recurses into
MAX_RESULT_WINDOW = 10000  # Elasticsearch's index.max_result_window: the largest `size`
_INDEX_NAME = re.compile(r"^[a-z0-9][a-z0-9_.+-]*$")
# A string, or an unterminated one up to the end: it never fails once at a quote, so it never
# backtracks (a pattern that can fail retries at every later quote: quadratic on `"\\"\\"...`).
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*(?:"|\\?\Z)', re.S)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_SIZE_TEXT = re.compile(r"[0-9]{1,9}\Z")
_JSON_TYPES = {type(None): "null", bool: "a boolean", int: "a number", float: "a number", str: "a string",
               list: "an array"}


class ApiError(Exception):
    """An Elasticsearch-style error answer; the connection stays usable."""

    def __init__(self, status, kind, reason):
        Exception.__init__(self, reason)
        self.status, self.kind, self.reason = status, kind, reason


# Strict JSON only: a NaN in a response would break every client that parses it.  One encoder
# made once: json.dumps with any non-default argument builds a new one per call.
dumps = json.JSONEncoder(allow_nan=False).encode


def error_text(status, kind, reason):
    return dumps({"error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason},
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
    """``text`` parsed as a JSON object, or ApiError 400: not an object, too deep, NaN or Infinity."""
    if _too_deep(text, MAX_JSON_DEPTH):
        raise ApiError(400, "parsing_exception", "%s nests deeper than %d levels" % (what, MAX_JSON_DEPTH))
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:  # cannot happen below MAX_JSON_DEPTH; kept as a second guard
        raise ApiError(400, "parsing_exception", "%s nests too deep" % what)
    except ValueError as exc:
        raise ApiError(400, "parsing_exception", "%s is not valid JSON: %s" % (what, exc))
    if not isinstance(value, dict):
        raise ApiError(400, "parsing_exception", "%s must be a JSON object, not %s" % (what, _JSON_TYPES[type(value)]))
    return value


class Store:
    """The indices and their documents, in memory."""

    def __init__(self):
        self.indices = {}  # name -> {id: source}
        self.uuid = uuid.uuid4().hex[:22]

    def index(self, name, create=False):
        if not _INDEX_NAME.match(name):
            raise ApiError(400, "invalid_index_name_exception", "Invalid index name [%s]" % name)
        if create and name in self.indices:
            raise ApiError(400, "resource_already_exists_exception", "index [%s] already exists" % name)
        return self.indices.setdefault(name, {})

    def existing(self, name):
        if name not in self.indices:
            raise ApiError(404, "index_not_found_exception", "no such index [%s]" % name)
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
        return "application/json", dumps(rows)
    return "text/plain; charset=UTF-8", "".join(
        "%(health)s %(status)s %(index)s %(uuid)s %(pri)s %(rep)s %(docs.count)s %(docs.deleted)s "
        "%(store.size)s %(pri.store.size)s\n" % r for r in rows)


def _size(request, query):
    """The search's ``size``: an integer from 0 to MAX_RESULT_WINDOW, from the body or the query string."""
    size = request["size"] if "size" in request else query.get("size", ["10"])[0]
    if isinstance(size, str) and _SIZE_TEXT.match(size):
        size = int(size)
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_RESULT_WINDOW:
        raise ApiError(400, "illegal_argument_exception", "[size] must be an integer from 0 to %d, not %s"
                     % (MAX_RESULT_WINDOW, str(size)[:40]))
    return size


def _search(store, index, body, query):
    request = _json_object(body, "the search body") if body.strip() else {}
    wanted = request.get("query", {"match_all": {}})
    if not isinstance(wanted, dict) or set(wanted) != {"match_all"}:
        raise ApiError(400, "parsing_exception", "this local service answers match_all queries only")
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
        raise ApiError(405, "method_not_allowed", "%s is not allowed on /%s" % (method, "/".join(parts)))
    source = _json_object(body, "the document") if body else {}
    docs = store.index(name)
    doc_id = parts[2] if len(parts) == 3 else uuid.uuid4().hex[:20]
    if verb == "_create" and doc_id in docs:
        raise ApiError(409, "version_conflict_engine_exception", "[%s]: document already exists" % doc_id)
    created = doc_id not in docs
    docs[doc_id] = source
    return (201 if created else 200), {
        "_index": name, "_id": doc_id, "_version": 1, "result": "created" if created else "updated",
        "_shards": {"total": 1, "successful": 1, "failed": 0}, "_seq_no": len(docs) - 1, "_primary_term": 1}


def route(store, method, target, body, major):
    """(status, content type, body text) of one request; ApiError for the client's mistakes."""
    try:
        url = urlsplit(target)
    except ValueError as exc:  # e.g. "//[x": an unclosed IPv6 bracket
        raise ApiError(400, "parse_exception", "the request target %r cannot be read (%s)" % (target[:80], exc))
    query = parse_qs(url.query)
    parts = [p for p in url.path.split("/") if p]
    if not parts:
        return 200, "application/json", dumps(_info(store, major))
    if parts == ["_cluster", "health"]:
        return 200, "application/json", dumps({
            "cluster_name": "gilbench", "status": "green", "timed_out": False, "number_of_nodes": 1,
            "number_of_data_nodes": 1, "active_primary_shards": len(store.indices),
            "active_shards": len(store.indices), "relocating_shards": 0, "initializing_shards": 0,
            "unassigned_shards": 0, "active_shards_percent_as_number": 100.0})
    if parts == ["_cat", "indices"]:
        return (200,) + _cat_indices(store, query)
    if parts[-1] == "_search" and len(parts) <= 2 and method in ("GET", "POST"):
        return 200, "application/json", dumps(_search(store, parts[0] if len(parts) == 2 else None, body, query))
    if len(parts) == 1 and not parts[0].startswith("_"):
        if method == "PUT":
            store.index(parts[0], create=True)
            return 200, "application/json", dumps({"acknowledged": True, "shards_acknowledged": True,
                                                    "index": parts[0]})
        if method == "HEAD":
            return (200 if parts[0] in store.indices else 404), "application/json", ""
        if method == "DELETE":
            store.existing(parts[0])
            del store.indices[parts[0]]
            return 200, "application/json", dumps({"acknowledged": True})
    if len(parts) == 2 and parts[1] == "_refresh" and method in ("GET", "POST"):
        store.existing(parts[0])
        return 200, "application/json", dumps({"_shards": {"total": 1, "successful": 1, "failed": 0}})
    if len(parts) in (2, 3) and parts[1] in ("_doc", "_create"):
        status, out = _doc(store, method, parts, body)
        return status, "application/json", dumps(out)
    raise ApiError(404, "no_handler_found_exception", "no handler found for uri [%s] and method [%s]"
                 % (url.path, method))
