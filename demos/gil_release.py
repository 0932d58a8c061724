"""Does the GIL follow "CPU vs I/O", or "talks to the Python runtime or not"?

The note says the GIL matters for work that interacts with the Python runtime (refcounts,
object creation, memory management), not for CPU-bound work as such. Three CPU-bound works, a
fixed total split across k threads: SHA-256 of a large buffer (hashlib drops the GIL for
buffers over 2047 bytes), zlib.compress of a large buffer (zlib drops it while deflating), and
pure-Python arithmetic (holds it all the time).
"""
import hashlib
import os
import random
import time
import zlib

from demos._util import conclude, print_header, run_in_threads, times

WORKS = ("sha256", "zlib", "python")

_BUFFER_SIZE = 1 << 20
_ZLIB_PIECE = 1 << 18
# Totals chosen so that one thread takes about 0.2 s on CPython 3.11 (x86-64 with SHA
# extensions); multiples of 16 so every thread count used here gets an equal share at scales 1 and 0.25.
_TOTALS = {"sha256": 320, "zlib": 32, "python": 4_800_000}
_buffer = None
_piece = None


def prepare():
    """Build the shared input buffers (done once per process; run_work calls it too)."""
    # On first use rather than at import, so importing stays cheap (pyperf starts many
    # workers); run_work calls it before starting threads, so threads never race to build it.
    global _buffer, _piece
    if _buffer is None:
        # Random bytes mapped onto 17 symbols compress roughly like text: zlib does real work.
        table = bytes(b"abcdefghijklmnop "[i % 17] for i in range(256))
        _buffer = random.Random(0).getrandbits(8 * _BUFFER_SIZE).to_bytes(_BUFFER_SIZE, "little")
        _buffer = _buffer.translate(table)
        _piece = _buffer[:_ZLIB_PIECE]


def sha256_work(units):
    for _ in range(units):
        hashlib.sha256(_buffer).digest()


def zlib_work(units):
    for _ in range(units):
        zlib.compress(_piece, 6)


def python_work(units):
    total = 0
    for i in range(units):
        total += i * i
    return total


_FUNCS = {"sha256": sha256_work, "zlib": zlib_work, "python": python_work}


def run_work(name, k, scale=1):
    """Do the fixed total of work `name` (times `scale`), split evenly across k threads."""
    prepare()
    total = int(_TOTALS[name] * scale)
    if total % k:
        # An uneven split does less work on k threads than on one (24 zlib units at scale 0.25 on 4
        # threads did 4 of 6), which read as a speedup beyond the CPU count: refused, never timed.
        raise ValueError("%d units of %s do not split evenly over %d threads (scale %r)" % (total, name, k, scale))
    per_thread = total // k
    run_in_threads([(_FUNCS[name], (per_thread,))] * k)


def observe(threads=(1, 2, 4), scale=1):
    out = {"release.cpu_count": os.cpu_count() or 1}
    prepare()
    for name in WORKS:
        times = {}
        for k in threads:
            start = time.perf_counter()
            run_work(name, k, scale)
            times[k] = time.perf_counter() - start
            out["release.%s.threads%d_s" % (name, k)] = times[k]
        if 1 in times:
            for k in threads:
                if k > 1:
                    out["release.%s.speedup%d" % (name, k)] = times[1] / max(times[k], 1e-9)
    return out


def main():
    print_header("Which work does the GIL serialise? (note section: GIL)")
    print("the note says: 'CPU bound는 GIL의 영향을 받고, I/O bound는 받지 않는다'는 설명은 잘못이다;")
    print("               what matters is whether the work interacts with the Python runtime.")
    print("               (no figure in the note)")
    print()
    r = observe()
    print("measured here (%d CPUs; fixed total work split across k threads, one run each):"
          % r["release.cpu_count"])
    for name in WORKS:
        cells = ["1 thread %.3f s" % r["release.%s.threads1_s" % name]]
        for k in (2, 4):
            cells.append("%d threads %s" % (k, times(r["release.%s.speedup%d" % (name, k)], above="faster",
                                                     below="slower")))
        print("  %-7s %s" % (name, ", ".join(cells)))
    print()
    print("xN is the speed-up over one thread; above 1 means the threads really ran in parallel.")
    print("speed-up cannot exceed the CPU count.")
    conclude("gil_release", r)


if __name__ == "__main__":
    main()
