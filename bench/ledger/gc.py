"""Reference counting and the cyclic collector (CLAIMS.md section 2): claims and workloads.

Nothing here assumes the 3.9-3.13 GIL build.  Where an interpreter is not the one the note
describes, the measured values say so and the verdicts explain them: an immortal object
(PEP 683, 3.12+) prints a fixed marker, and the refcount claims are judged on what the build printed (the
marker contradicts the note's count; the why says what it is); a collector without generations
(the free-threaded build's) makes the generation claims fail with the reason, or n/a where the
note's question has no meaning for it.
"""
from bench.ledger.derived import count, mean, ratio, sample_mean
from bench.ledger.vocabulary import Change, Check, Claim, Headline, Workload, grid

_SECTION = "Python의 Garbage Collection"


# What a huge printed count is: judged as printed (the verdict follows what the build printed), explained here.
_MARKER = ("4294967295 (2**32 - 1; 3221225472 from 3.14) is no count of references: it is the fixed refcount "
           "of an immortal object (PEP 683), which 'memory', an interned string, is on 3.12 releases without "
           "the backport of gh-113993 and on free-threaded builds; the *_immortal context says whether this "
           "build's object was")
_ALIAS_MARKER = ("0 where the string is immortal (PEP 683): its count is a fixed marker that bar = foo does not "
                 "move, so the printed counts stay 4294967295")


# Verified against CPython's sources and docs, and against the interpreters measured here
# (3.12.1 prints 4294967295 for the note's snippets; 3.13.0/3.13.5 print 4, 2, 2; 3.13.5t 4294967295).
_IMMORTAL = Change("3.12", "immortal objects: interned strings such as 'memory' get a fixed refcount "
                           "(4294967295 on 64-bit) that references no longer change (on GIL builds until "
                           "gh-113993 made them mortal again: 3.13, and a later 3.12 bugfix release)",
                   "PEP 683 (gh-84436)")
_MORTAL_INTERNED = Change("3.13", "interned strings are mortal again (also backported to a later 3.12 bugfix "
                                  "release): the note's counts come back", "gh-113993 (PR 120520; 3.12: PR 123065)")
_FT_IMMORTAL = Change("3.13", "free-threaded build: interned strings and code constants are immortal",
                      "PEP 703; gh-118527")
# The world is stopped for the marking only: gc_collect_internal() starts it again before the
# weakref callbacks and finalizers, stops it to check resurrections, then starts it for tp_clear
# and the frees.  A counter thread can run in those spells (R13 on 3.13.5t: 10 of 60 collections,
# at most 3.5% of one's time).
_FT_COLLECTOR = Change("3.13", "free-threaded build: the cyclic collector keeps no generations (every collection "
                               "looks at the whole heap) and stops every thread running Python code while it "
                               "finds the unreachable objects; the others run again during the finalizers and the "
                               "frees that follow (a thread inside C code that released the GIL runs on)",
                       "PEP 703, 'Garbage Collection (Cycle Collection)'; Python/gc_free_threading.c "
                       "(gc_collect_internal, 3.13: _PyEval_StartTheWorld before finalize_garbage)")
_FT_TRIGGER = Change("3.13", "free-threaded build: an automatic collection takes the whole heap; it starts when the "
                              "young count (allocations, buffered per thread in batches of 512) passes its threshold "
                              "and a quarter of the objects that survived the last collection; generations 1 and 2 "
                              "are never collected on their own",
                      "PEP 703; Python/gc_free_threading.c (gc_should_collect, 3.13)")
_THRESHOLD_2000 = Change("3.13", "default young threshold 700 -> 2000 (gc.get_threshold() is (2000, 10, 10))",
                         "Include/internal/pycore_runtime_init.h: .threshold = 700 in 3.12, 2000 in 3.13")
_INCREMENTAL = Change("3.14", "incremental collector: two generations (young, old), gc.collect(1) collects the young "
                              "generation and an increment of the old one, gc.get_objects(1) is empty",
                      "What's New in Python 3.14, gc; gh-108362")
_GENERATIONAL_BACK = Change("3.15", "the incremental collector is replaced by a forward port of 3.13's generational "
                                    "one (merged on main in April 2026)", "gh-142516 (GH-148746)")
_INLINED_CALLS = Change("3.11", "Python-to-Python calls are inlined: the callee's frame takes the argument from the "
                                "caller's stack instead of a second reference, so passing adds 1, not 2",
                        "bpo-45256 (What's New in Python 3.11: inlined Python function calls)")
_REFCOUNT_CHANGES = (_IMMORTAL, _MORTAL_INTERNED, _FT_IMMORTAL)
_COLLECTOR_CHANGES = (_FT_COLLECTOR, _INCREMENTAL, _GENERATIONAL_BACK)

_OLDER_COUNT = ("objects gc.get_objects lists in the generation when its first collection starts, over its "
                "threshold; the count that starts it is collections of the younger generation, not objects "
                "(gc.get_count() then: the gen*.count_at_trigger context)")
_NOT_GENERATIONAL = ("where gc.get_objects(n) lists a survivor; -1: in every generation or none (no generations); "
                     "2 after one collection: straight to an old generation (young and old only)")

CLAIMS = (
    Claim("gc.refcount-script", "gc", _SECTION, "var = 'memory'; sys.getrefcount(var) prints 4 in a script.",
          "getrefcount", (Check("gc.refcount.script", "equals(4)", why=_MARKER),), note_figure="4",
          context=("gc.refcount.script_immortal",), changes=_REFCOUNT_CHANGES,
          headline=Headline("gc.refcount.script", "count (references)",
                            "what sys.getrefcount(var) prints in a script: 4 = the note's; a fixed huge number where "
                            "the string is immortal")),
    Claim("gc.refcount-repl", "gc", _SECTION, "The same snippet prints 2 in the interactive console.",
          ">>> print(sys.getrefcount(var))\t# 2", (Check("gc.refcount.repl", "equals(2)", why=_MARKER),), note_figure="2",
          # The driver must really have run the console's loop (sys.ps1 set, prompts printed).
          given=(Check("gc.refcount.repl_interactive", "equals(1)"),),
          changes=_REFCOUNT_CHANGES, context=("gc.refcount.repl_immortal", "gc.refcount.repl_tty"),
          departs="Judged: the lines typed into `python -i -q` through its stdin, the console's own "
                  "read-eval-print loop, each line compiled apart as the note's console did. Shown beside it: "
                  "the same lines typed on a pseudo-terminal into the console a person gets (3.13's new shell), "
                  "the count printed after a marker.",
          headline=Headline("gc.refcount.repl", "count (references)",
                            "what sys.getrefcount(var) prints in the interactive console: 2 = the note's; a fixed "
                            "huge number where the string is immortal")),
    Claim("gc.refcount-exec", "gc", _SECTION, "Under exec(compile(...)) the snippet prints 2.",
          "exec", (Check("gc.refcount.exec", "equals(2)", why=_MARKER),), note_figure="2",
          context=("gc.refcount.exec_immortal",), changes=_REFCOUNT_CHANGES,
          headline=Headline("gc.refcount.exec", "count (references)",
                            "what sys.getrefcount(var) prints under exec(compile(...)): 2 = the note's; a fixed huge "
                            "number where the string is immortal")),
    Claim("gc.refcount-alias", "gc", _SECTION, "bar = foo raises the count by one (4 -> 5); bar = None lowers it back.",
          "bar = foo",
          (Check("gc.refcount.alias_delta", "equals(1)", why=_ALIAS_MARKER),
           Check("gc.refcount.unalias_delta", "equals(-1)")),
          note_figure="5 then 4", context=("gc.refcount.alias", "gc.refcount.unalias", "gc.refcount.alias_immortal"),
          changes=_REFCOUNT_CHANGES,
          headline=Headline("gc.refcount.alias_delta", "rise of the count (references)",
                            "how much sys.getrefcount(foo) rises after bar = foo: 1 = one more reference, as the "
                            "note says (4 -> 5); 0 = the count does not move (an immortal object)")),
    Claim("gc.refcount-list", "gc", _SECTION, "lst = list() gives 2; lst.append(lst) gives 3.",
          "lst.append(lst)", (Check("gc.refcount.list", "equals(2)"), Check("gc.refcount.list_self", "equals(3)")),
          note_figure="2, 3",
          headline=Headline("gc.refcount.list_self", "count (references)",
                            "sys.getrefcount(lst) after lst.append(lst): 3 = the note's (one more, held by the list "
                            "itself)")),
    Claim("gc.refcount-increments", "gc", _SECTION,
          "The count rises by one per reference: on assignment, on passing as an argument, on insertion into a list.",
          "참조 될 때마다 1씩 증가",
          (Check("gc.refcount.increment_assign", "equals(1)"),
           Check("gc.refcount.increment_argument", "equals(1)",
                 why="2 on 3.9 and 3.10: the called function's frame holds the argument twice while it runs (the "
                     "caller's stack and the callee's local), a rise of 2 for one reference; 1 from 3.11 "
                     "(bpo-45256)"),
           Check("gc.refcount.increment_list", "equals(1)")),
          given=(Check("gc.refcount.fresh_object_immortal", "equals(0)"),),
          departs="Measured on a fresh object() (mortal on every build): how much sys.getrefcount rises when a "
                  "name is bound to it, inside a Python function it is passed to, and after list.append. The note "
                  "says 1 each ('1씩'); a rise of 2 contradicts that part only.",
          changes=(_INLINED_CALLS,),
          headline=Headline("gc.refcount.increment_argument", "count (references)",
                            "how much a fresh object's reference count rises inside a Python function it is passed "
                            "to: 1 = one per reference, as the note says; 2 = the call holds it twice")),
    Claim("gc.refcount-immediate", "gc", _SECTION,
          "An object is freed the moment its count reaches 0, even with the cyclic GC disabled.",
          "0이 될 경우",
          (Check("gc.refcount.freed_at_del_with_gc_disabled", "equals(1)"),
           Check("gc.refcount.finalizer_ran_at_del", "equals(1)")),
          given=(Check("gc.refcount.gc_was_disabled", "equals(1)"),),
          departs="A weakref callback and __del__ on an object whose last reference is deleted under gc.disable().",
          headline=Headline("gc.refcount.freed_at_del_with_gc_disabled", "flag (1 = yes, 0 = no)",
                            "1 = the object was freed at del, its count at 0, with the cyclic collector disabled; 0 "
                            "= it outlived del")),
    Claim("gc.cycles-need-gc", "gc", _SECTION,
          "A reference cycle is not freed by reference counting; only the cyclic collector frees it.",
          "cyclic references에는 작동하지 않는다",
          (Check("gc.cyclic.cycle_survives_del", "equals(1)"), Check("gc.cyclic.cycle_freed_by_collect", "equals(1)")),
          context=("gc.cyclic.disabled.cycles_alive", "gc.cyclic.disabled.cycles",
                   "gc.cyclic.disabled.freed_by_collect_after"),
          departs="The note's Foo/Bar cycle, watched through a weak reference.",
          headline=Headline("gc.cyclic.cycle_survives_del", "flag (1 = yes, 0 = no)",
                            "1 = the Foo/Bar reference cycle was still alive after del (reference counting did not "
                            "free it); 0 = freed at del")),
    Claim("gc.tuples-untracked", "gc", _SECTION, "The cyclic collector ignores tuples holding only immutable objects.",
          "immutable type만을 담고 있는 tuple은 무시",
          (Check("gc.cyclic.immutable_tuple_untracked_after_collect", "equals(1)"),),
          # The control: a tuple holding a list must stay tracked, or untracking says nothing.
          given=(Check("gc.cyclic.mutable_tuple_tracked_after_collect", "equals(1)"),),
          context=("gc.cyclic.immutable_tuple_tracked_at_creation",),
          departs="gc.is_tracked on a tuple built at run time: tracked when made, untracked by the first collection "
                  "that sees it.",
          headline=Headline("gc.cyclic.immutable_tuple_untracked_after_collect", "flag (1 = yes, 0 = no)",
                            "1 = a tuple of immutable objects is no longer tracked by the cyclic collector after a "
                            "collection; 0 = still tracked")),
    Claim("gc.generations", "gc", _SECTION, "Three generations; survivors of a collection move to the next one.",
          "세 개의 generation(0, 1, 2)",
          # gc.get_count() has three entries on every build: shown, never judged (it cannot fail).
          (Check("gc.cyclic.generation_after_1", "equals(1)", why=_NOT_GENERATIONAL),
           Check("gc.cyclic.generation_after_2", "equals(2)")),
          note_figure="3", context=("gc.cyclic.generation_count", "gc.cyclic.young_collection_spares_old",
                                    "gc.pause.young_over_full"),
          departs="Where a surviving container sits (gc.get_objects(generation)) after one and two collections; "
                  "gc.get_count() has three entries on every build, so the count alone proves nothing.",
          changes=_COLLECTOR_CHANGES,
          headline=Headline("gc.cyclic.generation_after_1", "generation of a survivor of one collection",
                            "the generation a container sits in after surviving one collection: 1 = moved to the "
                            "next, as the note says; 2 = straight to an old generation; -1 = no generations",
                            words=((-1, "no generations"),))),
    Claim("gc.threshold-trigger", "gc", _SECTION,
          "A generation is collected when the number of objects in it passes its threshold.",
          "만일 특정 generation에 있는 객체들의 수가 threshold를 초과하면",
          (Check("gc.cyclic.trigger_over_threshold", "between(0.9,1.1)",
                 why="generation 0: containers made before the first automatic collection, over the young "
                     "threshold; the free-threaded collector counts allocations per thread in batches of 512 and "
                     "also waits for the young count to pass a quarter of the long-lived objects "
                     "(gc_should_collect, Python/gc_free_threading.c)"),
           Check("gc.cyclic.gen1.objects_over_threshold_at_trigger", "below(2)", optional=True, why=_OLDER_COUNT),
           Check("gc.cyclic.gen2.objects_over_threshold_at_trigger", "below(2)", optional=True, why=_OLDER_COUNT),
           Check("gc.cyclic.older_collections_on_time", "equals(1)", optional=True,
                 why="1 = generations 1 and 2 were each collected as soon as their count passed the threshold; 0 = "
                     "a younger collection ran although an older count had passed it (the free-threaded collector "
                     "never collects generations 1 and 2 on their own; a GIL build's generation 2 also waits for "
                     "the survivors pending since the last full collection to pass a quarter of the long-lived "
                     "objects)")),
          given=(Check("gc.cyclic.collection_seen", "equals(1)"),),
          context=("gc.cyclic.threshold0", "gc.cyclic.threshold1", "gc.cyclic.threshold2",
                   "gc.cyclic.allocations_to_collection", "gc.cyclic.first_automatic_generation",
                   "gc.cyclic.gen1.count_at_trigger", "gc.cyclic.gen1.count_is_younger_collections",
                   "gc.cyclic.gen2.count_at_trigger", "gc.cyclic.gen2.count_is_younger_collections",
                   "gc.cyclic.older_containers_made"),
          departs="Generation 0: containers are made one at a time with the collector on until gc.callbacks "
                  "reports the first automatic collection; 10% either side of the threshold counts as at it. "
                  "Generations 1 and 2: containers are kept alive until generation 2 is collected; at the start "
                  "of the first collection of each, the objects gc.get_objects(generation) lists over its "
                  "threshold (the note's reading predicts just over 1: below 2 holds) and gc.get_count() then. "
                  "The count of generations 1 and 2 is not objects: it is the number of collections of the "
                  "younger generation since this one was last collected (11 = threshold 10 passed).",
          changes=(_THRESHOLD_2000, _FT_TRIGGER, _INCREMENTAL, _GENERATIONAL_BACK),
          headline=Headline("gc.cyclic.trigger_over_threshold", "x (ratio)",
                            "containers made before the first automatic collection over the young generation's "
                            "threshold: 1 = it ran at the threshold; far from 1 = something else triggers it")),
    Claim("gc.older-includes-younger", "gc", _SECTION, "Collecting a generation also collects the younger ones.",
          "주어진 generation이하의 generation들을 대상으로",
          (Check("gc.cyclic.collect1.frees_young", "equals(1)"), Check("gc.cyclic.collect2.frees_young", "equals(1)"),
           Check("gc.cyclic.collect2.frees_aged", "equals(1)")),
          unless=(Check("gc.cyclic.young_collection_spares_old", "equals(0)",
                        why="this collector keeps no generations: gc.collect(0) freed a cycle that had survived two "
                            "collections, so every collection takes in the whole heap and there are no younger "
                            "generations to include"),),
          context=("gc.cyclic.collect0.frees_aged",),
          departs="Garbage cycles made just now and ones that survived a collection, freed or not by gc.collect(n).",
          changes=_COLLECTOR_CHANGES,
          headline=Headline("gc.cyclic.collect1.frees_young", "flag (1 = yes, 0 = no)",
                            "1 = gc.collect(1) also freed a garbage cycle made just now (of the younger generation); "
                            "0 = it left it")),
    Claim("gc.stop-the-world", "gc", _SECTION, "While the cyclic collector runs, everything else stops.",
          "다른 모든 작업은 정지된다",
          # "Everything else": threads running Python code, and threads inside C code that released
          # the GIL (hashing, compressing, I/O).  Judged on every build.  With the GIL on, the Python
          # thread's check shows only that a collection keeps the GIL (it could not fail), and says so.
          (Check("gc.pause.other_thread_share", "below(0.1)",
                 why="a pure-Python counter thread: with the GIL off a share near 0 means the collector stopped "
                     "it; with the GIL on, only that the collecting thread kept the GIL"),
           Check("gc.pause.c_worker_vs_control", "below(0.1)",
                 why="a thread inside hashlib.pbkdf2_hmac, the GIL released: its CPU share during a collection "
                     "over its share during an equally long sleep; near 1 means the collection did not stop it")),
          # The controls: while the main thread sleeps as long as a collection, the counter must be seen
          # moving and the C worker must get CPU at all.
          given=(Check("gc.pause.control_share", "above(0.1)"), Check("gc.pause.c_worker_control", "above(0.05)")),
          context=("gc.pause.full_s", "gc.pause.young_over_full", "gc.pause.progress", "gc.pause.c_worker_share"),
          departs="The note gives no code. A counter thread records the gaps in its progress while the main "
                  "thread runs full collections of a container-heavy heap; judged is the share of each "
                  "collection's time during which the counter moved (the switch interval is 1 s while it runs, so "
                  "a GIL build hands the GIL over only where the main thread lets go of it). Beside it, a thread "
                  "inside one long hashlib.pbkdf2_hmac call (the GIL released): its own CPU clock, read by the "
                  "main thread around each collection and around an equally long sleep. Pause times are timed "
                  "with pyperf.",
          changes=_COLLECTOR_CHANGES,
          headline=Headline("gc.pause.c_worker_vs_control", "x (mean of per-trial ratios)",
                            "CPU share of a thread inside GIL-releasing C code during a full collection over its "
                            "share during an equally long sleep: 0 = the collection stopped it (everything stops), "
                            "1 = it ran on")),
    Claim("gc.can-disable", "gc", _SECTION, "The cyclic collector can be disabled; reference counting cannot.",
          "비활성화",
          (Check("gc.cyclic.disable_stops_cyclic", "equals(1)"),
           Check("gc.refcount.freed_at_del_with_gc_disabled", "equals(1)")),
          context=("gc.cyclic.disabled.automatic_collections", "gc.cyclic.disabled.cycles_alive"),
          departs="Under gc.disable(): 10,000 Foo/Bar cycles made, no automatic collection reported by gc.callbacks, "
                  "every cycle still alive; a plain object is still freed at del.",
          headline=Headline("gc.cyclic.disable_stops_cyclic", "flag (1 = yes, 0 = no)",
                            "1 = under gc.disable() no automatic collection ran and every cycle stayed alive; 0 = "
                            "the collector still ran")),
)

_GC_PAUSE = grid("gc_pause", {"collection": ("full", "young-x20"), "containers": (200000,)}, bare=("collection",))
_FULL = _GC_PAUSE.benchmark("full", containers=200000)

# The keys each workload's observe() returns (on any interpreter: some only on some builds);
# bench.ledger.producer() finds a metric's workload among them and the derived metrics.
_OBSERVED_REFCOUNT = (
    "gc.refcount.alias", "gc.refcount.alias_delta", "gc.refcount.alias_immortal", "gc.refcount.alias_list",
    "gc.refcount.exec",
    "gc.refcount.exec_immortal", "gc.refcount.finalizer_ran_at_del",
    "gc.refcount.freed_at_del_with_gc_disabled", "gc.refcount.fresh_object_immortal",
    "gc.refcount.gc_was_disabled", "gc.refcount.increment_argument", "gc.refcount.increment_assign",
    "gc.refcount.increment_list", "gc.refcount.list", "gc.refcount.list_self", "gc.refcount.repl",
    "gc.refcount.repl_immortal", "gc.refcount.repl_interactive", "gc.refcount.repl_tty",
    "gc.refcount.repl_tty_ran", "gc.refcount.script", "gc.refcount.script_immortal", "gc.refcount.unalias",
    "gc.refcount.unalias_delta", "gc.refcount.weakref_fired_at_del",
)
_OBSERVED_GC_CYCLES = (
    "gc.cyclic.allocations_to_collection", "gc.cyclic.collect0.frees_aged", "gc.cyclic.collect0.frees_young",
    "gc.cyclic.collect0.reported_generation", "gc.cyclic.collect1.frees_aged", "gc.cyclic.collect1.frees_young",
    "gc.cyclic.collect1.reported_generation", "gc.cyclic.collect2.frees_aged", "gc.cyclic.collect2.frees_young",
    "gc.cyclic.collect2.reported_generation", "gc.cyclic.collection_seen", "gc.cyclic.cycle_freed_by_collect",
    "gc.cyclic.cycle_survives_del", "gc.cyclic.disable_stops_cyclic",
    "gc.cyclic.disabled.automatic_collections", "gc.cyclic.disabled.cycles", "gc.cyclic.disabled.cycles_alive",
    "gc.cyclic.disabled.freed_by_collect_after", "gc.cyclic.first_automatic_generation",
    "gc.cyclic.generation_after_1", "gc.cyclic.generation_after_2", "gc.cyclic.generation_at_creation",
    "gc.cyclic.gen1.count_at_trigger", "gc.cyclic.gen1.count_is_younger_collections",
    "gc.cyclic.gen1.objects_over_threshold_at_trigger", "gc.cyclic.gen1.younger_collections_before",
    "gc.cyclic.gen2.count_at_trigger", "gc.cyclic.gen2.count_is_younger_collections",
    "gc.cyclic.gen2.objects_over_threshold_at_trigger", "gc.cyclic.gen2.younger_collections_before",
    "gc.cyclic.generation_count", "gc.cyclic.immutable_tuple_tracked_at_creation",
    "gc.cyclic.immutable_tuple_untracked_after_collect", "gc.cyclic.mutable_tuple_tracked_after_collect",
    "gc.cyclic.older_collections_on_time", "gc.cyclic.older_containers_made",
    "gc.cyclic.older_includes_younger", "gc.cyclic.threshold0", "gc.cyclic.threshold1", "gc.cyclic.threshold2",
    "gc.cyclic.trigger_over_threshold", "gc.cyclic.young_collection_spares_old",
)
_OBSERVED_GC_PAUSE = (
    "gc.pause.c_worker_control_samples", "gc.pause.c_worker_share_samples", "gc.pause.c_worker_vs_control_pairs",
    "gc.pause.collect_s_samples", "gc.pause.containers", "gc.pause.control_share_samples",
    "gc.pause.gil_enabled", "gc.pause.other_thread_share_samples", "gc.pause.progress_trials",
    "gc.pause.progress_trials_of", "gc.pause.trials",
)

WORKLOADS = (
    Workload("refcount", "gc", "gc.refcount.", observes=_OBSERVED_REFCOUNT, demo="demos.refcount"),
    Workload("gc_cycles", "gc", "gc.cyclic.", observes=_OBSERVED_GC_CYCLES, demo="demos.gc_cycles"),
    Workload(
        "gc_pause", "gc", "gc.pause.", observes=_OBSERVED_GC_PAUSE, demo="demos.gc_pause", script="bm_gc_pause.py",
        # 60 trials: the counter's share is bounded by the tau rule at 97.5% one-sided (stats._mostly_at_low):
        # 0 of 60 readings above 0.01 bound it at 0.069, below 0.1; 30 gave 0.125, undecided (R11 on
        # 3.13.5t: 3 of 30 readings a hair above 0, at most 0.0085, read as noise).  About 0.2 s a trial.
        params={"fast": {"trials": 60, "containers": 200000}, "default": {"trials": 60, "containers": 200000},
                "rigorous": {"trials": 90, "containers": 200000}},
        derived=(
            # 0.01 of a collection's time: what the window's edges let a stopped counter show (the
            # clock is read just outside gc.collect(), and the counter records a gap only once it
            # moves again).  Chosen after two runs' readings on 3.13.5t (largest 0.0085), so fitted to
            # them; the next run (R13) had 5 of 60 above it there (0.015-0.035).
            ("gc.pause.other_thread_share", sample_mean("gc.pause.other_thread_share_samples", negligible=0.01)),
            ("gc.pause.control_share", sample_mean("gc.pause.control_share_samples")),
            ("gc.pause.c_worker_share", sample_mean("gc.pause.c_worker_share_samples")),
            ("gc.pause.c_worker_control", sample_mean("gc.pause.c_worker_control_samples")),
            ("gc.pause.c_worker_vs_control", sample_mean("gc.pause.c_worker_vs_control_pairs")),
            ("gc.pause.progress", count("gc.pause.progress_trials", "gc.pause.progress_trials_of")),
            ("gc.pause.full_s", mean(_FULL)),
            # 20 young collections against one full one, on the same heap: far below 1 on a generational
            # collector, about 20 on one that looks at the whole heap every time.
            ("gc.pause.young_over_full", ratio(_GC_PAUSE.benchmark("young-x20", containers=200000), _FULL)),
        ),
        grid=_GC_PAUSE,
    ),
)
