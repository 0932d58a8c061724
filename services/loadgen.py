"""A raw-socket load generator: how many requests per second a server answers.

The official client costs about a third of a millisecond of CPU per call, so it cannot load a
server that answers in tens of microseconds; this sends bare keep-alive HTTP/1.1 requests over
``connections`` sockets from one thread (selectors), one request in flight per socket, and
counts complete responses.

``python -m services.loadgen --url URL [--seconds S] [--repeat N]`` prints one JSON object: the
rate of each of N loads of S seconds (``rates``), the responses and the errors of all of them.
A run measures its local service's capacity this way with the interpreter that runs the service
(``services.local_services``), the same in every column.  Stdlib only, Python 3.9-compatible.
"""
import argparse
import json
import selectors
import sys
import socket
import time
from urllib.parse import urlsplit

_REQUEST = "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: application/json\r\n\r\n"


def _response_end(buffer):
    """Length of the first complete response in ``buffer``, or 0."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return 0
    length = 0
    for line in buffer[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    total = end + 4 + length
    return total if len(buffer) >= total else 0


def capacity(url, seconds=1.0, connections=16, path="/_cat/indices"):
    """(responses per second, responses, errors) over ``seconds`` of load."""
    parts = urlsplit(url)
    request = (_REQUEST % (path, parts.netloc)).encode("latin-1")
    sel = selectors.DefaultSelector()
    socks, done, errors = [], 0, 0
    try:
        for _ in range(connections):
            s = socket.create_connection((parts.hostname, parts.port), timeout=5)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.setblocking(False)
            socks.append(s)
            sel.register(s, selectors.EVENT_READ, [b""])
        start = time.perf_counter()
        deadline = start + seconds
        for s in socks:
            s.sendall(request)
        while time.perf_counter() < deadline:
            for key, _ in sel.select(timeout=1.0):
                data = key.fileobj.recv(65536)
                if not data:
                    errors += 1
                    sel.unregister(key.fileobj)
                    continue
                buffer = key.data[0] + data
                end = _response_end(buffer)
                while end:
                    if not buffer.startswith(b"HTTP/1.1 200"):
                        errors += 1
                    done += 1
                    buffer = buffer[end:]
                    key.fileobj.send(request)
                    end = _response_end(buffer)
                key.data[0] = buffer
        elapsed = time.perf_counter() - start
    finally:
        sel.close()
        for s in socks:
            s.close()
    return done / elapsed, done, errors


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.loadgen", description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--seconds", type=float, default=1.0, help="seconds of each load (default %(default)s)")
    parser.add_argument("--repeat", type=int, default=1, help="loads, one after the other (default %(default)s)")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 60 or not 1 <= args.repeat <= 100:
        parser.error("--seconds must be in (0, 60] and --repeat in [1, 100]")
    rates, responses, errors = [], 0, 0
    try:
        for _ in range(args.repeat):
            rate, done, failed = capacity(args.url, args.seconds)
            rates.append(rate)
            responses, errors = responses + done, errors + failed
    except OSError as exc:
        print(json.dumps({"error": "the load generator could not reach %s (%s: %s)"
                                   % (args.url, type(exc).__name__, exc)}))
        return 2
    print(json.dumps({"rates": rates, "responses": responses, "errors": errors}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
