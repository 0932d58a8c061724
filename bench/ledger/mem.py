"""Objects and the memory manager (CLAIMS.md section 1). Judged once the memory chapter's
workloads are built; until then every claim here is ``not-measured``."""
from bench.ledger.vocabulary import Check, Claim

_SECTION = "Python의 memory 관리 방식"

CLAIMS = (
    Claim("mem.object-header", "mem", _SECTION,
          "Every object is a PyObject with exactly two fields, a reference count and a type pointer.",
          "PyObject는 단 두가지 attribute만", (Check("mem.object_header_words", "equals(2)"),),
          note_figure="2 fields"),
    Claim("mem.small-threshold", "mem", _SECTION,
          "Requests of 512 bytes or less go to pymalloc; larger ones go to the raw allocator.",
          "512bytes 이하의 object를 위한 allocator", (Check("mem.small_threshold_bytes", "equals(512)"),),
          note_figure="512 B", applies="pymalloc"),
    Claim("mem.size-classes", "mem", _SECTION,
          "Blocks come in 64 size classes 8 bytes apart (1-8 -> 8, ..., 505-512 -> 512).",
          "size class", (Check("mem.size_class_step_bytes", "equals(8)"), Check("mem.size_class_count", "equals(64)")),
          note_figure="8-byte step, 64 classes", applies="pymalloc"),
    Claim("mem.block-rounding", "mem", _SECTION,
          "A 41-byte request takes a 48-byte block.",
          "41 bytes의 memory가 필요하다면 ... 48bytes짜리 block", (Check("mem.block_for_41_bytes", "equals(48)"),),
          note_figure="41 -> 48", applies="pymalloc"),
    Claim("mem.pool-size", "mem", _SECTION, "A pool is one 4 KiB virtual-memory page.",
          "pool", (Check("mem.pool_size_bytes", "equals(4096)"),), note_figure="4 KB", applies="pymalloc"),
    Claim("mem.arena-size", "mem", _SECTION, "An arena is 256 KiB.",
          "하나의 Arena는 256kb이다", (Check("mem.arena_size_bytes", "equals(262144)"),),
          note_figure="256 KB", applies="pymalloc"),
    Claim("mem.free-blocks-kept", "mem", _SECTION,
          "A freed block keeps its memory for reuse; pools never give memory back to the OS.",
          "memory는 반환하지 않고 할당 받은 채로 유지", (Check("mem.rss_returned_after_block_free", "equals(0)"),),
          applies="pymalloc"),
    Claim("mem.arena-return", "mem", _SECTION,
          "Memory returns to the OS only a whole arena at a time, when all its pools are empty.",
          "arena", (Check("mem.fragmented_arenas_freed", "equals(0)"),), applies="pymalloc"),
    Claim("mem.arena-order", "mem", _SECTION,
          "usable_arenas is sorted so fuller arenas are used first, letting emptier ones be freed.",
          "usable_arenas", (Check("mem.arenas_freed_vs_address_order", "above(1.0)"),), applies="pymalloc"),
    Claim("mem.model-prediction", "mem", _SECTION,
          "(Implied) the note's constants predict the pools and arenas a workload needs.",
          "Arena / Pool / Block", (Check("mem.model_arena_error", "below(0.1)"),), applies="pymalloc"),
)

# No workload measures this chapter yet: its claims are not-measured, and say so.
WORKLOADS = ()
