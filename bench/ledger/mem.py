"""Objects and the memory manager (CLAIMS.md section 1): its claims and the workloads that measure them.

Every pymalloc figure is read from the allocator of the measured interpreter (its
``sys._debugmallocstats()`` counters, ``demos._mallocstats``); the model rows set the note's
constants and this interpreter's beside the same workloads measured (``demos._memmodel``).
"""
from bench.ledger.derived import bounds, ratio, sample_mean
from bench.ledger.vocabulary import Change, Check, Claim, Headline, Workload, grid

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

_STEPS_DISAGREE = "a request where 8-byte classes (the note's table) and 16-byte ones give different blocks"
_KB = "the note's unit is kb; the allocator's blocks are 16 ... 512 bytes (8 ... 512 in the note's table)"

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
          "Requests of 512 bytes or less go to pymalloc; larger ones go to the raw allocator (the same section "
          "also says below 512, '512bytes 미만').",
          "512bytes 이하의 object를 위한 allocator",
          (Check("mem.small_threshold_bytes", "equals(512)",
                 why="512 = '512bytes 이하' (a 512-byte request is pymalloc's); the section's other wording, "
                     "'512bytes 미만' (below 512), would make it 511: the measurement decides between the two"),),
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
          "A request takes the next block of its 8-byte class: 41 -> 48, and so 17 -> 24, 24 -> 24, 33 -> 40.",
          "41 bytes의 memory가 필요하다면 ... 48bytes짜리 block",
          (Check("mem.block_for_41_bytes", "equals(48)"),
           Check("mem.block_for_17_bytes", "equals(24)", why=_STEPS_DISAGREE),
           Check("mem.block_for_24_bytes", "equals(24)", why=_STEPS_DISAGREE),
           Check("mem.block_for_33_bytes", "equals(40)", why=_STEPS_DISAGREE)),
          note_figure="41 -> 48 (17 -> 24, 33 -> 40 by its table)", applies="pymalloc",
          context=("mem.block_for_25_bytes", "mem.block_for_41_byte_object", "mem.size_classes.differ_from_note"),
          departs="The note's example, 41 bytes, takes 48 with 8-byte and with 16-byte classes alike, so it cannot "
                  "tell them apart; 17, 24 and 33 bytes can (25 cannot: 32 either way, shown as context).",
          changes=(_ALIGN_16, _MIMALLOC),
          headline=Headline("mem.block_for_33_bytes", "bytes",
                            "the block a 33-byte request really gets: 40 = the note's 8-byte classes; 48 = 16-byte "
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
          "A freed block keeps its memory for reuse; even a pool whose blocks are all free gives nothing back to "
          "the OS.",
          "심지어 Pool 내의 모든 Block이 free 상태가 되어도 ... memory는 반환하지 않고 할당 받은 채로 유지",
          (Check("mem.rss_returned_share_after_block_free", "below(0.05)"),
           Check("mem.arenas_added_on_refill", "equals(0)"),
           Check("mem.rss_returned_share_after_pool_free", "below(0.05)",
                 why="whole pools emptied in arenas that each keep one live pool: the share of the emptied pools' "
                     "bytes given back (RSS)"),
           Check("mem.emptied_pools_kept_share", "between(0.9,1.1)",
                 why="the free pools the allocator reports more, over the pools emptied: 1 = each stays in its arena "
                     "as a free pool")),
          applies="pymalloc", context=("mem.emptied_pools", "mem.emptied_pools_arenas_returned"),
          departs="Freeing all but one object in every 16 (every pool keeps a live block): the share of the "
                  "workload's resident memory given back (RSS, /proc) must stay near 0 (below 5%, RSS moves by "
                  "pages for other reasons: the mean of 60 readings, each a new workload, back to back in this one "
                  "process, each clipped at 0; its 95% interval lies in [0, 1], and readings at 0 bound it by the "
                  "share of readings above 0, as far as readings of one process are independent); allocating as many objects again must need no new arena "
                  "(the freed blocks are reused). Then whole pools: arenas filled with the workload's objects, "
                  "every pool but the first of each emptied.",
          changes=(_MIMALLOC,),
          headline=Headline("mem.rss_returned_share_after_pool_free", "share of the emptied pools' bytes",
                            "the share of wholly emptied pools' memory given back to the OS: near 0 = kept, as the "
                            "note says; 1 = all of it returned")),
    Claim("mem.arena-return", "mem", _SECTION,
          "Memory returns to the OS only a whole arena at a time, when all its pools are empty.",
          "arena",
          (Check("mem.fragmented_arenas_freed", "equals(0)"),
           Check("mem.free_all_arenas_kept", "below(1.5)",
                 why="wholly free arenas not returned after freeing every object: of the arenas that held the "
                     "workload's objects only (so wholly free after the free), those still mapped in /proc/self/maps, "
                     "an exact count where no arena was opened during the free. Elsewhere in bounds from the "
                     "allocator's counts (assuming nothing else allocates during the free): at least "
                     "max(arenas holding the workload's objects only, arenas returned) - arenas returned; at most "
                     "the unused pools after the free divided by the fewest pools an arena has, rounded down. "
                     "obmalloc keeps at most one back for reuse (bpo-37257)")),
          applies="pymalloc",
          context=("mem.free_all_whole_arenas", "mem.free_all_arenas_returned_share", "mem.model_real_arena_error"),
          departs="Two halves: freeing all but one object in every 16 returns no arena; freeing all of them "
                  "returns every wholly free arena but the one obmalloc keeps (bpo-37257). The model rows show both "
                  "against the predictions.",
          changes=(_MIMALLOC,),
          headline=Headline("mem.fragmented_arenas_freed", "count (arenas)",
                            "arenas returned to the OS after freeing all but one object in every 16 (no arena wholly "
                            "empty): 0 = none, as the note says; more = memory returned without a whole arena "
                            "emptied")),
    Claim("mem.arena-from-os", "mem", _SECTION,
          "The raw allocator gets each arena through the general-purpose allocator (malloc), the only allocator "
          "that talks to the OS's virtual memory manager.",
          "raw memory allocator가 general-purpose allocator와 상호작용하여 memory를 요청",
          (Check("mem.arena_os.direct_mmap", "equals(0)",
                 why="1 = the anonymous mappings grew by exactly the added arenas' size: each arena mapped with "
                     "mmap directly (ARENAS_USE_MMAP), not through malloc; glibc's malloc would add a page per "
                     "arena (its chunk header) or grow the brk heap instead"),),
          applies="pymalloc", context=("mem.arena_os.arenas_added", "mem.arena_os.mapped_per_arena_bytes",
                                       "mem.arena_size_bytes"),
          departs="8 arenas' worth of objects allocated; /proc/self/maps read before and after (Linux only: "
                  "elsewhere not measured).",
          changes=(_MIMALLOC,),
          headline=Headline("mem.arena_os.mapped_per_arena_bytes", "bytes",
                            "new anonymous mappings per arena added: the arena's size exactly = mmap'd directly; a "
                            "page more = malloc's chunk; 0 = malloc's brk heap")),
    Claim("mem.block-size-range", "mem", _SECTION, "A block is at least 8 kb and at most 512 kb.",
          "최소 크기는 8kb, 최대 크기는 512kb",
          (Check("mem.smallest_block_bytes", "equals(8192)", why=_KB),
           Check("mem.largest_block_bytes", "equals(524288)", why=_KB)),
          note_figure="8 kb ... 512 kb", applies="pymalloc", context=("mem.small_threshold_bytes",),
          departs="The smallest and largest block requests of 1 ... 512 bytes land in (the allocator's counters), "
                  "judged against the note's figures in its units.",
          changes=(_ALIGN_16, _MIMALLOC),
          headline=Headline("mem.largest_block_bytes", "bytes",
                            "the largest block pymalloc hands out: 524288 = the note's 512 kb; 512 = its figure "
                            "read in bytes")),
    Claim("mem.pool-initial-blocks", "mem", _SECTION,
          "A new pool carves only two blocks at first, then one more each time one is needed.",
          "처음에는 단 2개의 Block만이 생성되며",
          (Check("mem.pool_initial_blocks", "equals(2)"), Check("mem.pool_blocks_after_second", "equals(3)")),
          note_figure="2", applies="pymalloc",
          departs="sys._debugmallocstats() cannot show it: it counts a pool's blocks not in use as available, "
                  "carved or not. Read instead from the pool's own header (struct pool_header: nextoffset) "
                  "through ctypes, after the first and the second block PyObject_Malloc returns from a fresh "
                  "pool (its first block at the header's end, one block in use); where no such pool or no such "
                  "layout is found (another word size, a debug allocator), not measured.",
          changes=(_MIMALLOC,),
          headline=Headline("mem.pool_initial_blocks", "count (blocks)",
                            "blocks a fresh pool has carved after handing out its first: 2 = the note's; more = "
                            "carved ahead")),
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
    "mem.arena_os.arenas_added", "mem.arena_os.direct_mmap", "mem.arena_os.mapped_per_arena_bytes",
    "mem.arenas_freed_vs_address_order", "mem.block_for_17_bytes", "mem.block_for_24_bytes",
    "mem.block_for_25_bytes", "mem.block_for_33_bytes", "mem.block_for_41_byte_object", "mem.block_for_41_bytes",
    "mem.emptied_pools", "mem.emptied_pools_arenas_returned", "mem.emptied_pools_kept_share",
    "mem.fragmented_arenas_freed", "mem.free_all_arenas_kept_high", "mem.free_all_arenas_kept_low",
    "mem.free_all_arenas_returned_share",
    "mem.free_all_whole_arenas", "mem.largest_block_bytes", "mem.model.rows",
    "mem.model_arena_error", "mem.model_real_arena_error", "mem.not_measured", "mem.object_header_words",
    "mem.object_size_bytes", "mem.pointer_bytes", "mem.pool_header_bytes", "mem.pool_size_bytes",
    "mem.pool_blocks_after_second", "mem.pool_carving_attempts", "mem.pool_initial_blocks", "mem.pools_per_arena", "mem.pymalloc_in_use",
    "mem.rss_returned_share_after_block_free_samples", "mem.rss_returned_share_after_pool_free_samples",
    "mem.smallest_block_bytes",
    "mem.size_class_count", "mem.size_class_count_reported", "mem.size_class_step_bytes",
    "mem.size_classes.differ_from_note", "mem.size_classes.measured", "mem.small_threshold_bytes",
    "mem.small_threshold_reported", "mem.unmeasured",
)

WORKLOADS = (
    Workload(
        "pymalloc", "mem", "mem.", observes=_OBSERVED_PYMALLOC, demo="demos.pymalloc", script="bm_alloc.py",
        params={"fast": {}, "default": {"n": 300000, "churn_arenas": 12},
                "rigorous": {"n": 1000000, "churn_arenas": 16, "probe_count": 4000}},
        derived=(
            ("mem.alloc.raw_over_small", ratio(_ALLOC.benchmark(bytes=567), _ALLOC.benchmark(bytes=15))),
            ("mem.alloc.object_over_small", ratio(_ALLOC.benchmark("object"), _ALLOC.benchmark(bytes=15))),
            # Wholly free arenas not returned, in bounds (demos/pymalloc.py ``_kept_bounds``).
            ("mem.free_all_arenas_kept", bounds("mem.free_all_arenas_kept_low", "mem.free_all_arenas_kept_high")),
            # RSS given back, as shares: the mean of 60 readings in one process (one reading is not a fact).
            ("mem.rss_returned_share_after_block_free", sample_mean("mem.rss_returned_share_after_block_free_samples")),
            ("mem.rss_returned_share_after_pool_free", sample_mean("mem.rss_returned_share_after_pool_free_samples")),
        ),
        grid=_ALLOC,
    ),
)
