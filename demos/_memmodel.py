"""The note's memory model as arithmetic: blocks, pools and arenas a workload needs.

Given allocator constants and a workload (N objects of s bytes, filled in order), predict
blocks per pool, pools, arenas, bytes, and how many arenas can go back to the OS when the
objects are freed (all of them, or all but one in every K).  Run with ``NOTE`` (the note's
figures) and with ``from_stats()`` (what this interpreter's allocator reports), the two
predictions are set beside the measurement by ``demos.pymalloc``.

Pure arithmetic, no allocation: Python 3.9-compatible, stdlib only.
"""
import math

# The note's figures: 512-byte threshold, 8-byte classes, 4 KiB pools, 256 KiB arenas.  The
# note names no pool header and no arena alignment, so its model has neither, and it says
# nothing about keeping a free arena back.
NOTE = {"threshold": 512, "step": 8, "pool_size": 4096, "arena_size": 262144, "pool_header": 0,
        "pools_per_arena": 64, "keeps_one_free_arena": False}


def from_stats(stats):
    """The constants this interpreter's allocator reports (``demos._mallocstats.parse`` output)."""
    classes = stats["classes"]
    # Class i holds blocks of (i + 1) * step bytes.
    step = min(size // (row["index"] + 1) for size, row in classes.items())
    pools_in_use = sum(row["pools"] for row in classes.values())
    header = stats.get("bytes_lost_to_pool_headers", 0) // pools_in_use if pools_in_use else 0
    arenas = stats.get("arenas") or stats.get("arenas_current") or 1
    # An arena that mmap does not hand out pool-aligned loses a pool (the partial ones at its ends);
    # most do, so one lost anywhere counts for every arena.
    lost_pools = int(math.ceil(stats.get("bytes_lost_to_arena_alignment", 0) / float(arenas) / stats["pool_size"]))
    return {"threshold": stats["threshold"], "step": step, "pool_size": stats["pool_size"],
            "arena_size": stats["arena_size"], "pool_header": header,
            "pools_per_arena": stats["arena_size"] // stats["pool_size"] - lost_pools,
            # obmalloc keeps the last wholly free arena of usable_arenas (bpo-37257, 3.9+).
            "keeps_one_free_arena": True}


def block_size(c, request):
    """The block a request of ``request`` bytes takes, or None above the threshold."""
    if request > c["threshold"]:
        return None
    return max(1, int(math.ceil(request / float(c["step"])))) * c["step"]


def blocks_per_pool(c, request):
    block = block_size(c, request)
    return None if block is None else (c["pool_size"] - c["pool_header"]) // block


def allocate(c, n, request):
    """Blocks per pool, pools, arenas and bytes (whole arenas) for ``n`` objects of ``request`` bytes."""
    per_pool = blocks_per_pool(c, request)
    if per_pool is None:
        return None
    pools = -(-n // per_pool)
    arenas = -(-pools // c["pools_per_arena"])
    return {"blocks_per_pool": per_pool, "pools": pools, "arenas": arenas, "bytes": arenas * c["arena_size"]}


def arenas_with_survivors(c, n, request, k):
    """Arenas still holding an object when all but one in every ``k`` of the ``n`` are freed."""
    per_arena = blocks_per_pool(c, request) * c["pools_per_arena"]
    return len({i // per_arena for i in range(0, n, k)})


def returnable(c, n, request, k=None):
    """Arenas that go back to the OS after freeing all (``k`` None) or all but one in every ``k``."""
    arenas = allocate(c, n, request)["arenas"]
    empty = arenas - (arenas_with_survivors(c, n, request, k) if k else 0)
    if c["keeps_one_free_arena"] and empty > 0:
        empty -= 1
    return empty


def refill_arenas(free_pools, pools_needed, order):
    """Which arenas receive new pools: ``free_pools`` per arena, filled in ``order`` (arena indexes)."""
    touched = set()
    for arena in order:
        if pools_needed <= 0:
            break
        if free_pools[arena] > 0:
            take = min(free_pools[arena], pools_needed)
            pools_needed -= take
            touched.add(arena)
    return touched


def fullest_first(free_pools):
    """The order of usable_arenas: fewest free pools first (ties in index order)."""
    return sorted(range(len(free_pools)), key=lambda a: (free_pools[a], a))


def relative_error(predicted, measured):
    """(predicted - measured) / measured; for counts measured as 0, the difference itself."""
    if predicted is None or measured is None:
        return None
    if measured == 0:
        return float(predicted)
    return (predicted - measured) / float(measured)
