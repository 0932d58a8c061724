"""HTTP/1.1 request framing for the local search service, strict and bounded.

A request head is at most ``MAX_HEAD_BYTES`` with at most ``MAX_HEADERS`` fields (431), a body
at most ``MAX_BODY_BYTES`` (413, decided from Content-Length before a byte of it is read;
chunked bodies are decoded under the same cap).  Framing that two parsers could read two ways
-- Transfer-Encoding with Content-Length, two Content-Lengths, a length that is not plain
digits, a coding other than chunked, obs-fold, a space before a colon, control characters --
is refused, never guessed at.

Stdlib only, Python 3.9-compatible.
"""
import re

MAX_HEAD_BYTES = 65536  # request line and header fields together, however they arrive
MAX_HEADERS = 100
MAX_BODY_BYTES = 10 * 1024 * 1024  # Elasticsearch's default is 100 MB; the workloads send a few KB
_MAX_CHUNK_LINE = 4096
_REASONS = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
            408: "Request Timeout", 409: "Conflict", 413: "Payload Too Large",
            431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
            503: "Service Unavailable", 505: "HTTP Version Not Supported"}
_TOKEN = rb"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
# No obs-fold, no space before the colon, no control characters: each a way to smuggle a field.
_FIELD_TEXT = _TOKEN + rb":[^\x00-\x08\x0a-\x1f\x7f]*"
_FIELD = re.compile(_FIELD_TEXT + rb"\Z")
# The whole head in one match (one C call per request, not one per field).
_HEAD = re.compile(rb"(" + _TOKEN + rb") ([!-~]+) HTTP/([0-9])\.([0-9])((?:\r\n" + _FIELD_TEXT + rb")*)\Z")
_DIGITS = re.compile(rb"[0-9]+\Z")
_CHUNK_SIZE = re.compile(rb"([0-9A-Fa-f]{1,16})[ \t]*(?:;[^\x00-\x08\x0a-\x1f\x7f]*)?\Z")


class HTTPError(Exception):
    """A request that cannot be framed or read: answered, then the connection is closed."""

    def __init__(self, status, reason):
        Exception.__init__(self, reason)
        self.status, self.reason = status, reason


def response(status, content_type, text, head_only, keep_alive):
    """The bytes of a whole response, with the header the official Elasticsearch client checks."""
    body = text.encode("utf-8")
    head = ("HTTP/1.1 %d %s\r\nX-Elastic-Product: Elasticsearch\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
            % (status, _REASONS.get(status, "Error"), content_type, len(body),
               "" if keep_alive else "Connection: close\r\n"))
    # One buffer, one write: several small writes would meet Nagle and delayed ACK (search_service).
    return head.encode("latin-1") + (b"" if head_only else body)


def parse_head(head):
    """(method, target, (major, minor), {lower-case name: value}) of a request head without its final CRLF."""
    if head.count(b"\r\n") > MAX_HEADERS:
        raise HTTPError(431, "more than %d header fields" % MAX_HEADERS)
    match = _HEAD.match(head)
    if not match:
        raise HTTPError(400, "malformed request line or header field")
    method, target, major, minor, fields = match.groups()
    version = (int(major), int(minor))
    if version not in ((1, 0), (1, 1)):
        raise HTTPError(505, "HTTP/%d.%d is not supported (HTTP/1.1 and 1.0 are)" % version)
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


def framing(headers):
    """(Content-Length, a Chunked decoder or None) of a request; HTTPError when it could be read two ways."""
    encoding, length = headers.get(b"transfer-encoding"), headers.get(b"content-length")
    if encoding is not None and length is not None:
        raise HTTPError(400, "both Transfer-Encoding and Content-Length")
    if encoding is not None:
        if encoding.lower() != b"chunked":
            raise HTTPError(501, "Transfer-Encoding other than chunked is not supported")
        return 0, Chunked()
    if length is None:
        return 0, None
    if b"," in length:
        raise HTTPError(400, "more than one Content-Length")
    if not _DIGITS.match(length):
        raise HTTPError(400, "Content-Length must be a decimal number")
    if len(length) > 18 or int(length) > MAX_BODY_BYTES:
        raise HTTPError(413, "a body over %d bytes" % MAX_BODY_BYTES)
    return int(length), None


def keep_alive(version, connection):
    if connection is None:
        return version == (1, 1)
    tokens = {t.strip() for t in connection.lower().split(b",")}
    return b"close" not in tokens if version == (1, 1) else b"keep-alive" in tokens


class Chunked:
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
                    raise HTTPError(400, "chunk data not followed by CRLF")
                self.body += buf[:self._left]
                del buf[:self._left + 2]
                self._left = None
                continue
            end = buf.find(b"\r\n", 0, _MAX_CHUNK_LINE)
            if end < 0:
                if len(buf) >= _MAX_CHUNK_LINE:
                    raise HTTPError(400, "chunk size line over %d bytes" % _MAX_CHUNK_LINE)
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
                raise HTTPError(400, "malformed chunk size")
            self._left = int(size.group(1), 16)
            if len(self.body) + self._left > MAX_BODY_BYTES:
                raise HTTPError(413, "a body over %d bytes" % MAX_BODY_BYTES)
            if self._left == 0:
                self._left, self._trailers = None, 0

    def _trailer(self, line):
        self._trailers += 1
        if self._trailers > MAX_HEADERS:
            raise HTTPError(431, "more than %d trailer fields" % MAX_HEADERS)
        if not _FIELD.match(line):
            raise HTTPError(400, "malformed trailer field")
