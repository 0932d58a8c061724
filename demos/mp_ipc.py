"""Queue and Pipe between processes: is every message delivered once, and how fast is each?

The note says: ``Queue`` is a clone of ``queue.Queue`` and is thread- and process-safe;
``Pipe()`` returns a pair of connections with ``send()`` and ``recv()``.
"""
import collections
import queue
import threading
import time

from demos._mp_util import WAIT_S, children, context, join_all, method_name
from demos._util import conclude, print_header, times

# Message sizes of the throughput comparison: bytes to megabytes.
SIZES = (16, 16 * 1024, 1024 * 1024)


def _produce_in_threads(q, producer, threads, per_thread):
    # Several threads of one producer process put on the same Queue: thread safety too.
    def put_all(thread):
        for i in range(per_thread):
            q.put((producer, thread, i))
    workers = [threading.Thread(target=put_all, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()


def queue_delivery(method=None, producers=3, threads=2, per_thread=300):
    """Producer processes (each with ``threads`` threads) put tagged messages on one Queue, the
    parent's own threads too; returns (messages sent, lost, duplicated, sent but not received exactly once)."""
    ctx = context(method)
    q = ctx.Queue()
    expected = producers * threads * per_thread + threads * per_thread
    seen = collections.Counter()
    with children() as procs:
        for p in range(producers):
            proc = ctx.Process(target=_produce_in_threads, args=(q, p, threads, per_thread))
            proc.start()
            procs.append(proc)
        # The parent is a producer as well (producer id -1), from threads of its own.
        parent = threading.Thread(target=_produce_in_threads, args=(q, -1, threads, per_thread))
        parent.start()
        try:
            deadline = time.monotonic() + WAIT_S
            for _ in range(expected):
                seen[q.get(timeout=max(0.1, deadline - time.monotonic()))] += 1
        finally:
            parent.join(WAIT_S)
        join_all(procs)
    # Nothing may be left over either: a duplicate would still be in the queue.
    while True:
        try:
            seen[q.get(timeout=0.2)] += 1
        except queue.Empty:
            break
    q.close()
    q.join_thread()
    wanted = {(p, t, i) for p in list(range(producers)) + [-1] for t in range(threads) for i in range(per_thread)}
    lost = len(wanted - set(seen))
    duplicated = sum(c - 1 for c in seen.values() if c > 1) + sum(c for m, c in seen.items() if m not in wanted)
    # Messages not received exactly once (a count of the messages sent, so at most ``expected``).
    not_once = sum(1 for m in wanted if seen[m] != 1)
    return expected, lost, duplicated, not_once


def _echo_pipe(conn):
    while True:
        msg = conn.recv()
        if msg is None:
            break
        conn.send(msg)
    conn.close()


def _echo_queue(inq, outq):
    while True:
        msg = inq.get()
        if msg is None:
            break
        outq.put(msg)


class Echo(object):
    """A child that sends every message back, over a Pipe or over two Queues; a context manager."""

    def __init__(self, kind, method=None):
        self.kind = kind
        self._ctx = context(method)
        self._procs = None

    def __enter__(self):
        self._stack = children()
        self._procs = self._stack.__enter__()
        if self.kind == "pipe":
            self._conn, child_conn = self._ctx.Pipe()
            proc = self._ctx.Process(target=_echo_pipe, args=(child_conn,))
        else:
            self._inq, self._outq = self._ctx.Queue(), self._ctx.Queue()
            proc = self._ctx.Process(target=_echo_queue, args=(self._inq, self._outq))
        proc.start()
        self._procs.append(proc)
        if self.kind == "pipe":
            child_conn.close()
        return self

    def roundtrip(self, msg):
        if self.kind == "pipe":
            self._conn.send(msg)
            if not self._conn.poll(WAIT_S):
                raise TimeoutError("no echo within %.0f s" % WAIT_S)
            return self._conn.recv()
        self._inq.put(msg)
        return self._outq.get(timeout=WAIT_S)

    def __exit__(self, *exc):
        try:
            if self.kind == "pipe":
                self._conn.send(None)
            else:
                self._inq.put(None)
            join_all(self._procs, 5.0)
        except Exception:
            pass  # children() below terminates it
        finally:
            if self.kind != "pipe":
                for q in (self._inq, self._outq):
                    q.close()
                    q.join_thread()
            self._stack.__exit__(*exc)
        return False


def roundtrips(echo, size, count):
    """``count`` round trips of a ``size``-byte message through ``echo``."""
    msg = b"x" * size
    for _ in range(count):
        if echo.roundtrip(msg) != msg:
            raise AssertionError("the echo changed the message")


def observe(method=None, per_thread=300, trips=20):
    sent, lost, duplicated, not_once = queue_delivery(method, per_thread=per_thread)
    out = {
        "mp.ipc.method": method_name(method),
        "mp.ipc.queue_messages": sent,
        "mp.ipc.queue_lost": lost,
        "mp.ipc.queue_duplicated": duplicated,
        "mp.ipc.queue_not_once": not_once,
    }
    note = [42, None, "hello"]
    for kind in ("pipe", "queue"):
        with Echo(kind, method) as echo:
            out["mp.ipc.%s_roundtrip_ok" % kind] = int(echo.roundtrip(note) == note)
            for size in SIZES:
                t0 = time.perf_counter()
                roundtrips(echo, size, trips)
                out["mp.ipc.%s_roundtrip_s.%d" % (kind, size)] = (time.perf_counter() - t0) / trips
    return out


def main(method=None):
    print_header("Queue and Pipe between processes (start method %r)" % method_name(method))
    print("the note says: Queue is thread- and process-safe; Pipe() gives two connections with send()/recv().")
    print()
    sent, lost, duplicated, _ = queue_delivery(method)
    print("3 producer processes x 2 threads, plus 2 threads of the parent, put %d tagged messages on one Queue:"
          % sent)
    print("  received each exactly once: lost %d, duplicated %d" % (lost, duplicated))
    print()
    print("round trip through an echo child (one-shot timings; bm_mp_ipc.py times them with pyperf):")
    print("  %-10s %-14s %-14s %s" % ("message", "Pipe", "Queue", "Queue / Pipe"))
    timings = {}
    for kind in ("pipe", "queue"):
        with Echo(kind, method) as echo:
            for size in SIZES:
                t0 = time.perf_counter()
                roundtrips(echo, size, 20)
                timings[kind, size] = (time.perf_counter() - t0) / 20
    for size in SIZES:
        via_pipe, via_queue = timings["pipe", size], timings["queue", size]
        print("  %-10s %-14s %-14s Queue %s" % (_size(size), "%.3f ms" % (1000 * via_pipe),
                                                 "%.3f ms" % (1000 * via_queue), times(via_queue / via_pipe)))
    print()
    print("A Queue is a Pipe plus a lock and a feeder thread that pickles and writes in the background:")
    print("the extra hand-over costs a little per message, and it is what makes it safe for many writers.")
    # The narration above is not observe(): the claims are judged on what observe() measures.
    conclude("mp_ipc", observe(method))


def _size(n):
    return "%d MiB" % (n // 1048576) if n >= 1048576 else ("%d KiB" % (n // 1024) if n >= 1024 else "%d B" % n)


if __name__ == "__main__":
    main()
