"""Measurements of pymalloc from its own counters: which block a request lands in, and what
arenas and pools a workload really takes and gives back.

Every figure comes from ``sys._debugmallocstats()`` (``demos._mallocstats``) before and after
an allocation in this process, and from the resident set size in /proc.  Only meaningful where
pymalloc serves the process; callers check ``demos._mallocstats.allocator_in_use()`` first.
Python 3.9-compatible, stdlib only.
"""
import ctypes
import os
import sys

from demos import _mallocstats, _memmodel, _procmaps

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def object_api():
    malloc = ctypes.pythonapi.PyObject_Malloc
    malloc.restype, malloc.argtypes = ctypes.c_void_p, [ctypes.c_size_t]
    free = ctypes.pythonapi.PyObject_Free
    free.restype, free.argtypes = None, [ctypes.c_void_p]
    return malloc, free


def _rising_class(before, after_text, count):
    after = _mallocstats.parse(after_text)
    best, rise = None, 0
    for size, row in after["classes"].items():
        delta = row["in_use"] - before["classes"].get(size, {}).get("in_use", 0)
        if delta > rise:
            best, rise = size, delta
    return best if rise >= count else None


def block_for(request, count):
    """The block size a ``request``-byte PyObject_Malloc lands in, or None (not a pymalloc class).

    ``count`` blocks are allocated at once (addresses kept in a C array, so that no Python int
    stays alive to move a class of its own); the class whose blocks-in-use rose by at least
    ``count`` is the one.  A request above the threshold moves no class: None.
    """
    malloc, free = object_api()
    before = _mallocstats.snapshot()
    held = (ctypes.c_void_p * count)()
    try:
        for i in range(count):
            held[i] = malloc(request)
        after_text = _mallocstats.capture()
    finally:
        for i in range(count):
            if held[i]:
                free(held[i])
    return _rising_class(before, after_text, count)


def object_block_for(request, count):
    """The same for Python objects: ``count`` bytes objects whose allocation asks for ``request`` bytes."""
    held = [None] * max(count, 128)  # over 512 bytes itself: the list's items go to the raw allocator
    before = _mallocstats.snapshot()
    for i in range(count):
        held[i] = _bytes_of_request(request)
    after_text = _mallocstats.capture()
    del held
    return _rising_class(before, after_text, count)


def size_class_table(requests, count=64):
    """[[request, block or None], ...] for every request size, measured one by one."""
    return [[n, block_for(n, count)] for n in requests]


def rss_bytes():
    """Resident set size of this process (None where /proc is not there)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


def _bytes_of_request(request):
    """A fresh bytes object whose allocation asks pymalloc for exactly ``request`` bytes."""
    return bytes(request - sys.getsizeof(b""))


def fill_holes(request, block, keep):
    """Read the allocator, then allocate objects of ``request`` bytes until no free pool and no
    free block of the class is left, so that the next objects go into fresh arenas, in order.

    No reading may come between this and the workload: a reading allocates too, and with no
    free pool left it would open an arena of its own.  Returns the reading (before the filling).
    """
    stats = _mallocstats.snapshot()
    row = stats["classes"].get(block)
    avail = row["avail"] if row else 0
    per_pool = _memmodel.blocks_per_pool(_memmodel.from_stats(stats), request)
    for _ in range(avail + stats.get("unused_pools", 0) * per_pool):
        keep.append(_bytes_of_request(request))
    return stats


class _State:
    """One reading of the allocator and of RSS."""

    def __init__(self, block):
        self.stats = _mallocstats.snapshot()
        self.rss = rss_bytes()
        row = self.stats["classes"].get(block, {})
        self.pools = row.get("pools", 0)
        self.in_use = row.get("in_use", 0)
        self.arenas = self.stats["arenas_current"]


def _diff(a, b):
    return None if a is None or b is None else a - b


def workloads(n, request, k_small, k_big, churn_arenas):
    """Measure the model's workloads; returns {name: {quantity: measured}} and layout facts."""
    real = _memmodel.from_stats(_mallocstats.snapshot())
    block = _memmodel.block_size(real, request)
    filler, holder, out = [], [None] * n, {}

    s0 = fill_holes(request, block, filler)
    rss0 = rss_bytes()
    for i in range(n):
        holder[i] = _bytes_of_request(request)
    s1 = _State(block)
    row = s1.stats["classes"][block]
    before = s0["classes"].get(block, {})
    # The filling took every pool that was free at s0: the workload's pools are the rest.
    pools = s1.pools - before.get("pools", 0) - s0.get("unused_pools", 0)
    out["alloc"] = {"blocks_per_pool": (row["in_use"] + row["avail"]) // row["pools"], "pools": pools,
                    "arenas": s1.arenas - s0["arenas_current"], "bytes": _diff(s1.rss, rss0)}
    # Arenas that hold the workload's objects only: wholly free once they are freed.
    most, per_pool = real["arena_size"] // real["pool_size"], _memmodel.blocks_per_pool(real, request)
    # mmap aligns arenas to pages: where a pool is one page every arena has all its pools; with bigger
    # pools most arenas lose one to alignment.
    sizes = (most,) if real["pool_size"] <= _PAGE else (most - 1, most)
    whole_at = [id(holder[a[0][0]]) for a in _arenas_by_address(holder, real["pool_size"])
                if len(a) in sizes and all(len(p) == per_pool for p in a)]
    # Read again once the grouping's temporaries (300,000 ints: ~10 arenas) are freed: the arena
    # obmalloc keeps of theirs, or one an object of theirs pins, must not count as the workload's.
    # Their free pools are filled first, so that the pools unused after the free are the workload's.
    fill_holes(request, block, filler)
    before_free = _State(block)
    for i in range(n):
        holder[i] = None
    # Read before the allocator's reading, which allocates: no arena can be mapped in between.
    mapped = _procmaps.count_mapped(whole_at)
    s2 = _State(block)
    out["free_all"] = {"arenas_returned": before_free.arenas - s2.arenas,
                       "bytes_returned": _diff(before_free.rss, s2.rss),
                       "arenas_allocated": s1.arenas - s0["arenas_current"], "whole_arenas": len(whole_at),
                       # Each of the workload's whole arenas is wholly free now: still mapped = kept.  An
                       # address is the old arena's only if no arena was mapped during the free.
                       "whole_arenas_mapped": mapped,
                       "arenas_opened_during_free": _diff(s2.stats.get("arenas_allocated_total"),
                                                          before_free.stats.get("arenas_allocated_total")),
                       # A wholly free arena kept has all its pools unused: these bound the arenas kept.
                       "unused_pools_after": s2.stats.get("unused_pools"), "pools_per_arena_min": min(sizes)}

    for k, name in ((k_small, "keep_small"), (k_big, "keep_big")):
        fill_holes(request, block, filler)
        for i in range(n):
            holder[i] = _bytes_of_request(request)
        a = _State(block)
        freed = 0
        for i in range(n):
            if i % k:
                holder[i] = None
                freed += 1
        b = _State(block)
        out[name] = {"arenas_returned": a.arenas - b.arenas, "bytes_returned": _diff(a.rss, b.rss),
                     "bytes_grown": _diff(a.rss, s2.rss) if name == "keep_small" else None}
        if name == "keep_small":
            # The freed blocks are reused: allocating as many objects again needs no new arena.
            again = [None] * freed
            b = _State(block)
            for i in range(freed):
                again[i] = _bytes_of_request(request)
            c = _State(block)
            out[name]["arenas_added_on_refill"] = c.arenas - b.arenas
            out[name]["bytes_added_on_refill"] = _diff(c.rss, b.rss)
            del again
        for i in range(n):
            holder[i] = None

    out["churn"] = _churn(real, request, block, churn_arenas, filler)
    out["emptied_pools"] = _emptied_pools(real, request, block, max(2, churn_arenas // 2), filler)
    out["rss_shares"] = _rss_shares(real, request, block, n, k_small)
    out["mapping"] = arena_mappings(real, request, block, 8, filler)
    del filler[:]
    return out


def _arenas_by_address(objects, pool_size):
    """Indexes of ``objects`` grouped as [arena][pool] -> [index], from their addresses.

    Pools are aligned to their size, so an object's pool is ``id // pool_size``; objects filled
    in order take the pools of an arena one after the other, and a new arena starts where the
    next pool is not the one above (mmap hands out arenas downwards here; two arenas that meet
    upwards make one long group, which the caller drops)."""
    arenas, pool, last = [], None, None
    for i, obj in enumerate(objects):
        here = id(obj) // pool_size
        if here != last:
            if last is None or here != last + 1:
                arenas.append([])
            pool = []
            arenas[-1].append(pool)
            last = here
        pool.append(i)
    return arenas


def _churn(real, request, block, arenas, filler):
    """Arenas of alternating fill, refilled, then the sparse ones emptied: how many go back.

    Even arenas lose half their pools (whole pools freed), odd ones all but one pool; as many
    objects as the even arenas lost are allocated again; then the odd arenas' last pool is
    freed.  Where fuller arenas are used first, the refill lands in the even arenas and every odd
    arena empties; filled in address order, some odd arenas would take the refill and stay.
    Only whole arenas of the workload's own objects take part (found from the addresses).
    """
    per_pool = _memmodel.blocks_per_pool(real, request)
    holder, layout = _whole_arenas(real, request, block, arenas, filler)
    arenas = len(layout) - len(layout) % 2
    layout = layout[:arenas]
    addresses = [id(holder[a[0][0]]) for a in layout]
    free_pools = []
    for j, arena in enumerate(layout):
        freed = arena[:len(arena) // 2] if j % 2 == 0 else arena[1:]
        for pool in freed:
            for i in pool:
                holder[i] = None
        free_pools.append(len(freed))
    refill_pools = sum(free_pools[j] for j in range(0, arenas, 2))
    refill = [None] * (refill_pools * per_pool)
    for i in range(len(refill)):
        refill[i] = _bytes_of_request(request)
    before = _State(block)
    for j in range(1, arenas, 2):
        for i in layout[j][0]:
            holder[i] = None
    after = _State(block)
    del refill, holder
    by_address = sorted(range(arenas), key=lambda j: addresses[j])
    sparse = set(range(1, arenas, 2))
    return {"arenas_returned": before.arenas - after.arenas,
            "fullest_first": len(sparse - _memmodel.refill_arenas(free_pools, refill_pools,
                                                                   _memmodel.fullest_first(free_pools))),
            "address_order": len(sparse - _memmodel.refill_arenas(free_pools, refill_pools, by_address)),
            "sparse_arenas": len(sparse)}


def _whole_arenas(real, request, block, arenas, filler):
    """(holder, layout): enough objects of ``request`` bytes allocated to fill ``arenas`` arenas, and
    up to ``arenas`` of the arenas they fill whole, each a list of pools of holder indexes.  Whole
    arenas only (the first and last are shared with other objects): an arena that mmap handed out
    aligned holds one pool more."""
    per_pool = _memmodel.blocks_per_pool(real, request)
    most = real["arena_size"] // real["pool_size"]
    holder = [None] * ((arenas + 2) * per_pool * most)
    fill_holes(request, block, filler)
    for i in range(len(holder)):
        holder[i] = _bytes_of_request(request)
    layout = [a for a in _arenas_by_address(holder, real["pool_size"])[1:-1]
              if len(a) in (most - 1, most) and all(len(p) == per_pool for p in a)][:arenas]
    return holder, layout


def _emptied_pools(real, request, block, arenas, filler):
    """Whole pools emptied in arenas that keep one live pool each: kept as free pools, or given back?

    The note: even when every block of a pool is free, the memory stays allocated ("심지어 Pool 내의
    모든 Block이 free 상태가 되어도").  Returns the pools emptied, the free pools the allocator then
    reports more, the arenas it returned and the RSS given back (bytes).
    """
    holder, layout = _whole_arenas(real, request, block, arenas, filler)
    before = _State(block)
    emptied = 0
    for arena in layout:
        for pool in arena[1:]:  # the first pool of each arena keeps its objects: no arena empties
            for i in pool:
                holder[i] = None
            emptied += 1
    after = _State(block)
    del holder
    return {"pools_emptied": emptied, "free_pools_added": after.stats.get("unused_pools", 0)
            - before.stats.get("unused_pools", 0), "arenas_returned": before.arenas - after.arenas,
            "bytes_returned": _diff(before.rss, after.rss), "bytes_emptied": emptied * real["pool_size"]}


# RSS moves by pages, and for other reasons than the workload: one reading is not a fact.  60
# readings of 0 bound the mean share below 5% (1 - 0.05^(1/60)), as far as readings back to back in
# one process (one heap, one address layout) are independent: the check's why says so.
RSS_READINGS = 60


def _block_free_share(request, n, k):
    """The share of the RSS that ``n`` fresh objects grew by which freeing all but one in every ``k``
    gives back (0 where the RSS grew meanwhile: nothing came back), or None (no growth, no /proc)."""
    holder = [None] * n
    rss0 = rss_bytes()
    for i in range(n):
        holder[i] = _bytes_of_request(request)
    grown = rss_bytes()
    for i in range(n):
        if i % k:
            holder[i] = None
    back = rss_bytes()
    del holder
    if None in (rss0, grown, back) or grown <= rss0:
        return None
    return max(0, grown - back) / float(grown - rss0)


def _rss_shares(real, request, block, n, k, readings=RSS_READINGS):
    """The RSS given back, as shares, by ``readings`` workloads each, back to back in this process: all
    but one block in every ``k`` freed (pools keep a live block), and whole pools emptied in arenas
    that keep one each.  A reading with no RSS growth is taken again (up to a quarter more), so that
    the bound rests on ``readings`` of them; each has its own filler, emptied after it."""
    # A quarter of the workload, but several arenas: the one obmalloc keeps back would otherwise
    # serve the next reading from resident memory, and the RSS would not grow at all.
    size = max(n // 4, 75000)
    out = {"block_free": [], "pool_free": []}
    for _ in range(readings + readings // 4):
        if len(out["block_free"]) < readings:
            share = _block_free_share(request, size, k)
            if share is not None:
                out["block_free"].append(share)
        if len(out["pool_free"]) < readings:
            share = _pool_free_share(real, request, block, [])
            if share is not None:
                out["pool_free"].append(share)
    return out


def _pool_free_share(real, request, block, filler):
    """``_emptied_pools``'s RSS given back as a share of the emptied pools' bytes, read from RSS alone
    (its allocator readings would make 60 of them take seconds more), or None."""
    holder, layout = _whole_arenas(real, request, block, 2, filler)
    before = rss_bytes()
    emptied = 0
    for arena in layout:
        for pool in arena[1:]:
            for i in pool:
                holder[i] = None
            emptied += 1
    after = rss_bytes()
    del holder
    if None in (before, after) or not emptied:
        return None
    return max(0, before - after) / float(emptied * real["pool_size"])


def arena_mappings(real, request, block, arenas, filler):
    """How new arenas reach the OS: anonymous mappings grown against the arenas added.

    An arena mapped with mmap directly grows the anonymous mappings by exactly its size; one that
    glibc's malloc serves grows them by a page more (its chunk header) or not at all (the brk heap).
    None where /proc/self/maps cannot be read.
    """
    per_pool = _memmodel.blocks_per_pool(real, request)
    holder = [None] * (arenas * per_pool * (real["arena_size"] // real["pool_size"]))
    fill_holes(request, block, filler)
    # Read after the filling: the filler's list grows by realloc, which glibc serves with mmap/mremap.
    mapped0 = _procmaps.anonymous_bytes()
    if mapped0 is None:
        return None
    a0 = _mallocstats.snapshot()["arenas_current"]
    for i in range(len(holder)):
        holder[i] = _bytes_of_request(request)
    a1 = _mallocstats.snapshot()["arenas_current"]
    mapped1 = _procmaps.anonymous_bytes()
    del holder
    if mapped1 is None:
        return None
    return {"arenas_added": a1 - a0, "mapped_bytes": mapped1 - mapped0}
