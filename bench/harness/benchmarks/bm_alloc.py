"""pyperf: allocating and freeing small objects (pymalloc) against requests above its threshold.

Each call makes and drops 200,000 bytes objects of each length of the pymalloc workload's grid
(15 bytes: a 48-byte request on GIL builds, a pymalloc block; 567: a 600-byte request, over the
512-byte threshold: the raw allocator), and 200,000 bare object()s.
"""
from bench.harness.pyperf_script import bench_all, grid, make_runner

_N = 200000


def alloc_free(length):
    for _ in range(_N):
        bytes(length)


def alloc_free_objects():
    for _ in range(_N):
        object()


def main():
    benchmarks = grid("pymalloc")
    bench_all(make_runner("pymalloc"), [(benchmarks.name(p), alloc_free, p["bytes"]) if "bytes" in p
                                        else (benchmarks.name(p), alloc_free_objects) for p in benchmarks.points()])


if __name__ == "__main__":
    main()
