"""Objects and the memory manager (CLAIMS.md section 1): its claims and the workloads that measure them.

Every pymalloc figure is read from the allocator of the measured interpreter (its
``sys._debugmallocstats()`` counters, ``demos._mallocstats``); the model rows set the note's
constants and this interpreter's beside the same workloads measured (``demos._memmodel``).
"""
from bench.ledger.vocabulary import Change, Check, Claim, Headline, Workload, grid, ratio

_SECTION = "Python의 memory 관리 방식"

# Verified against the CPython sources and against what the interpreters here print
# (tests/fixtures/mallocstats/): 3.9 prints 4096-byte pools and 262144-byte arenas, 3.10 to 3.13
# print 16384 and 1048576; every version prints 32 classes 16 bytes apart.
_ALIGN_16 = Change("3.8", "pymalloc aligns blocks to 16 bytes on 64-bit platforms: 32 size classes 16 bytes "
                          "apart (16, 32, ..., 512) instead of 64 classes 8 bytes apart", "bpo-27987")
_RADIX_TREE = Change("3.10", "obmalloc tracks arenas with a radix tree: pools of 16 KiB and arenas of 1 MiB on "
                             "64-bit platforms", "bpo-37448 (GH-14474)")
_MIMALLOC = Change("3.13", "free-threaded builds allocate with mimalloc, not pymalloc: the pymalloc claims "
                           "do not apply there", "PEP 703")
_FT_HEADER = Change("3.13", "free-threaded builds: the object header holds ob_tid, a local and a shared reference "
                            "count and ob_type (4 machine words)", "PEP 703")

CLAIMS = (
    Claim("mem.object-header", "mem", _SECTION,
          "Every object is a PyObject with exactly two fields, a reference count and a type pointer.",
          "PyObject는 단 두가지 attribute만", (Check("mem.object_header_words", "equals(2)"),),
          note_figure="2 fields", context=("mem.object_size_bytes", "mem.pointer_bytes"),
          departs="Judged on sys.getsizeof(object()) in machine words: the size of a bare object is its header.",
          changes=(_FT_HEADER,),
          headline=Headline("mem.object_header_words", "machine words",
                            "the size of a bare object() in machine words: 2 = the note's two fields (reference "
                            "count, type pointer); more = a larger header")),
    Claim("mem.small-threshold", "mem", _SECTION,
          "Requests of 512 bytes or less go to pymalloc; larger ones go to the raw allocator.",
          "512bytes 이하의 object를 위한 allocator", (Check("mem.small_threshold_bytes", "equals(512)"),),
          note_figure="512 B", applies="pymalloc",
          context=("mem.small_threshold_reported", "mem.alloc.raw_over_small"),
          departs="Measured as the largest request (PyObject_Malloc of 1 ... 4096 bytes) that moves one of "
                  "pymalloc's per-class counters; the threshold the allocator prints is shown beside it.",
          changes=(_MIMALLOC,),
          headline=Headline("mem.small_threshold_bytes", "bytes",
                            "the largest request pymalloc serves (larger ones go to the raw allocator): 512 = the "
                            "note's threshold")),
    Claim("mem.size-classes", "mem", _SECTION,
          "Blocks come in 64 size classes 8 bytes apart (1-8 -> 8, ..., 505-512 -> 512).",
          "size class", (Check("mem.size_class_step_bytes", "equals(8)"), Check("mem.size_class_count", "equals(64)")),
          note_figure="8-byte step, 64 classes", applies="pymalloc",
          context=("mem.size_class_count_reported", "mem.size_classes.differ_from_note"),
          departs="Step and count are those of the blocks requests of 1 ... 512 bytes really land in.",
          changes=(_ALIGN_16, _MIMALLOC),
          headline=Headline("mem.size_class_step_bytes", "bytes",
                            "the step between the block sizes requests of 1 ... 512 bytes land in: 8 = the note's "
                            "classes; 16 = blocks aligned to 16 bytes")),
    Claim("mem.block-rounding", "mem", _SECTION,
          "A 41-byte request takes a 48-byte block.",
          "41 bytes의 memory가 필요하다면 ... 48bytes짜리 block", (Check("mem.block_for_41_bytes", "equals(48)"),),
          note_figure="41 -> 48", applies="pymalloc",
          context=("mem.block_for_41_byte_object", "mem.size_classes.differ_from_note"),
          changes=(_MIMALLOC,),
          headline=Headline("mem.block_for_41_bytes", "bytes",
                            "the block a 41-byte request really gets: 48 = the note's; another size = other size "
                            "classes")),
    Claim("mem.pool-size", "mem", _SECTION, "A pool is one 4 KiB virtual-memory page.",
          "pool", (Check("mem.pool_size_bytes", "equals(4096)"),), note_figure="4 KB", applies="pymalloc",
          context=("mem.pool_header_bytes",), changes=(_RADIX_TREE, _MIMALLOC),
          headline=Headline("mem.pool_size_bytes", "bytes",
                            "the size of one pymalloc pool: 4096 = the note's 4 KiB page; larger = bigger pools")),
    Claim("mem.arena-size", "mem", _SECTION, "An arena is 256 KiB.",
          "하나의 Arena는 256kb이다", (Check("mem.arena_size_bytes", "equals(262144)"),),
          note_figure="256 KB", applies="pymalloc", context=("mem.pools_per_arena",),
          changes=(_RADIX_TREE, _MIMALLOC),
          headline=Headline("mem.arena_size_bytes", "bytes",
                            "the size of one pymalloc arena: 262144 = the note's 256 KiB; larger = bigger arenas")),
    Claim("mem.free-blocks-kept", "mem", _SECTION,
          "A freed block keeps its memory for reuse; pools never give memory back to the OS.",
          "memory는 반환하지 않고 할당 받은 채로 유지",
          (Check("mem.rss_returned_share_after_block_free", "below(0.05)"),
           Check("mem.arenas_added_on_refill", "equals(0)")),
          applies="pymalloc",
          departs="Freeing all but one object in every 16 (every pool keeps a live block): the share of the "
                  "workload's resident memory given back (RSS, /proc) must stay near 0 (below 5%, RSS moves by "
                  "pages for other reasons); allocating as many objects again must need no new arena "
                  "(the freed blocks are reused).",
          changes=(_MIMALLOC,),
          headline=Headline("mem.rss_returned_share_after_block_free", "share of RSS",
                            "the share of the workload's resident memory given back to the OS after freeing all but "
                            "one object in every 16: near 0 = the freed blocks are kept, 1 = all of it returned")),
    Claim("mem.arena-return", "mem", _SECTION,
          "Memory returns to the OS only a whole arena at a time, when all its pools are empty.",
          "arena",
          (Check("mem.fragmented_arenas_freed", "equals(0)"),
           Check("mem.free_all_arenas_returned_share", "above(0.5)")),
          applies="pymalloc", context=("mem.model_real_arena_error",),
          departs="Two halves: freeing all but one object in every 16 returns no arena; freeing all of them "
                  "returns most arenas (obmalloc keeps the last wholly free arena of its list, bpo-37257, "
                  "so not always every one). The model rows show both against the predictions.",
          changes=(_MIMALLOC,),
          headline=Headline("mem.fragmented_arenas_freed", "count (arenas)",
                            "arenas returned to the OS after freeing all but one object in every 16 (no arena wholly "
                            "empty): 0 = none, as the note says; more = memory returned without a whole arena "
                            "emptied")),
    Claim("mem.arena-order", "mem", _SECTION,
          "usable_arenas is sorted so fuller arenas are used first, letting emptier ones be freed.",
          "usable_arenas", (Check("mem.arenas_freed_vs_address_order", "above(1.0)"),), applies="pymalloc",
          context=("mem.arena_order.returned", "mem.arena_order.fullest_first_model",
                   "mem.arena_order.address_order_model"),
          departs="A churn: 8 fresh arenas (found from the objects' addresses), the even ones half emptied "
                  "(whole pools), the odd ones emptied but for one pool; as many objects as the even arenas "
                  "lost are allocated again, then the odd arenas' last pools freed. Judged: arenas the "
                  "allocator returned over what filling the same free pools in address order would return.",
          changes=(_MIMALLOC,),
          headline=Headline("mem.arenas_freed_vs_address_order", "x (ratio)",
                            "arenas the allocator returned after a churn over what filling the same free pools in "
                            "address order would return: above 1 = fuller arenas are used first and emptier ones "
                            "freed; 1 or less = no gain from the order")),
    Claim("mem.model-prediction", "mem", _SECTION,
          "(Implied) the note's constants predict the pools and arenas a workload needs.",
          "Arena / Pool / Block", (Check("mem.model_arena_error", "below(0.1)"),), applies="pymalloc",
          context=("mem.model_real_arena_error",),
          departs="100,000 objects of 41 bytes (the note's example), fast mode; more in the other modes. "
                  "Judged on the arenas they take: |note's prediction - measured| / measured. The note's "
                  "model has no pool header (the note names none).",
          changes=(_RADIX_TREE, _MIMALLOC),
          headline=Headline("mem.model_arena_error", "share (relative error)",
                            "|arenas the note's constants predict - arenas measured| / measured: 0 = exact, 0.1 = "
                            "10% off")),
)

# 200,000 bytes objects of 15 bytes (a 48-byte request on GIL builds: a pymalloc block) or of 567
# bytes (a 600-byte request, over the 512-byte threshold: the raw allocator), and bare object()s.
# Lengths, not request sizes, name the benchmarks: the object header is larger on free-threaded builds.
_ALLOC = grid("alloc_free", {"bytes": (15, 567)}, {"kind": ("object",)}, bare=("kind",))

# The keys each workload's observe() returns (on any interpreter: some only on some builds);
# bench.ledger.producer() finds a metric's workload among them and the derived metrics.
_OBSERVED_PYMALLOC = (
    "mem.allocator", "mem.arena_order.address_order_model", "mem.arena_order.fullest_first_model",
    "mem.arena_order.returned", "mem.arena_size_bytes", "mem.arenas_added_on_refill",
    "mem.arenas_freed_vs_address_order", "mem.block_for_41_byte_object", "mem.block_for_41_bytes",
    "mem.fragmented_arenas_freed", "mem.free_all_arenas_returned_share", "mem.model.rows",
    "mem.model_arena_error", "mem.model_real_arena_error", "mem.not_measured", "mem.object_header_words",
    "mem.object_size_bytes", "mem.pointer_bytes", "mem.pool_header_bytes", "mem.pool_size_bytes",
    "mem.pools_per_arena", "mem.pymalloc_in_use", "mem.rss_returned_share_after_block_free",
    "mem.size_class_count", "mem.size_class_count_reported", "mem.size_class_step_bytes",
    "mem.size_classes.differ_from_note", "mem.size_classes.measured", "mem.small_threshold_bytes",
    "mem.small_threshold_reported",
)

WORKLOADS = (
    Workload(
        "pymalloc", "mem", "mem.", observes=_OBSERVED_PYMALLOC, demo="demos.pymalloc", script="bm_alloc.py",
        params={"fast": {}, "default": {"n": 300000, "churn_arenas": 12},
                "rigorous": {"n": 1000000, "churn_arenas": 16, "probe_count": 4000}},
        derived=(
            ("mem.alloc.raw_over_small", ratio(_ALLOC.benchmark(bytes=567), _ALLOC.benchmark(bytes=15))),
            ("mem.alloc.object_over_small", ratio(_ALLOC.benchmark("object"), _ALLOC.benchmark(bytes=15))),
        ),
        grid=_ALLOC,
    ),
)
