"""The local search service as a bounded HTTP/1.1 server: whatever a client sends, it answers or
closes within a bound, stays alive, answers ``GET /`` afterwards, and its memory, file
descriptors and log come back to where they were.  Raw sockets on loopback only."""
import contextlib
import json
import os
import random
import resource
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from services import http11

_ROOT = Path(__file__).resolve().parent.parent
_TIMEOUT_S = 10.0  # the bound on every answer: far above what any case takes, so never flaky
_KNOWN = {200, 201, 400, 404, 405, 408, 409, 411, 413, 431, 501, 503, 505}


class _Service:
    """The service in a process of its own, with limits given as flags; its stderr goes to ``log``."""

    def __init__(self, log, *flags, nofile=None):
        self.log = log
        cmd = [sys.executable, "-u", "-m", "services.search_service", "--port", "0", "--service-ms", "0",
               "--parent-pid", str(os.getpid())] + list(flags)
        if nofile:  # a lower file-descriptor limit, set in the child only (exec keeps the pid)
            cmd = ["/bin/sh", "-c", 'ulimit -n %d && exec "$@"' % nofile, "sh"] + cmd
        env = dict(os.environ, PYTHONPATH=str(_ROOT))
        with open(log, "wb") as err:
            self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL,
                                         env=env, cwd=str(_ROOT))
        try:
            ready, _, _ = select.select([self.proc.stdout], [], [], 15)
            self.port = int(self.proc.stdout.readline()) if ready else None
            assert self.port, "the service did not start"
        except BaseException:
            self.stop()
            raise

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()

    def alive(self):
        return self.proc.poll() is None

    def rss_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            return int(next(line for line in f if line.startswith("VmRSS:")).split()[1])

    def fds(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def log_text(self):
        return Path(self.log).read_text(errors="replace")


@contextlib.contextmanager
def _service(tmp_path, *flags, nofile=None):
    service = _Service(str(tmp_path / "service.log"), *flags, nofile=nofile)
    try:
        yield service
    finally:
        service.stop()


def _connect(service):
    s = socket.create_connection(("127.0.0.1", service.port), timeout=_TIMEOUT_S)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def _read_all(s):
    """Everything until the service closes; a timeout fails the test (the bound)."""
    out = b""
    while True:
        try:
            data = s.recv(65536)
        except ConnectionResetError:
            return out
        if not data:
            return out
        out += data


def _responses(data, head_only=False):
    """[(status, headers, body)] of the responses in ``data``; each must be complete and valid."""
    found = []
    while data:
        end = data.find(b"\r\n\r\n")
        assert end > 0, data[:200]
        lines = data[:end].decode("latin-1").split("\r\n")
        version, status = lines[0].split(" ")[:2]
        assert version == "HTTP/1.1" and int(status) in _KNOWN, lines[0]
        headers = dict((k.lower(), v.strip()) for k, _, v in (line.partition(":") for line in lines[1:]))
        length = int(headers["content-length"])
        rest = data[end + 4:]
        if head_only and (not rest or rest.startswith(b"HTTP/1.1 ")):
            length = 0  # the answer to a HEAD; what follows a HEAD may be another request, answered in full
        body = data[end + 4:end + 4 + length]
        assert len(body) == length, "a truncated response"
        if body and headers["content-type"] == "application/json":
            json.loads(body, parse_constant=_no_constant)  # strict JSON: no NaN, no Infinity
        found.append((int(status), headers, body))
        data = data[end + 4 + length:]
    return found


def _no_constant(name):
    raise AssertionError("%s in a response" % name)


def _exchange(service, raw, shut=True):
    """Send ``raw``, shut our end (so that nothing incomplete is awaited), read to the close."""
    with _connect(service) as s:
        try:
            s.sendall(raw)
            if shut:
                s.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # it refused and closed while we sent (a reset, or not connected): a close is an answer too
        return _responses(_read_all(s), head_only=raw.startswith(b"HEAD "))


def _request(method, path, body=b"", headers=(), length=True):
    head = ["%s %s HTTP/1.1" % (method, path), "Host: 127.0.0.1"] + list(headers)
    if length and body:
        head.append("Content-Length: %d" % len(body))
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def _status(service, raw):
    answers = _exchange(service, raw)
    assert answers, "closed without a response"
    return answers[0][0]


def _root_answers(service):
    answers = _exchange(service, _request("GET", "/"))
    assert [a[0] for a in answers] == [200] and json.loads(answers[0][2])["name"] == "gilbench-local"
    assert service.alive()


def _clean_log(service):
    text = service.log_text()
    assert "Traceback" not in text, text[:2000]
    return text


def test_a_negative_content_length_is_refused_not_looped_on(tmp_path):
    with _service(tmp_path) as service:
        head = b"POST /i/_doc HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
        for length in (-1000000000, -len(head % -100), -1):
            with _connect(service) as s:  # keep-alive: the old parser re-read the same request for ever
                s.sendall(head % length + b"{}")
                answers = _responses(_read_all(s))
            assert [a[0] for a in answers] == [400] and answers[0][1]["connection"] == "close"
            _root_answers(service)
        assert _status(service, _request("GET", "/i/_search")) == 404  # nothing was indexed
        _clean_log(service)


def _chunked(*chunks, trailer=b""):
    return b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n" + trailer + b"\r\n"


def test_chunked_bodies_are_decoded(tmp_path):
    te = ["Transfer-Encoding: chunked"]
    with _service(tmp_path) as service:
        body = _chunked(b'{"a": ', b"1, ", b'"b": "x"}')
        assert _status(service, _request("PUT", "/c/_doc/1", body, te, length=False)) == 201
        ext = b'7;name="v"\r\n{"a": 2\r\n1\r\n}\r\n0\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n'  # extension, trailers
        assert _status(service, _request("PUT", "/c/_doc/2", ext, ["Transfer-Encoding: Chunked"], length=False)) == 201
        with _connect(service) as s:  # byte by byte, then a request on the same connection
            for byte in _request("PUT", "/c/_doc/3", _chunked(b'{"a": 3}'), te, length=False):
                s.sendall(bytes([byte]))
            s.sendall(_request("GET", "/c/_doc/3", headers=["Connection: close"]))
            answers = _responses(_read_all(s))
        assert [a[0] for a in answers] == [201, 200] and json.loads(answers[1][2])["_source"] == {"a": 3}
        for doc_id, source in (("1", {"a": 1, "b": "x"}), ("2", {"a": 2})):
            got = _exchange(service, _request("GET", "/c/_doc/" + doc_id))[0]
            assert json.loads(got[2])["_source"] == source
        _root_answers(service)
        _clean_log(service)


_MALFORMED_CHUNKS = [
    b"0x5\r\nhello\r\n0\r\n\r\n", b"-5\r\nhello\r\n0\r\n\r\n", b" 5\r\nhello\r\n0\r\n\r\n", b"g\r\nhello\r\n0\r\n\r\n",
    b"5\r\nhelloXX0\r\n\r\n", b"\r\nhello\r\n0\r\n\r\n", b"5\r\nhello\r\n0\r\nbad trailer\r\n\r\n",
    b"11111111111111111\r\n"]


def test_malformed_chunks_are_refused(tmp_path):
    with _service(tmp_path) as service:
        for body in _MALFORMED_CHUNKS:
            raw = _request("PUT", "/c/_doc/1", body, ["Transfer-Encoding: chunked"], length=False)
            assert _status(service, raw) == 400, body
            _root_answers(service)
        assert _status(service, _request("GET", "/c/_doc/1")) == 404


_TWO_WAYS = [
    (["Content-Length: 2", "Content-Length: 7"], 400),  # conflicting
    (["Content-Length: 7", "Content-Length: 7"], 400),  # duplicate
    (["Content-Length: 7, 7"], 400),
    (["Transfer-Encoding: chunked", "Content-Length: 7"], 400),  # both: could be read two ways
    (["Transfer-Encoding: gzip, chunked"], 501),
    (["Transfer-Encoding: gzip"], 501),
    (["Transfer-Encoding: chunked", "Transfer-Encoding: chunked"], 501),
]


def test_framing_that_could_be_read_two_ways_is_refused(tmp_path):
    with _service(tmp_path) as service:
        for headers, status in _TWO_WAYS:
            assert _status(service, _request("POST", "/i/_doc/2", b'{"a":1}', headers, length=False)) == status, headers
            _root_answers(service)
        assert _status(service, _request("GET", "/i/_doc/2")) == 404


def test_content_length_is_one_decimal_number(tmp_path):
    with _service(tmp_path) as service:
        for value in ["abc", "1e3", "0x10", "1, 2", "-7", "+7", "7.0", "", "99999999999999999999999"]:
            raw = _request("POST", "/i/_doc", b'{"a":1}', ["Content-Length: " + value], length=False)
            assert _status(service, raw) == (413 if value.startswith("9999") else 400), value
            _root_answers(service)
        assert _status(service, _request("GET", "/i/_search")) == 404
        assert service.log_text() == ""  # no traceback, no line at all


def test_json_that_is_not_a_bounded_object_is_refused(tmp_path):
    with _service(tmp_path) as service:
        assert _status(service, _request("PUT", "/j/_doc/ok", b'{"a": [1, {"b": 2}]}')) == 201
        refused = [b"null", b"[]", b"5", b'"x"', b"true", b"[" * 100000, b'{"a":' * 100000, b"{" * 5000 + b"}" * 5000,
                   b'{"a": NaN}', b'{"a": Infinity}', b'{"a": -Infinity}', b'{"a": 1e400}', b"\xff\xfe", b"{"]
        for body in refused:
            assert _status(service, _request("PUT", "/j/_doc/x", body)) == 400, body[:20]
            assert _status(service, _request("POST", "/j/_search", body)) == 400, body[:20]
            _root_answers(service)
        deep_but_allowed = b'{"a":' * 50 + b"1" + b"}" * 50
        assert _status(service, _request("PUT", "/j/_doc/deep", deep_but_allowed)) == 201
        strings = b'{"s": "' + b'[{' * 500 + b'\\" [["}'  # brackets inside strings do not count
        assert _status(service, _request("PUT", "/j/_doc/s", strings)) == 201
        for size in (b"1e400", b"-1", b"10001", b"1.5", b"true", b'"ten"', b"null"):
            assert _status(service, _request("POST", "/j/_search", b'{"size": %s}' % size)) == 400, size
        assert _status(service, _request("GET", "/j/_search?size=-1")) == 400
        assert _status(service, _request("POST", "/j/_search", b'{"query": 5}')) == 400
        for size in (b"0", b"10000", b'"2"'):
            assert _status(service, _request("POST", "/j/_search", b'{"size": %s}' % size)) == 200
        hits = json.loads(_exchange(service, _request("GET", "/j/_search"))[0][2])["hits"]
        assert sorted(h["_id"] for h in hits["hits"]) == ["deep", "ok", "s"]  # and it is strict JSON (above)
        _clean_log(service)


def test_the_head_is_bounded_however_it_arrives(tmp_path):
    big = _request("GET", "/", headers=["X-Big: " + "a" * 100000])
    with _service(tmp_path) as service:
        assert _status(service, big) == 431  # in one write
        with _connect(service) as s:  # in pieces
            try:
                for i in range(0, len(big), 1000):
                    s.sendall(big[i:i + 1000])
            except (BrokenPipeError, ConnectionResetError):
                pass
            assert [a[0] for a in _responses(_read_all(s))] in ([431], [])
        many = ["X-%d: 1" % i for i in range(http11.MAX_HEADERS)]
        assert _status(service, _request("GET", "/", headers=many[:-1])) == 200  # Host + 99 = the limit
        assert _status(service, _request("GET", "/", headers=many)) == 431
        assert _status(service, _request("GET", "/", headers=["X-%d: 1" % i for i in range(10000)])) == 431
        for bad in ["Bad Name: 1", "Name : 1", " folded", "X: a\x00b", "NoColon"]:
            assert _status(service, _request("GET", "/", headers=[bad])) == 400, bad
        assert _status(service, b"GET / HTTP/2.0\r\n\r\n") == 505
        assert _status(service, b"GET /\r\n\r\n") == 400
        _root_answers(service)
        _clean_log(service)


def test_a_body_over_the_cap_is_refused_before_it_is_sent(tmp_path):
    with _service(tmp_path) as service:
        rss = service.rss_kb()
        with _connect(service) as s:
            s.sendall(b"PUT /b/_doc/1 HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (http11.MAX_BODY_BYTES + 1))
            answers = _responses(_read_all(s))  # the answer comes with no byte of the body sent
        assert [a[0] for a in answers] == [413] and answers[0][1]["connection"] == "close"
        with _connect(service) as s:  # chunked: refused once the chunks add up to more than the cap
            s.sendall(b"PUT /b/_doc/1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"%x\r\n%s\r\n" % (1 << 20, b"x" * (1 << 20))
            try:
                for _ in range(http11.MAX_BODY_BYTES // (1 << 20) + 2):
                    s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
            assert [a[0] for a in _responses(_read_all(s))] in ([413], [])
        _root_answers(service)
        assert _status(service, _request("GET", "/b/_doc/1")) == 404
        assert service.rss_kb() < rss + 60 * 1024  # at most a couple of copies of the cap, never the body sent
        _clean_log(service)


def test_pipelined_requests_are_answered_in_order(tmp_path):
    with _service(tmp_path, "--service-ms", "1") as service:
        for i in range(3):
            assert _status(service, _request("PUT", "/p/_doc/%d" % i, b'{"n": %d}' % i)) == 201
        with _connect(service) as s:
            s.sendall(b"".join(_request("GET", "/p/_doc/%d" % (i % 3)) for i in range(300)))
            s.shutdown(socket.SHUT_WR)
            answers = _responses(_read_all(s))
        assert [json.loads(a[2])["_source"]["n"] for a in answers] == [i % 3 for i in range(300)]


def test_a_client_that_does_not_read_is_no_longer_read(tmp_path):
    with _service(tmp_path) as service:
        _root_answers(service)
        rss = service.rss_kb()
        request = _request("GET", "/_cluster/health") * 1000
        s = _connect(service)
        s.setblocking(False)
        sent, stalled, deadline = 0, 0, time.monotonic() + 3.0
        while time.monotonic() < deadline and sent < 200 * 1024 * 1024 and stalled < 20:
            try:
                sent += s.send(request)
                stalled = 0
            except BlockingIOError:
                stalled += 1  # kernel buffers full both ways: the service stopped reading
                select.select([], [s], [], 0.05)
        time.sleep(0.5)  # what it read meanwhile is answered (into memory, if it did not stop)
        grown = service.rss_kb() - rss
        _root_answers(service)  # other clients are still served meanwhile
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # a reset, with thousands of answers unread
        assert stalled >= 20, "the service read %d bytes without being read from" % sent
        assert grown < 10 * 1024, "the service grew %d KB" % grown  # before this was bounded: 26 MB and more
        _root_answers(service)
        _clean_log(service)


def _wait_for(predicate, timeout=_TIMEOUT_S):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_idle_and_slow_connections_are_closed(tmp_path):
    with _service(tmp_path, "--idle-timeout-s", "0.5", "--request-timeout-s", "0.5") as service:
        fds = service.fds()
        idle = _connect(service)
        assert idle.recv(100) == b""  # closed, with nothing said: it asked for nothing
        with _connect(service) as slow:
            slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # a head that never ends
            assert [a[0] for a in _responses(_read_all(slow))] == [408]
        with _connect(service) as drip:  # a byte now and then keeps no request alive for ever
            answer = b""
            for byte in b"GET / HTTP/1.1\r\nX-A: " + b"a" * 1000:
                try:
                    drip.sendall(bytes([byte]))
                except (BrokenPipeError, ConnectionResetError):
                    break
                readable, _, _ = select.select([drip], [], [], 0.05)
                if readable:
                    answer = _read_all(drip)
                    break
            assert [a[0] for a in _responses(answer)] == [408]
        body = _connect(service)  # a body shorter than its Content-Length
        body.sendall(b"PUT /i/_doc/1 HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}")
        assert [a[0] for a in _responses(_read_all(body))] == [408]
        idle.close()
        body.close()
        _root_answers(service)
        assert _wait_for(lambda: service.fds() <= fds)
        _clean_log(service)


def test_more_connections_than_the_cap_get_a_prompt_503(tmp_path):
    with _service(tmp_path, "--max-connections", "20") as service:
        fds = service.fds()
        held = [_connect(service) for _ in range(60)]
        try:
            refused = []
            for s in held[20:]:
                answers = _responses(_read_all(s))  # prompt: no waiting for a timeout
                refused += [a[0] for a in answers]
            assert refused == [503] * 40
            # A new client: told, or closed at once if its request came first (a reset can then
            # overtake the answer); never left waiting.
            assert [a[0] for a in _exchange(service, _request("GET", "/"))] in ([503], [])
            assert service.fds() <= fds + 25
        finally:
            for s in held:
                s.close()
        assert _wait_for(lambda: service.fds() <= fds)
        _root_answers(service)
        assert len(_clean_log(service)) == 0


def test_at_the_file_descriptor_limit_the_log_stays_small(tmp_path):
    # The cap is lowered to fit the limit (80 - 64 = 16); accept() bursts past the limit are logged once.
    with _service(tmp_path, "--max-connections", "1000", nofile=80) as service:
        held = [socket.socket() for _ in range(150)]
        try:
            for s in held:  # all at once: one accept() loop meets the limit
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", service.port))
            _wait_for(lambda: len(service.log_text()) > 0, timeout=3)
        finally:
            for s in held:
                s.close()
        assert _wait_for(lambda: service.fds() < 20)
        # Connections still queued in the backlog when the limit was met are accepted now and hold
        # cap slots until their EOF is read: GET / gets a 503 meanwhile, and a 200 once they are read.
        assert _wait_for(lambda: [a[0] for a in _exchange(service, _request("GET", "/"))] == [200], timeout=15)
        _root_answers(service)
        log = _clean_log(service)
        assert len(log) < 2000 and log.count("\n") <= 3, log
        assert service.alive()


def _limits_open_files(pid):
    with open("/proc/%d/limits" % pid) as f:
        return int(next(line for line in f if line.startswith("Max open files")).split()[3])


def test_a_flood_past_select_s_limit_leaves_the_service_answering(tmp_path):
    # The service waits on select() (its timers fire on time: search_service._event_loop), which
    # cannot watch a descriptor numbered 1024 or more: the service caps its own descriptors below it,
    # so a flood of connections makes accept() fail and pause, never select().
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < 1400:
        pytest.skip("this process may open %d descriptors, fewer than the flood needs" % hard)
    own = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(own[0], 1400), own[1]))
    try:
        # The service's own limit above select()'s, as a user's shell may give it (the hard limit allowing).
        # A connection cap above what the descriptors allow: the flood is held, up to the descriptor cap.
        with _service(tmp_path, "--max-connections", "2000",
                      nofile=4096 if hard == resource.RLIM_INFINITY else min(4096, hard)) as service:
            assert _limits_open_files(service.proc.pid) <= 1024
            held = [socket.socket() for _ in range(1200)]
            try:
                for s in held:
                    s.setblocking(False)
                    s.connect_ex(("127.0.0.1", service.port))
                # The flood is held up to the descriptor cap (without it: past 1024, and select() fails).
                assert _wait_for(lambda: service.fds() > 900, timeout=30), service.fds()
                assert service.fds() <= 1024
            finally:
                for s in held:
                    s.close()
            assert service.alive()
            assert _wait_for(lambda: [a[0] for a in _exchange(service, _request("GET", "/"))] == [200], timeout=20)
            assert _wait_for(lambda: service.fds() < 40, timeout=20)
            assert service.alive()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, own)


def test_sigterm_with_idle_clients_connecting_ends_the_service_promptly(tmp_path):
    # From 3.12, wait_closed() waits for every connection, also one accepted whose connection_made
    # had not run when the others were aborted: an idle keep-alive client then held the service.
    for attempt in range(5):
        with _service(tmp_path) as service:
            held = [socket.socket() for _ in range(60)]
            try:
                for s in held:
                    s.setblocking(False)
                    s.connect_ex(("127.0.0.1", service.port))
                    if s is held[30]:
                        service.proc.send_signal(signal.SIGTERM)  # connections arrive as it stops
                assert service.proc.wait(10) == 0, "attempt %d" % attempt
            finally:
                for s in held:
                    s.close()
            assert "Task was destroyed" not in service.log_text()


_PATHS = ["/", "/_cluster/health", "/_cat/indices", "/_cat/indices?format=json", "/f", "/f/_doc", "/f/_doc/1",
          "/f/_create/2", "/f/_search", "/_search", "/f/_refresh", "/F", "/_x/_y/_z", "/f/_doc/1/2", "*",
          "/%00", "/f/_search?size=abc", "/f/_search?size=99999", "http://x/", "/" + "a" * 3000, "/\xe9"]
_METHODS = ["GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "OPTIONS", "get", "G ET", "", "\x00"]
_BODIES = [b"", b"{}", b'{"a": 1}', b'{"query": {"match_all": {}}, "size": 3}', b"null", b"[1, 2]", b"{" * 300,
           b'{"a": NaN}', b"\xff", b'{"size": 1e400}', b'{"a": "' + b"x" * 5000 + b'"}', b"not json"]
_HEADERS = ["Accept: application/json", "Connection: close", "Connection: keep-alive", "X-A: b",
            "Accept: application/vnd.elasticsearch+json; compatible-with=9", "Content-Type: application/json",
            "Bad Header", "X : y", " folded", "X-Nul: \x00", "Content-Length: abc", "Content-Length: -5",
            "Transfer-Encoding: chunked", "Transfer-Encoding: identity", "Expect: 100-continue",
            "X-Long: " + "z" * 2000]


def _random_request(rng):
    method = rng.choice(_METHODS)
    path = rng.choice(_PATHS)
    body = rng.choice(_BODIES)
    headers = rng.sample(_HEADERS, rng.randint(0, 4))
    framing = rng.random()
    if "Transfer-Encoding: chunked" in headers:
        cut = rng.randint(0, len(body))
        raw_body = _chunked(body[:cut], body[cut:]) if framing < 0.7 else b"zz\r\n" + body
    else:
        raw_body = body
        if framing < 0.6 and body:
            headers.append("Content-Length: %d" % (len(body) + rng.choice([0, 0, 0, -1, 1, 100])))
    version = rng.choice(["HTTP/1.1"] * 8 + ["HTTP/1.0", "HTTP/9.9", "HTTP/1.1 extra", ""])
    raw = ("%s %s %s\r\n" % (method, path, version) + "".join(h + "\r\n" for h in headers) + "\r\n").encode(
        "utf-8", "surrogateescape") + raw_body
    if rng.random() < 0.1:
        raw = raw[:rng.randint(0, len(raw))]  # truncated anywhere
    if rng.random() < 0.1:
        raw = bytes(rng.randrange(256) for _ in range(rng.randint(1, 300)))  # garbage
    if rng.random() < 0.1:
        raw += raw  # pipelined
    return raw


def _send_randomly(service, rng, raw):
    """Send ``raw`` in random pieces; then shut our end, or reset, or close; return the answers."""
    with _connect(service) as s:
        try:
            cuts = sorted(rng.randint(0, len(raw)) for _ in range(rng.randint(0, 3)))
            for start, end in zip([0] + cuts, cuts + [len(raw)]):
                s.sendall(raw[start:end])
            if rng.random() < 0.05:
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                return None  # a reset: nothing to read
            s.shutdown(socket.SHUT_WR)
        except OSError:  # reset while we sent
            pass
        data = _read_all(s)  # the bound: a timeout fails here
    return _responses(data, head_only=raw.startswith(b"HEAD "))


def test_random_requests_get_an_answer_or_a_close(tmp_path):
    rng = random.Random(20240607)
    with _service(tmp_path, "--request-timeout-s", "2") as service:
        for _ in range(20):  # warm up, so that the baseline includes what any run allocates once
            _send_randomly(service, rng, _random_request(rng))
        _exchange(service, _request("DELETE", "/f"))
        rss, fds = service.rss_kb(), service.fds()
        statuses = set()
        for i in range(300):
            raw = _random_request(rng)
            answers = _send_randomly(service, rng, raw)
            statuses |= {a[0] for a in answers or ()}
            _root_answers(service)
        assert {200, 400, 404} <= statuses  # the mix reached the parser and the routes
        _exchange(service, _request("DELETE", "/f"))
        assert _wait_for(lambda: service.fds() <= fds + 1)
        assert service.rss_kb() < rss + 30 * 1024
        log = _clean_log(service)
        assert len(log) < 5000, log


def test_a_target_or_accept_header_that_cannot_be_read_is_a_client_error(tmp_path):
    with _service(tmp_path) as service:
        for raw in (_request("GET", "//[x/_search"),
                    _request("GET", "/", headers=["Accept: application/json; compatible-with=" + "9" * 5000])):
            answers = _exchange(service, raw)
            assert answers and answers[0][0] in (200, 400), answers[:1]
        _root_answers(service)
        _clean_log(service)


class _Transport:
    """What a Connection writes, kept (an in-process stand-in for a socket)."""

    def __init__(self):
        self.written = []

    def write(self, data):
        self.written.append(data)

    def is_closing(self):
        return False

    def close(self):
        pass

    def abort(self):
        pass


def _answer_in_process(monkeypatch, route):
    """(status, body, log) of GET /x answered by a Connection whose search_api.route is ``route``."""
    import io

    from services import search_api, search_connection

    monkeypatch.setattr(search_api, "route", route)
    log = io.StringIO()
    service = search_connection.Service(0, 8, 30.0, 10.0, search_connection.Log(log))
    connection = search_connection.Connection(service)
    connection.transport = _Transport()
    connection._handle("GET", "/x", (1, 1), {}, b"")
    (response,) = connection.transport.written  # one response, in one write
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body), log.getvalue()


def test_a_bug_in_the_api_is_a_500_and_one_log_line_not_a_client_error(monkeypatch):
    def buggy(*args):
        raise TypeError("unsupported operand type(s) for +: 'int' and 'str'")

    status, body, log = _answer_in_process(monkeypatch, buggy)
    assert status == 500 and body["error"]["type"] == "internal_error"
    assert log == ("search service: error answering GET /x: TypeError(\"unsupported operand type(s) for +: "
                   "'int' and 'str'\")\n")


def test_a_validation_error_of_the_api_stays_a_400(monkeypatch):
    from services import search_api

    def refuses(*args):
        raise search_api.ApiError(400, "parsing_exception", "the search body is not valid JSON")

    status, body, log = _answer_in_process(monkeypatch, refuses)
    assert (status, body["error"]["type"], log) == (400, "parsing_exception", "")
