"""A fresh pool's carving, read from its header: pymalloc makes only two blocks of a new pool at
first ("처음에는 단 2개의 Block만이 생성되며"), then one more per request.  Python 3.9-compatible,
stdlib and ctypes only; callers check that pymalloc serves the process.
"""
import ctypes

from demos import _memmodel, _pymalloc_probe


# struct pool_header (Objects/obmalloc.c; Include/internal/pycore_obmalloc.h from 3.12) on 64-bit:
# ref.count (uint, in an 8-byte union), freeblock, nextpool, prevpool, arenaindex, szidx,
# nextoffset, maxnextoffset: unchanged from 3.9 to 3.13.
class _PoolHeader(ctypes.Structure):
    _fields_ = [("count", ctypes.c_uint), ("_pad", ctypes.c_uint), ("freeblock", ctypes.c_void_p),
                ("nextpool", ctypes.c_void_p), ("prevpool", ctypes.c_void_p), ("arenaindex", ctypes.c_uint),
                ("szidx", ctypes.c_uint), ("nextoffset", ctypes.c_uint), ("maxnextoffset", ctypes.c_uint)]


def carving(real, request, block, filler, attempts=5):
    """``pool_carved_blocks``, tried again when the second block landed in another pool (pymalloc
    puts a pool that regained a free block at the head of its size class's list, so the next malloc
    can come from it): in the run of 2026-12-01 20:47 both 3.13 columns lost the reading that way.
    Each attempt takes a pool not seen before (a recycled one is no fresh pool); ``attempts`` in the
    result says how many were made."""
    found, seen = None, set()
    for attempt in range(1, attempts + 1):
        found = pool_carved_blocks(real, request, block, filler, seen=seen)
        if found is None:
            return None
        found["attempts"] = attempt
        if found["second_in_same_pool"]:
            return found
    return found


def pool_carved_blocks(real, request, block, filler, tries=None, seen=None):
    """Blocks a fresh pool has carved after its first and its second block, read from its header.

    A pool is fresh when the block PyObject_Malloc returns is its first (at the header's end) and
    the pool counts one block in use, and its address is not in ``seen`` (which it is added to).  None
    when no such pool is found, or the header does not read as this layout (another word size, a debug
    allocator): then nothing is claimed.
    """
    seen = set() if seen is None else seen
    if ctypes.sizeof(ctypes.c_void_p) != 8 or not real["pool_header"]:
        return None
    malloc, free = _pymalloc_probe.object_api()
    _pymalloc_probe.fill_holes(request, block, filler)
    per_pool = _memmodel.blocks_per_pool(real, request)
    held = (ctypes.c_void_p * ((tries or 4 * per_pool) + 1))()
    found = None
    try:
        for i in range(len(held) - 1):
            held[i] = malloc(request)
            base = held[i] - held[i] % real["pool_size"]
            head = _PoolHeader.from_address(base)
            if (held[i] - base == real["pool_header"] and head.count == 1 and base not in seen
                    and (head.szidx + 1) * real["step"] == block):
                seen.add(base)
                first = (head.nextoffset - real["pool_header"]) // block
                held[i + 1] = malloc(request)
                found = {"after_first": first, "after_second": (head.nextoffset - real["pool_header"]) // block,
                         "second_in_same_pool": int(held[i + 1] - held[i + 1] % real["pool_size"] == base)}
                break
    finally:
        for i in range(len(held)):
            if held[i]:
                free(held[i])
    return found
