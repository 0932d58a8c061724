"""The ledger: every claim of the study note, as data.

Each claim names the metric(s) it is judged on and a prediction in a small vocabulary
(see ``bench.evaluate``).  No claim carries verdict code: ``bench.evaluate`` turns
(prediction, measured value, its spread) into a verdict for every claim alike.

Metric keys lead to their producer in one hop: the part before the first dot names the
workload (``bench.workloads``), e.g. ``race.note.share_nonzero`` comes from ``demos.race``.

``when`` conditions select which checks apply to an interpreter (see ``bench.evaluate``):
``version>=3.10``, ``version<3.10``, ``gil-on`` (the GIL is on at run time), ``gil-off``,
``multicore`` (at least two usable CPUs: parallel speedups are possible), ``pymalloc``;
space-separated conditions must all hold.
``applies`` restricts a whole claim the same way; a claim that does not apply is ``n/a``.
``scope="cross"`` marks claims judged by comparing interpreters of one matrix run.
"""
from dataclasses import dataclass
from typing import Optional, Tuple

CHAPTERS = ("mem", "gc", "slow", "gil", "mp", "io")


@dataclass(frozen=True)
class Check:
    metric: str
    prediction: str
    when: str = ""


@dataclass(frozen=True)
class Claim:
    id: str
    chapter: str
    section: str
    claim: str
    phrase: str  # the note's own words (Korean), enough to find the passage
    checks: Tuple[Check, ...]
    note_figure: Optional[str] = None
    applies: str = ""
    scope: str = "interpreter"
    context: Tuple[str, ...] = ()  # metrics shown as evidence without being judged
    departs: str = ""  # where our demo departs from the note's code, and why

    def metrics(self):
        return tuple(c.metric for c in self.checks)


def _c(metric, prediction, when=""):
    return Check(metric, prediction, when)


_MEM = "Python의 memory 관리 방식"
_GC = "Python의 Garbage Collection"
_SLOW = "Python은 왜 느린가?"
_GIL = "GIL"
_MP = "Multi processing"

CLAIMS = (
    # 1. Objects and the memory manager
    Claim("mem.object-header", "mem", _MEM,
          "Every object is a PyObject with exactly two fields, a reference count and a type pointer.",
          "PyObject는 단 두가지 attribute만", (_c("mem.object_header_words", "equals(2)"),),
          note_figure="2 fields"),
    Claim("mem.small-threshold", "mem", _MEM,
          "Requests of 512 bytes or less go to pymalloc; larger ones go to the raw allocator.",
          "512bytes 이하의 object를 위한 allocator", (_c("mem.small_threshold_bytes", "equals(512)"),),
          note_figure="512 B", applies="pymalloc"),
    Claim("mem.size-classes", "mem", _MEM,
          "Blocks come in 64 size classes 8 bytes apart (1-8 -> 8, ..., 505-512 -> 512).",
          "size class", (_c("mem.size_class_step_bytes", "equals(8)"), _c("mem.size_class_count", "equals(64)")),
          note_figure="8-byte step, 64 classes", applies="pymalloc"),
    Claim("mem.block-rounding", "mem", _MEM,
          "A 41-byte request takes a 48-byte block.",
          "41 bytes의 memory가 필요하다면 ... 48bytes짜리 block", (_c("mem.block_for_41_bytes", "equals(48)"),),
          note_figure="41 -> 48", applies="pymalloc"),
    Claim("mem.pool-size", "mem", _MEM, "A pool is one 4 KiB virtual-memory page.",
          "pool", (_c("mem.pool_size_bytes", "equals(4096)"),), note_figure="4 KB", applies="pymalloc"),
    Claim("mem.arena-size", "mem", _MEM, "An arena is 256 KiB.",
          "하나의 Arena는 256kb이다", (_c("mem.arena_size_bytes", "equals(262144)"),),
          note_figure="256 KB", applies="pymalloc"),
    Claim("mem.free-blocks-kept", "mem", _MEM,
          "A freed block keeps its memory for reuse; pools never give memory back to the OS.",
          "memory는 반환하지 않고 할당 받은 채로 유지", (_c("mem.rss_returned_after_block_free", "equals(0)"),),
          applies="pymalloc"),
    Claim("mem.arena-return", "mem", _MEM,
          "Memory returns to the OS only a whole arena at a time, when all its pools are empty.",
          "arena", (_c("mem.fragmented_arenas_freed", "equals(0)"),), applies="pymalloc"),
    Claim("mem.arena-order", "mem", _MEM,
          "usable_arenas is sorted so fuller arenas are used first, letting emptier ones be freed.",
          "usable_arenas", (_c("mem.arenas_freed_vs_address_order", "above(1.0)"),), applies="pymalloc"),
    Claim("mem.model-prediction", "mem", _MEM,
          "(Implied) the note's constants predict the pools and arenas a workload needs.",
          "Arena / Pool / Block", (_c("mem.model_arena_error", "below(0.1)"),), applies="pymalloc"),
    # 2. Reference counting and GC
    Claim("gc.refcount-script", "gc", _GC, "var = 'memory'; sys.getrefcount(var) prints 4 in a script.",
          "getrefcount", (_c("gc.refcount_script", "equals(4)"),), note_figure="4"),
    Claim("gc.refcount-repl", "gc", _GC, "The same snippet prints 2 in the interactive console.",
          ">>> print(sys.getrefcount(var))\t# 2", (_c("gc.refcount_repl", "equals(2)"),), note_figure="2"),
    Claim("gc.refcount-exec", "gc", _GC, "Under exec(compile(...)) the snippet prints 2.",
          "exec", (_c("gc.refcount_exec", "equals(2)"),), note_figure="2"),
    Claim("gc.refcount-alias", "gc", _GC, "bar = foo raises the count by one (4 -> 5); bar = None lowers it back.",
          "bar = foo", (_c("gc.refcount_alias_delta", "equals(1)"), _c("gc.refcount_unalias_delta", "equals(-1)")),
          note_figure="5 then 4"),
    Claim("gc.refcount-list", "gc", _GC, "lst = list() gives 2; lst.append(lst) gives 3.",
          "lst.append(lst)", (_c("gc.refcount_list", "equals(2)"), _c("gc.refcount_list_self", "equals(3)")),
          note_figure="2, 3"),
    Claim("gc.refcount-increments", "gc", _GC,
          "The count rises on assignment, on passing as an argument and on insertion into a list.",
          "참조 될 때마다 1씩 증가", (_c("gc.refcount_increments_all_one", "equals(1)"),)),
    Claim("gc.refcount-immediate", "gc", _GC,
          "An object is freed the moment its count reaches 0, even with the cyclic GC disabled.",
          "0이 될 경우", (_c("gc.freed_at_del_with_gc_disabled", "equals(1)"),)),
    Claim("gc.cycles-need-gc", "gc", _GC,
          "A reference cycle is not freed by reference counting; only the cyclic collector frees it.",
          "순환 참조", (_c("gc.cycle_survives_del", "equals(1)"), _c("gc.cycle_freed_by_collect", "equals(1)"))),
    Claim("gc.tuples-untracked", "gc", _GC, "The cyclic collector ignores tuples holding only immutable objects.",
          "immutable type만을 담고 있는 tuple은 무시", (_c("gc.immutable_tuple_untracked_after_collect", "equals(1)"),)),
    Claim("gc.generations", "gc", _GC, "Three generations; survivors of a collection move to the next one.",
          "세 개의 generation(0, 1, 2)", (_c("gc.generation_count", "equals(3)"),), note_figure="3"),
    Claim("gc.threshold-trigger", "gc", _GC, "A collection runs when a generation's count passes its threshold.",
          "threshold를 초과하면", (_c("gc.collection_at_threshold", "equals(1)"),)),
    Claim("gc.older-includes-younger", "gc", _GC, "Collecting a generation also collects the younger ones.",
          "주어진 generation이하의 generation들을 대상으로", (_c("gc.older_includes_younger", "equals(1)"),)),
    Claim("gc.stop-the-world", "gc", _GC, "While the cyclic collector runs, everything else stops.",
          "다른 모든 작업은 정지된다", (_c("gc.other_thread_progress_during_collect", "equals(0)"),)),
    Claim("gc.can-disable", "gc", _GC, "The cyclic collector can be disabled; reference counting cannot.",
          "비활성화", (_c("gc.disable_stops_cyclic", "equals(1)"),)),
    # 3. Why Python is slow
    Claim("slow.dynamic-typing", "slow", _SLOW,
          "Every operation looks up its operands' types at run time, so a + b costs far more than in C.",
          "dynamic typing", (_c("slow.python_over_c_sum", "above(10.0)"),)),
    Claim("slow.boxed-ints", "slow", _SLOW, "There are no primitive values: an int is a full object behind a pointer.",
          "primitive", (_c("slow.bytes_per_int_list_over_array", "above(2.0)"),)),
    # 4. The GIL
    Claim("gil.one-thread-at-a-time", "gil", _GIL,
          "Only one thread runs Python bytecode at a time: threads give concurrency, not parallelism.",
          "둘 이상의 thread가 동시에 실행될 수 없다",
          # 1.5 is halfway between interleaving (x1) and two cores in parallel (x2).  Judged
          # against one *worker* thread: the main thread's own speed differs on some builds.
          (_c("countdown.cpu_per_wall.threads2", "below(1.5)"),
           _c("countdown.speedup.threads2_vs_worker", "below(1.5)")), applies="multicore",
          context=("countdown.speedup.threads2", "countdown.main_over_worker")),
    Claim("gil.race-reproducible", "gil", _GIL,
          "Two threads doing x += 1 / x -= 1 100,000 times each can end with x != 0.",
          "GIL이 걸려 있어도 아래와 같이 race condition이 발생", (_c("race.note.share_nonzero", "above(0)"),),
          note_figure="x != 0", context=("race.note.nonzero", "race.note.trials")),
    Claim("gil.race-gone-3.10", "gil", _GIL,
          "From Python 3.10 on, that race can no longer be reproduced.",
          "3.10부터 재현이 불가능하다",
          (_c("race.note.share_nonzero", "above(0)", "version<3.10"),
           _c("race.note.share_nonzero", "equals(0)", "version>=3.10"),
           _c("race.big_n.share_nonzero", "equals(0)", "version>=3.10"),
           _c("race.small_interval.share_nonzero", "equals(0)", "version>=3.10"),
           _c("race.call.share_nonzero", "equals(0)", "version>=3.10")),
          departs="Besides the note's code, three variants: 10x more iterations, a tiny switch interval, "
                  "and a function call inside the read-modify-write (x = x + one())."),
    Claim("gil.race-fix-join", "gil", _GIL, "Running the threads one after the other fixes the race.",
          "하나의 스레드가 작업을 종료하고 다른 스레드가 작업을 시작", (_c("race.fix_join.nonzero", "equals(0)"),),
          note_figure="x = 0", context=("race.fix_join.trials",),
          departs="The note's fix imports Lock without importing it and uses N = 1,000,000; we use the race's N."),
    Claim("gil.race-fix-mutex", "gil", _GIL, "A mutex around the critical section fixes the race.",
          "mutex를 설정한다",
          (_c("race.fix_mutex.nonzero", "equals(0)"), _c("race.fix_mutex_per_iter.nonzero", "equals(0)")),
          note_figure="x = 0",
          context=("race.mutex_cost.per_iteration", "race.mutex_cost.around_loop")),
    Claim("gil.switch-between-bytecodes", "gil", _GIL,
          "Threads switch only between bytecodes, at a frequency set by sys.setswitchinterval (5 ms by default).",
          "sys.setswitchinterval()의 설정에 따라",
          (_c("switch.default_interval", "equals(0.005)"), _c("switch.rate_gain", "above(1.0)")),
          note_figure="0.005 s (implied)", applies="gil-on", context=("switch.rate_default", "switch.rate_small")),
    Claim("gil.countdown-threads-slower", "gil", _GIL,
          "A CPU-bound countdown of 10,000,000 is slower on two threads than on one (0.46 s vs 0.85 s).",
          "multi thread를 사용했을 때 오히려 속도가 더 느려진다",
          # Slower at all, and slower on the note's scale (x1.85; at least x1.5).
          (_c("countdown.ratio.threads2", "above(1.0)"), _c("countdown.ratio.threads2", "above(1.5)")),
          note_figure="x1.85 (0.4598 s -> 0.8524 s)",
          context=("countdown.single_mean_s", "countdown.main_over_worker", "countdown.ratio.threads4",
                   "countdown.ratio.processes2", "countdown.ratio.processes4")),
    Claim("gil.io-threads-faster", "gil", _GIL,
          "1,000 es.cat.indices() calls are faster on two threads than on one (10.4 s vs 5.85 s).",
          "multi thread가 single thread에 비해 훨씬 빠르다", (_c("io.speedup.threads2", "above(1.0)"),),
          note_figure="x1.78 faster (10.40 s -> 5.85 s)"),
    Claim("gil.runtime-not-io", "gil", _GIL,
          "Whether the GIL matters depends on interacting with the Python runtime, not on CPU vs I/O: "
          "C work that releases the GIL scales on threads, pure-Python work does not.",
          "Python runtime과 상호작용을 하는가에 달려있다",
          (_c("release.sha256.speedup2", "above(1.5)"), _c("release.zlib.speedup2", "above(1.5)"),
           _c("release.python.speedup2", "below(1.5)")),
          applies="gil-on multicore", context=("release.sha256.speedup4", "release.zlib.speedup4", "release.python.speedup4"),
          departs="The note gives no code; we hash and compress 1 MiB buffers (the GIL is released) "
                  "against a pure-Python loop."),
    Claim("gil.threads-no-benefit", "gil", _GIL,
          "Threads bring almost no benefit to Python code; use processes (or async) instead.",
          "multi thread는 성능상의 이점이 거의 존재하지 않기에",
          (_c("countdown.speedup.threads2_vs_worker", "below(1.5)"),
           _c("countdown.processes_vs_threads2", "above(1.0)")),
          applies="multicore",
          context=("countdown.speedup.processes2",)),
    Claim("gil.single-thread-unaffected", "gil", _GIL,
          "The GIL does not slow a single-threaded program.",
          "multithreaded program이 아닐 경우에는 GIL이 성능에 악영향을 미치지는 않는다",
          (_c("fib.gil_over_free_threaded", "below(1.0)"), _c("fib.gil_on_over_off", "below(1.0)")),
          scope="cross",
          departs="Judged on fib(25): the GIL build against the free-threaded build of the same source, "
                  "and the free-threaded build with PYTHON_GIL=1 against the same binary with the GIL off."),
    Claim("gil.freethreading-2x-slower", "gil", _GIL,
          "On 3.13 with free-threading, Fibonacci runs about 2x slower than with the GIL.",
          "GIL을 활성화 한 쪽이 약 2배 더 빠른",
          (_c("fib.free_threaded_over_gil", "between(1.5,2.5)"),), note_figure="x2 (from a cited blog post)",
          scope="cross"),
    # 5. multiprocessing
    Claim("mp.start-methods", "mp", _MP, "There are three start methods: spawn, fork and forkserver.",
          "spawn / fork / forkserver", (_c("mp.start_method_count", "equals(3)"),), note_figure="3"),
    Claim("mp.default-method", "mp", _MP, "fork is the default on Unix (spawn on Windows and macOS).",
          "fork", (_c("mp.default_is_fork", "equals(1)"),), note_figure="fork"),
    Claim("mp.spawn-slower", "mp", _MP, "spawn is slower than fork and forkserver.",
          "fork나 forkserver에 비해 느리다", (_c("mp.spawn_over_fork_start", "above(1.0)"),)),
    Claim("mp.spawn-no-inherit", "mp", _MP,
          "spawn and forkserver do not inherit unneeded file descriptors; fork inherits everything.",
          "불필요한 file descriptor", (_c("mp.fd_inherited_spawn", "equals(0)"), _c("mp.fd_inherited_fork", "equals(1)"))),
    Claim("mp.queue-safe", "mp", _MP, "Queue is thread- and process-safe.",
          "Queue", (_c("mp.queue_lost_or_duplicated", "equals(0)"),)),
    Claim("mp.pipe", "mp", _MP, "Pipe() returns two connections with send()/recv().",
          "Pipe", (_c("mp.pipe_roundtrip_ok", "equals(1)"),)),
    Claim("mp.lock-serializes", "mp", _MP, "A Lock lets one process at a time into the critical section.",
          "Lock", (_c("mp.lock_overlaps", "equals(0)"),)),
    Claim("mp.shared-value-array", "mp", _MP, "Value('d') and Array('i') are shared: the child's changes are seen.",
          "shared memory map", (_c("mp.value_array_example_ok", "equals(1)"),), note_figure="3.1415927, negated list"),
    Claim("mp.manager", "mp", _MP, "A Manager's server process holds objects that others change through proxies.",
          "Manager", (_c("mp.manager_example_ok", "equals(1)"),)),
    Claim("mp.pool-apply-async", "mp", _MP,
          "apply_async(f, (20,)).get(timeout=1) gives 400; a 10 s task times out and the pool stays usable.",
          "apply_async", (_c("mp.apply_async_value", "equals(400)"), _c("mp.apply_async_timeout_raised", "equals(1)")),
          note_figure="400"),
    Claim("mp.map-materializes", "mp", _MP, "map returns a full list, so memory grows with the input; prefer imap.",
          "memory에 부담", (_c("mp.map_over_imap_peak_memory", "above(1.0)"),)),
    Claim("mp.map-async-callbacks", "mp", _MP,
          "map_async calls callback with the results and error_callback with the exception.",
          "map_async", (_c("mp.map_async_error_is_zerodivision", "equals(1)"),)),
    Claim("mp.imap-chunksize", "mp", _MP, "imap's default chunksize is 1; a larger one greatly speeds it up.",
          "chunksize", (_c("mp.imap_chunksize_speedup", "above(1.0)"),)),
    Claim("mp.imap-unordered", "mp", _MP, "imap_unordered may return results out of order; one process keeps order.",
          "순서가 보장되지 않는다", (_c("mp.unordered_share_4procs", "above(0)"), _c("mp.unordered_share_1proc", "equals(0)"))),
    Claim("mp.daemon-killed", "mp", _MP, "A daemon process ends when the main process ends.",
          "daemon", (_c("mp.daemon_side_effect_lost", "equals(1)"),)),
    Claim("mp.join-waits", "mp", _MP, "join() makes the parent wait for the child.",
          "join", (_c("mp.join_orders_output", "equals(1)"),)),
    Claim("mp.zombie", "mp", _MP, "A child that ended without join() stays a zombie while the parent runs.",
          "zombie", (_c("mp.zombie_seen", "equals(1)"),), note_figure="Z state"),
    Claim("mp.implicit-join", "mp", _MP, "A non-daemonic child is joined implicitly at exit; a daemonic one is not.",
          "join", (_c("mp.implicit_join", "equals(1)"),)),
    Claim("mp.event", "mp", _MP, "An Event starts unset; wait() blocks until set().",
          "Event", (_c("mp.event_initially_set", "equals(0)"),), note_figure="False at start"),
    Claim("mp.lock-blocks", "mp", _MP, "acquire() blocks the other processes until release().",
          "acquire", (_c("mp.lock_blocked_others", "equals(1)"),)),
)

_BY_ID = {c.id: c for c in CLAIMS}


def get(claim_id):
    return _BY_ID[claim_id]
