"""pyperf: allocating and freeing small objects (pymalloc) against requests above its threshold.

Each call makes and drops 200,000 bytes objects of 15 bytes (a 48-byte request on GIL builds:
a pymalloc block) or of 567 bytes (a 600-byte request, over the 512-byte threshold: the raw
allocator), and 200,000 bare object()s.  Lengths, not request sizes, name the benchmarks: the
object header is larger on free-threaded builds.
"""
from bench.harness.pyperf_script import bench_all, make_runner

_N = 200000
_SMALL, _LARGE = 15, 567


def alloc_free(length):
    for _ in range(_N):
        bytes(length)


def alloc_free_objects():
    for _ in range(_N):
        object()


def main():
    bench_all(make_runner(), [("alloc_free[bytes=%d]" % _SMALL, alloc_free, _SMALL),
                              ("alloc_free[bytes=%d]" % _LARGE, alloc_free, _LARGE),
                              ("alloc_free[object]", alloc_free_objects)])


if __name__ == "__main__":
    main()
