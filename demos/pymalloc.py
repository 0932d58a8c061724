"""pymalloc as the note describes it, against what the allocator of this interpreter does.

The note (section "Python의 memory 관리 방식"): requests of 512 bytes or less go to pymalloc,
in 64 size classes 8 bytes apart (a 41-byte request takes a 48-byte block); a pool is one
4 KiB page, an arena 256 KiB; freed blocks are kept for reuse, and memory goes back to the OS
only a whole arena at a time; usable arenas are sorted so that fuller ones are used first.

Everything here is read from the allocator's own counters (``sys._debugmallocstats()``) and
from /proc: the block a request really lands in, for every request size; the constants the
allocator reports; and workloads set beside the note's model run twice, with the note's
constants and with this interpreter's (``demos._memmodel``).  A free-threaded build uses
mimalloc: the pymalloc measurements are then not taken, and the observation says why.
"""
import struct
import sys

from demos import _mallocstats, _memmodel
from demos._util import conclude, print_header

_NOTE_SIZES = list(range(1, 513)) + [513, 520, 600, 1024, 4096]
_NOTE_EXAMPLE = 41
_STEP_PROBES = (17, 24, 25, 33)


def note_block(request):
    """The block the note's table gives a request (8-byte classes up to 512), or None."""
    return _memmodel.block_size(_memmodel.NOTE, request)


def _class_facts(table):
    blocks = sorted({b for _, b in table if b is not None})
    steps = [blocks[0]] + [b - a for a, b in zip(blocks, blocks[1:])] if blocks else []
    landed = [n for n, b in table if b is not None]
    measured = dict((n, b) for n, b in table)
    facts = {
        "mem.size_classes.measured": table,
        "mem.size_class_count": len(blocks),
        "mem.size_class_step_bytes": min(steps) if steps else None,
        # The largest request that landed in a pymalloc class (None above: the raw allocator).
        "mem.small_threshold_bytes": max(landed) if landed else None,
        "mem.block_for_41_bytes": measured.get(_NOTE_EXAMPLE),
        "mem.smallest_block_bytes": blocks[0] if blocks else None,
        "mem.largest_block_bytes": blocks[-1] if blocks else None,
        "mem.size_classes.differ_from_note": sum(1 for n, b in table if b != note_block(n)),
    }
    # Requests where 8- and 16-byte classes disagree (17, 24, 33) and one where they agree (25).
    facts.update({"mem.block_for_%d_bytes" % n: measured[n] for n in _STEP_PROBES if measured.get(n) is not None})
    return facts


def _row(workload, quantity, note, real, measured):
    return {"workload": workload, "quantity": quantity, "note_prediction": note, "real_prediction": real,
            "measured": measured, "note_error": _memmodel.relative_error(note, measured),
            "real_error": _memmodel.relative_error(real, measured)}


def _model_rows(real, m, n, request, k_small, k_big):
    note = _memmodel.NOTE
    rows = []
    alloc_note, alloc_real = _memmodel.allocate(note, n, request), _memmodel.allocate(real, n, request)
    what = "%d objects of %d B" % (n, request)
    for quantity in ("blocks_per_pool", "pools", "arenas"):
        rows.append(_row(what, quantity, alloc_note[quantity], alloc_real[quantity], m["alloc"][quantity]))
    rows.append(_row(what, "bytes (RSS growth)", alloc_note["bytes"], alloc_real["bytes"], m["alloc"]["bytes"]))
    cases = (("free all", None, "free_all"), ("free all but 1 in %d" % k_small, k_small, "keep_small"),
             ("free all but 1 in %d" % k_big, k_big, "keep_big"))
    for label, k, key in cases:
        back_note, back_real = _memmodel.returnable(note, n, request, k), _memmodel.returnable(real, n, request, k)
        rows.append(_row(label, "arenas returned", back_note, back_real, m[key]["arenas_returned"]))
        rows.append(_row(label, "bytes returned (RSS)", back_note * note["arena_size"],
                         back_real * real["arena_size"], m[key]["bytes_returned"]))
    rows.append(_row("re-allocate the freed blocks", "arenas added", 0, 0, m["keep_small"]["arenas_added_on_refill"]))
    churn = m["churn"]
    kept = 1 if real["keeps_one_free_arena"] and churn["fullest_first"] else 0
    rows.append(_row("churn: refill, then empty the sparse arenas", "arenas returned", churn["fullest_first"],
                     churn["fullest_first"] - kept, churn["arenas_returned"]))
    return rows


def _model_metrics(rows, m):
    alloc = [r for r in rows if r["quantity"] == "arenas" and r["workload"].endswith(" B")][0]
    out = {
        "mem.model.rows": rows,
        "mem.model_arena_error": abs(alloc["note_error"]),
        "mem.model_real_arena_error": abs(alloc["real_error"]),
        "mem.fragmented_arenas_freed": m["keep_small"]["arenas_returned"],
        "mem.arenas_added_on_refill": m["keep_small"]["arenas_added_on_refill"],
        "mem.arena_order.returned": m["churn"]["arenas_returned"],
        "mem.arena_order.address_order_model": m["churn"]["address_order"],
        "mem.arena_order.fullest_first_model": m["churn"]["fullest_first"],
    }
    if m["alloc"]["arenas"]:
        out["mem.free_all_arenas_returned_share"] = m["free_all"]["arenas_returned"] / float(m["alloc"]["arenas"])
    out.update(_kept_and_mapped(m))
    if m["churn"]["address_order"]:
        out["mem.arenas_freed_vs_address_order"] = m["churn"]["arenas_returned"] / float(m["churn"]["address_order"])
    return out


def _kept_bounds(free_all, unmeasured):
    """Wholly free arenas not returned after the free.

    Exact where /proc/self/maps is read and no arena was opened during the free: the workload's
    whole arenas (its objects only, so wholly free now) still mapped, low = high.  Otherwise in
    bounds (assuming that nothing else allocates between the two readings; a 63-pool group is read
    as a whole arena where pools are 16 KiB).  At least: max(whole arenas, arenas returned) -
    arenas returned (an arena is returned only when wholly free).  At most: the unused pools after
    the free divided by the fewest pools an arena has, rounded down (a kept arena has every pool
    unused; other arenas' unused pools only loosen the bound)."""
    whole, returned = free_all["whole_arenas"], free_all["arenas_returned"]
    mapped = free_all.get("whole_arenas_mapped")
    # Exact only with two whole arenas or more (one cannot show "at most one kept") and a count the
    # allocator's unused pools can hold (else another mapping took a freed arena's address).
    if (mapped is not None and free_all.get("arenas_opened_during_free") == 0 and whole >= 2
            and mapped <= (free_all.get("unused_pools_after") or 0) // free_all["pools_per_arena_min"]):
        return {"mem.free_all_arenas_kept_low": mapped, "mem.free_all_arenas_kept_high": mapped}
    low = max(whole, returned) - returned
    unused = free_all.get("unused_pools_after")
    if unused is None:
        unmeasured["mem.free_all_arenas_kept"] = "the allocator's statistics give no count of unused pools"
        return {"mem.free_all_arenas_kept_low": low}
    high = unused // free_all["pools_per_arena_min"]
    if high < low:
        unmeasured["mem.free_all_arenas_kept"] = (
            "inconsistent: %d arenas counted wholly free and kept, but only %d unused pools (%d per arena)"
            % (low, unused, free_all["pools_per_arena_min"]))
        return {}
    return {"mem.free_all_arenas_kept_low": low, "mem.free_all_arenas_kept_high": high}


def _kept_and_mapped(m):
    """Wholly free pools and arenas, the RSS given back, how arenas reach the OS, a fresh pool's carving."""
    out = {"mem.free_all_whole_arenas": m["free_all"]["whole_arenas"]}
    unmeasured = {}
    out.update(_kept_bounds(m["free_all"], unmeasured))
    pools = m["emptied_pools"]
    out.update({"mem.emptied_pools": pools["pools_emptied"], "mem.emptied_pools_arenas_returned":
                pools["arenas_returned"]})
    if pools["pools_emptied"]:
        out["mem.emptied_pools_kept_share"] = pools["free_pools_added"] / float(pools["pools_emptied"])
    mapping = m["mapping"]
    if mapping and mapping["arenas_added"] > 0:
        arena = m["arena_size"]
        out.update({"mem.arena_os.arenas_added": mapping["arenas_added"],
                    # Whole bytes: a byte count reads as one (262144, not 2.621e+05).
                    "mem.arena_os.mapped_per_arena_bytes": int(round(mapping["mapped_bytes"] /
                                                                     float(mapping["arenas_added"]))),
                    # Exactly the arenas' size in new anonymous mappings: mmap'd directly, not via malloc.
                    "mem.arena_os.direct_mmap": int(mapping["mapped_bytes"] == mapping["arenas_added"] * arena)})
    carving = m["carving"]
    if carving and carving["second_in_same_pool"]:
        out.update({"mem.pool_initial_blocks": carving["after_first"],
                    "mem.pool_blocks_after_second": carving["after_second"], "mem.pool_carving_attempts":
                    carving["attempts"]})
    else:
        why = ("the second block of a fresh pool landed in another pool in each of %d attempts (each in a pool "
               "not seen before)" % carving["attempts"] if carving else
               "no fresh pool found, or its header does not read as struct pool_header on this build")
        unmeasured.update(dict.fromkeys(("mem.pool_initial_blocks", "mem.pool_blocks_after_second"), why))
    # Repeated readings (RSS moves by pages and for other reasons): the judge takes their mean.
    for name, key in (("block_free", "mem.rss_returned_share_after_block_free"),
                      ("pool_free", "mem.rss_returned_share_after_pool_free")):
        if m["rss_shares"][name]:
            out[key + "_samples"] = m["rss_shares"][name]
        else:
            unmeasured[key] = "no reading: the resident set size (/proc) did not grow or could not be read"
    if unmeasured:
        out["mem.unmeasured"] = unmeasured  # the judge says why, where the metric is missing
    return out


def observe(n=300000, request=_NOTE_EXAMPLE, k_small=16, k_big=50000, churn_arenas=8, probe_count=1000,
            sizes=None):
    """Object header, allocator constants, the size-class table and the model's workloads.

    ``n`` objects of 41 bytes: 300,000 fill some 13 whole arenas of 1 MiB (3.10+; 100,000 filled 3), so
    that the lower bound on wholly free arenas is more than a few arenas.

    ``probe_count`` blocks per request size: other threads of the process (a test runner's, a
    profiler's) allocate at the same time, and with 64 blocks their allocations once outgrew the
    probe's own and moved the wrong class; 1,000 outnumber them (about 1 s for all sizes).
    """
    pointer = struct.calcsize("P")
    obs = {"mem.object_size_bytes": sys.getsizeof(object()), "mem.pointer_bytes": pointer,
           "mem.object_header_words": sys.getsizeof(object()) / float(pointer)}
    kind = _mallocstats.allocator_in_use()
    obs["mem.allocator"] = kind
    obs["mem.pymalloc_in_use"] = int(kind == "pymalloc")
    if kind != "pymalloc":
        obs["mem.not_measured"] = "this process's allocator is %s, not pymalloc: no pymalloc counters to read" % kind
        return obs
    from demos import _pool_carving, _pymalloc_probe  # ctypes: only where pymalloc's counters are read

    stats = _mallocstats.snapshot()
    real = _memmodel.from_stats(stats)
    obs.update({"mem.small_threshold_reported": stats["threshold"], "mem.size_class_count_reported":
                stats["class_count"], "mem.pool_size_bytes": stats["pool_size"],
                "mem.arena_size_bytes": stats["arena_size"], "mem.pool_header_bytes": real["pool_header"],
                "mem.pools_per_arena": real["pools_per_arena"]})
    obs.update(_class_facts(_pymalloc_probe.size_class_table(sizes or _NOTE_SIZES, probe_count)))
    # The same request made by a Python object (a bytes object of 41 bytes in all, header included).
    obs["mem.block_for_41_byte_object"] = _pymalloc_probe.object_block_for(_NOTE_EXAMPLE, probe_count)
    measured = _pymalloc_probe.workloads(n, request, k_small, k_big, churn_arenas)
    measured["arena_size"] = stats["arena_size"]
    measured["carving"] = _pool_carving.carving(real, request, _memmodel.block_size(real, request), [])
    obs.update(_model_metrics(_model_rows(real, measured, n, request, k_small, k_big), measured))
    return obs


def _differing_runs(table):
    """(first, last, note's block, measured block) for each run of consecutive requests that differ alike."""
    runs = []
    for request, block in table:
        note = note_block(request)
        if block == note:
            continue
        if runs and runs[-1][1] == request - 1 and runs[-1][2:] == (note, block):
            runs[-1] = (runs[-1][0], request, note, block)
        else:
            runs.append((request, request, note, block))
    return runs


def _fmt(value):
    return "-" if value is None else str(value)


def main():
    print_header("pymalloc: the note's size classes and memory model against this allocator "
                 "(note section: Python의 memory 관리 방식)")
    r = observe()
    print("bare object(): %d bytes = %g machine words (the note: 2 fields, refcount and type)"
          % (r["mem.object_size_bytes"], r["mem.object_header_words"]))
    if not r["mem.pymalloc_in_use"]:
        print("allocator: %s. %s." % (r["mem.allocator"], r["mem.not_measured"]))
        conclude("pymalloc", r)
        return
    print("allocator reports: threshold %d B in %d classes, pools of %d B, arenas of %d B (%d pools each)"
          % (r["mem.small_threshold_reported"], r["mem.size_class_count_reported"], r["mem.pool_size_bytes"],
             r["mem.arena_size_bytes"], r["mem.pools_per_arena"]))
    print("the note says:     threshold 512 B in 64 classes, pools of 4096 B, arenas of 262144 B")
    print()
    print("block a request lands in (measured from the allocator's per-class counters), where it differs "
          "from the note's table:")
    print("  %10s  %10s  %10s" % ("request", "note", "measured"))
    for first, last, note, block in _differing_runs(r["mem.size_classes.measured"]):
        print("  %10s  %10s  %10s" % ("%d-%d" % (first, last) if last > first else first, _fmt(note), _fmt(block)))
    print("  (%d of %d request sizes differ; 41 B -> %s B measured (a 41-byte bytes object: %s B), the note "
          "says 48 B)" % (r["mem.size_classes.differ_from_note"], len(r["mem.size_classes.measured"]),
                          _fmt(r["mem.block_for_41_bytes"]), _fmt(r["mem.block_for_41_byte_object"])))
    if "mem.pool_initial_blocks" in r:
        print("a fresh pool carves %d blocks at its first allocation, %d after the second (the note: 2, then one "
              "more as needed)" % (r["mem.pool_initial_blocks"], r["mem.pool_blocks_after_second"]))
    if "mem.arena_os.mapped_per_arena_bytes" in r:
        print("new anonymous mappings per arena: %d bytes (an arena is %d): %s" % (
            r["mem.arena_os.mapped_per_arena_bytes"], r["mem.arena_size_bytes"],
            "mmap'd directly, not through malloc" if r["mem.arena_os.direct_mmap"] else "not exactly one arena"))
    print()
    print("model vs measurement (note's constants, this interpreter's constants, measured):")
    print("  %-44s %-22s %12s %12s %12s" % ("workload", "quantity", "note", "real", "measured"))
    for row in r["mem.model.rows"]:
        print("  %-44s %-22s %12s %12s %12s" % (row["workload"], row["quantity"], _fmt(row["note_prediction"]),
                                                 _fmt(row["real_prediction"]), _fmt(row["measured"])))
    conclude("pymalloc", r)


if __name__ == "__main__":
    main()
