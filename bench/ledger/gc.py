"""Reference counting and the cyclic collector (CLAIMS.md section 2). Judged once the memory
chapter's workloads are built; until then every claim here is ``not-measured``."""
from bench.ledger.vocabulary import Check, Claim

_SECTION = "Python의 Garbage Collection"

CLAIMS = (
    Claim("gc.refcount-script", "gc", _SECTION, "var = 'memory'; sys.getrefcount(var) prints 4 in a script.",
          "getrefcount", (Check("gc.refcount_script", "equals(4)"),), note_figure="4"),
    Claim("gc.refcount-repl", "gc", _SECTION, "The same snippet prints 2 in the interactive console.",
          ">>> print(sys.getrefcount(var))\t# 2", (Check("gc.refcount_repl", "equals(2)"),), note_figure="2"),
    Claim("gc.refcount-exec", "gc", _SECTION, "Under exec(compile(...)) the snippet prints 2.",
          "exec", (Check("gc.refcount_exec", "equals(2)"),), note_figure="2"),
    Claim("gc.refcount-alias", "gc", _SECTION, "bar = foo raises the count by one (4 -> 5); bar = None lowers it back.",
          "bar = foo", (Check("gc.refcount_alias_delta", "equals(1)"), Check("gc.refcount_unalias_delta", "equals(-1)")),
          note_figure="5 then 4"),
    Claim("gc.refcount-list", "gc", _SECTION, "lst = list() gives 2; lst.append(lst) gives 3.",
          "lst.append(lst)", (Check("gc.refcount_list", "equals(2)"), Check("gc.refcount_list_self", "equals(3)")),
          note_figure="2, 3"),
    Claim("gc.refcount-increments", "gc", _SECTION,
          "The count rises on assignment, on passing as an argument and on insertion into a list.",
          "참조 될 때마다 1씩 증가", (Check("gc.refcount_increments_all_one", "equals(1)"),)),
    Claim("gc.refcount-immediate", "gc", _SECTION,
          "An object is freed the moment its count reaches 0, even with the cyclic GC disabled.",
          "0이 될 경우", (Check("gc.freed_at_del_with_gc_disabled", "equals(1)"),)),
    Claim("gc.cycles-need-gc", "gc", _SECTION,
          "A reference cycle is not freed by reference counting; only the cyclic collector frees it.",
          "순환 참조", (Check("gc.cycle_survives_del", "equals(1)"), Check("gc.cycle_freed_by_collect", "equals(1)"))),
    Claim("gc.tuples-untracked", "gc", _SECTION, "The cyclic collector ignores tuples holding only immutable objects.",
          "immutable type만을 담고 있는 tuple은 무시", (Check("gc.immutable_tuple_untracked_after_collect", "equals(1)"),)),
    Claim("gc.generations", "gc", _SECTION, "Three generations; survivors of a collection move to the next one.",
          "세 개의 generation(0, 1, 2)", (Check("gc.generation_count", "equals(3)"),), note_figure="3"),
    Claim("gc.threshold-trigger", "gc", _SECTION, "A collection runs when a generation's count passes its threshold.",
          "threshold를 초과하면", (Check("gc.collection_at_threshold", "equals(1)"),)),
    Claim("gc.older-includes-younger", "gc", _SECTION, "Collecting a generation also collects the younger ones.",
          "주어진 generation이하의 generation들을 대상으로", (Check("gc.older_includes_younger", "equals(1)"),)),
    Claim("gc.stop-the-world", "gc", _SECTION, "While the cyclic collector runs, everything else stops.",
          "다른 모든 작업은 정지된다", (Check("gc.other_thread_progress_during_collect", "equals(0)"),)),
    Claim("gc.can-disable", "gc", _SECTION, "The cyclic collector can be disabled; reference counting cannot.",
          "비활성화", (Check("gc.disable_stops_cyclic", "equals(1)"),)),
)

# No workload measures this chapter yet: its claims are not-measured, and say so.
WORKLOADS = ()
