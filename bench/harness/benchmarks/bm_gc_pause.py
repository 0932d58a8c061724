"""pyperf: cyclic-collector pauses on a container-heavy heap.

A full collection (``gc.collect()``) of a heap of 200,000 live containers, and 20 young
collections (``gc.collect(0)``) on the same heap: on a generational collector a young collection looks at
the new objects only, so its pause does not grow with the heap; a collector without
generations looks at the whole heap every time.
"""
import gc

from bench.harness.pyperf_script import bench_all, grid, make_runner
from demos.gc_pause import build_heap

_YOUNG_CALLS = 20
# One heap per size, built on a benchmark's first call (pyperf's warm-up, not kept).  Both benchmarks
# of the grid time the same size, so in a round's one process (selection.pyperf_args) they share it.
_heaps = {}


def _heap(containers):
    if containers not in _heaps:
        _heaps[containers] = build_heap(containers)
        gc.collect()
    return _heaps[containers]


def full_collection(containers):
    _heap(containers)
    gc.collect()


def young_collections(containers):
    _heap(containers)
    for _ in range(_YOUNG_CALLS):
        gc.collect(0)


def main():
    timed = {"full": full_collection, "young-x%d" % _YOUNG_CALLS: young_collections}
    benchmarks = grid("gc_pause")
    bench_all(make_runner("gc_pause"), [(benchmarks.name(p), timed[p["collection"]], p["containers"])
                                        for p in benchmarks.points()])


if __name__ == "__main__":
    main()
