"""pyperf: allocating and freeing small objects (pymalloc) against requests above its threshold.

Each call makes and drops 200,000 bytes objects whose allocation asks for 48 bytes (a pymalloc
block) or 600 bytes (over the 512-byte threshold: the raw allocator), and 200,000 bare object()s.
"""
import sys

from bench.harness.pyperf_script import bench_all, make_runner

_N = 200000
_HEADER = sys.getsizeof(b"")


def alloc_free(length):
    for _ in range(_N):
        bytes(length)


def alloc_free_objects():
    for _ in range(_N):
        object()


def main():
    bench_all(make_runner(), [("alloc_free[request=48]", alloc_free, 48 - _HEADER),
                              ("alloc_free[request=600]", alloc_free, 600 - _HEADER),
                              ("alloc_free[object]", alloc_free_objects)])


if __name__ == "__main__":
    main()
