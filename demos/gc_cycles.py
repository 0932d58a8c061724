"""The cyclic collector, as the note describes it, measured.

The note: reference counting cannot free a cycle (its Foo/Bar example); a separate collector
can, and it can be disabled; it ignores tuples holding only immutable objects; it sorts
containers into three generations, moves survivors to the next one, runs when a generation's
count passes its threshold, and collecting a generation also collects the younger ones.

Every answer here comes from the running interpreter: weak references tell whether an object
was freed, ``gc.get_objects(generation)`` where a survivor sits, ``gc.callbacks`` when the
collector ran and on which generation.  Nothing assumes the 3.9-3.13 GIL build's collector:
the free-threaded build's collector keeps no generations (every collection looks at the whole
heap), and 3.14's incremental collector has a young and an old generation only.  Where they
differ from the note, the measured values differ, and the verdicts say so.
"""
import gc
import weakref

from demos._util import conclude, print_header


class Foo(object):
    pass


class Bar(object):
    pass


class _Collector(object):
    """Run a block with the automatic collector off; it comes back on as it was found."""

    def __enter__(self):
        self.was_enabled = gc.isenabled()
        gc.disable()
        return self

    def __exit__(self, *exc):
        if self.was_enabled:
            gc.enable()


class _Log(object):
    """The collections gc.callbacks reports while the block runs: [(phase, generation), ...]."""

    def __enter__(self):
        self.events = []
        gc.callbacks.append(self._record)
        return self

    def _record(self, phase, info):
        self.events.append((phase, info.get("generation")))

    def __exit__(self, *exc):
        gc.callbacks.remove(self._record)

    def starts(self):
        return [generation for phase, generation in self.events if phase == "start"]


def _note_cycle():
    """The note's example 2 (foo.ref_bar = bar; bar.ref_foo = foo); a weak reference to foo."""
    foo = Foo()
    bar = Bar()
    foo.ref_bar = bar
    bar.ref_foo = foo
    return weakref.ref(foo)  # foo and bar go out of scope here: only the cycle holds them


def _cycles():
    with _Collector():
        gc.collect()
        ref = _note_cycle()
        survives = ref() is not None
        gc.collect()
        freed = ref() is None
    return {"gc.cyclic.cycle_survives_del": int(survives), "gc.cyclic.cycle_freed_by_collect": int(freed)}


def _disabled(allocations):
    """With the collector off: no collection runs however many containers are made, and cycles leak."""
    with _Collector(), _Log() as log:
        gc.collect()
        log.events[:] = []
        refs = [_note_cycle() for _ in range(allocations // 2)]  # two containers per cycle
        alive = sum(1 for r in refs if r() is not None)
        automatic = len(log.starts())
        gc.collect()
        freed_after = sum(1 for r in refs if r() is None)
    return {"gc.cyclic.disabled.cycles": len(refs), "gc.cyclic.disabled.cycles_alive": alive,
            "gc.cyclic.disabled.automatic_collections": automatic,
            "gc.cyclic.disabled.freed_by_collect_after": freed_after,
            "gc.cyclic.disable_stops_cyclic": int(alive == len(refs) and automatic == 0)}


def _tuples():
    with _Collector():
        # Built at run time (a literal would be a compiled constant): tracked when made.
        immutable = tuple([1, 2.0, "three", (4, 5)])
        mutable = tuple([1, [2]])
        tracked_before = gc.is_tracked(immutable)
        gc.collect()
        return {"gc.cyclic.immutable_tuple_tracked_at_creation": int(tracked_before),
                "gc.cyclic.immutable_tuple_untracked_after_collect": int(not gc.is_tracked(immutable)),
                "gc.cyclic.mutable_tuple_tracked_after_collect": int(gc.is_tracked(mutable))}


def _generation_of(obj):
    """The one generation gc.get_objects lists ``obj`` in; -1 when it is listed in several or none."""
    found = [g for g in range(len(gc.get_count())) if any(o is obj for o in gc.get_objects(generation=g))]
    return found[0] if len(found) == 1 else -1


def _aged_cycle(young_collections):
    """A Foo/Bar cycle that survived ``young_collections`` collections (0, then 1), now garbage."""
    holder = [Foo()]
    holder[0].ref_bar = Bar()
    holder[0].ref_bar.ref_foo = holder[0]
    for n in range(young_collections):
        gc.collect(n)
    ref = weakref.ref(holder[0])
    holder.pop()  # only the cycle holds it now
    return ref


def _generations():
    with _Collector():
        gc.collect()
        survivor = Foo()
        survivor.payload = []  # a container the collector tracks
        new = _generation_of(survivor)
        gc.collect(0)
        after_1 = _generation_of(survivor)
        gc.collect(1)
        after_2 = _generation_of(survivor)
        # A young collection leaves garbage in older generations alone, if the collector is generational.
        gc.collect()
        old = _aged_cycle(2)
        gc.collect(0)
        young_spares_old = int(old() is not None)
        gc.collect()
    return {"gc.cyclic.generation_count": len(gc.get_count()), "gc.cyclic.generation_at_creation": new,
            "gc.cyclic.generation_after_1": after_1, "gc.cyclic.generation_after_2": after_2,
            "gc.cyclic.young_collection_spares_old": young_spares_old}


def _collect_reach():
    """Which garbage gc.collect(n) frees: a cycle made just now, and one that survived a collection."""
    out = {}
    with _Collector(), _Log() as log:
        for n in (0, 1, 2):
            gc.collect()
            aged = _aged_cycle(1)
            young = _note_cycle()
            log.events[:] = []
            gc.collect(n)
            out["gc.cyclic.collect%d.frees_young" % n] = int(young() is None)
            out["gc.cyclic.collect%d.frees_aged" % n] = int(aged() is None)
            out["gc.cyclic.collect%d.reported_generation" % n] = (log.starts() or [-1])[0]
        gc.collect()
    out["gc.cyclic.older_includes_younger"] = int(out["gc.cyclic.collect1.frees_young"] == 1
                                                  and out["gc.cyclic.collect2.frees_young"] == 1
                                                  and out["gc.cyclic.collect2.frees_aged"] == 1)
    return out


def _trigger(limit_factor=20):
    """Containers made, with the collector on, until gc.callbacks reports the first automatic collection."""
    threshold = gc.get_threshold()
    out = {"gc.cyclic.threshold%d" % i: t for i, t in enumerate(threshold)}
    if not gc.isenabled():
        return out
    keep = []
    with _Log() as log:
        gc.collect()
        log.events[:] = []
        made = 0
        limit = max(threshold[0], 1) * limit_factor
        while not log.starts() and made < limit:
            keep.append([])
            made += 1
        first = (log.starts() or [-1])[0]
    del keep
    out.update({"gc.cyclic.allocations_to_collection": made, "gc.cyclic.first_automatic_generation": first,
                "gc.cyclic.collection_seen": int(first != -1)})
    if first != -1 and threshold[0] > 0:
        out["gc.cyclic.trigger_over_threshold"] = made / float(threshold[0])
    return out


class _OlderLog(object):
    """Each automatic collection's start: (generation, gc.get_count() then, objects listed in it).

    The counts at a collection's start are those that chose it; objects are listed only at the first
    collection of generations 1 and 2 (gc.get_objects there is as long as the generation)."""

    def __init__(self, threshold):
        self.threshold = threshold

    def __enter__(self):
        self.starts, self.late, self.done = [], False, False
        gc.callbacks.append(self._record)
        return self

    def _record(self, phase, info):
        if phase != "start":
            return
        g = info.get("generation")
        counts = gc.get_count()
        listed = None
        if g in (1, 2) and not any(s[0] == g for s in self.starts):
            listed = len(gc.get_objects(generation=g))
        self.starts.append((g, counts, listed))
        # A younger collection chosen although an older count had passed its threshold.
        self.late = self.late or any(counts[h] > self.threshold[h] and g < h for h in (1, 2))
        self.done = self.late or g == 2

    def __exit__(self, *exc):
        gc.callbacks.remove(self._record)


def _older_triggers(limit_factor=3):
    """Generations 1 and 2: what their count is when they are collected, and what it counts.

    Containers are kept alive (they fill the older generations) until generation 2 is collected, a
    younger collection runs although an older count has passed its threshold, or the limit.
    """
    threshold = gc.get_threshold()
    out = {}
    if not gc.isenabled() or len(threshold) < 3 or not all(threshold):
        return out
    keep = []
    limit = threshold[0] * (threshold[1] + 1) * (threshold[2] + 1) * limit_factor
    with _OlderLog(threshold) as log:
        gc.collect()
        del log.starts[:]
        log.late = log.done = False
        while not log.done and len(keep) < limit:
            keep.append([])
        starts = list(log.starts)
    made = len(keep)
    del keep
    out["gc.cyclic.older_containers_made"] = made
    # 1: generations 1 and 2 were each collected as soon as their count passed its threshold.
    out["gc.cyclic.older_collections_on_time"] = int(not log.late and any(s[0] == 2 for s in starts))
    for g in (1, 2):
        first = next((i for i, s in enumerate(starts) if s[0] == g), None)
        if first is None:
            continue
        _, counts, listed = starts[first]
        younger = sum(1 for s in starts[:first] if s[0] == g - 1)
        key = "gc.cyclic.gen%d." % g
        out.update({key + "count_at_trigger": counts[g], key + "younger_collections_before": younger,
                    key + "count_is_younger_collections": int(counts[g] == younger),
                    key + "objects_over_threshold_at_trigger": listed / float(threshold[g])})
    return out


def observe(disabled_allocations=20000):
    out = {}
    out.update(_cycles())
    out.update(_disabled(disabled_allocations))
    out.update(_tuples())
    out.update(_generations())
    out.update(_collect_reach())
    out.update(_trigger())
    out.update(_older_triggers())
    return out


def _where(g):
    return "listed in every generation or none (no generations)" if g == -1 else "generation %d" % g


def main():
    print_header("The cyclic collector (note section: Python의 Garbage Collection)")
    r = observe()
    yes = {1: "yes", 0: "NO"}
    print("the note says                                         measured here")
    print("  a cycle survives `del`                              %s" % yes[r["gc.cyclic.cycle_survives_del"]])
    print("  ... and gc.collect() frees it                       %s" % yes[r["gc.cyclic.cycle_freed_by_collect"]])
    print("  gc.disable(): no collection, cycles leak            %s (%d automatic collections, %d of %d cycles alive)"
          % (yes[r["gc.cyclic.disable_stops_cyclic"]], r["gc.cyclic.disabled.automatic_collections"],
             r["gc.cyclic.disabled.cycles_alive"], r["gc.cyclic.disabled.cycles"]))
    print("  tuples of immutables are ignored                    %s (tracked when made: %s; untracked after a collection)"
          % (yes[r["gc.cyclic.immutable_tuple_untracked_after_collect"]],
             yes[r["gc.cyclic.immutable_tuple_tracked_at_creation"]].lower()))
    print("  three generations (0, 1, 2)                         gc.get_count() has %d entries"
          % r["gc.cyclic.generation_count"])
    print("  a survivor moves to generation 1, then 2            new: %s; after 1 collection: %s; after 2: %s"
          % (_where(r["gc.cyclic.generation_at_creation"]), _where(r["gc.cyclic.generation_after_1"]),
             _where(r["gc.cyclic.generation_after_2"])))
    print("  a young collection leaves old objects alone         %s" % yes[r["gc.cyclic.young_collection_spares_old"]])
    print("  gc.collect(n) also collects younger generations     collect(1) frees a new cycle: %s; collect(2): %s"
          % (yes[r["gc.cyclic.collect1.frees_young"]], yes[r["gc.cyclic.collect2.frees_young"]]))
    if "gc.cyclic.allocations_to_collection" in r:
        print("  a collection runs past the threshold                thresholds %s; first automatic collection "
              "(generation %d) after %d new containers"
              % ((r["gc.cyclic.threshold0"], r["gc.cyclic.threshold1"], r["gc.cyclic.threshold2"]),
                 r["gc.cyclic.first_automatic_generation"], r["gc.cyclic.allocations_to_collection"]))
    for g in (1, 2):
        key = "gc.cyclic.gen%d." % g
        if key + "count_at_trigger" in r:
            print("  generation %d collected at count %d (threshold %d): %d collections of generation %d, while it held "
                  "%.0fx its threshold in objects" % (g, r[key + "count_at_trigger"], r["gc.cyclic.threshold%d" % g],
                                                       r[key + "younger_collections_before"], g - 1,
                                                       r[key + "objects_over_threshold_at_trigger"]))
    if not r.get("gc.cyclic.older_collections_on_time", 1):
        print("  an older generation's count passed its threshold and a younger collection ran instead")
    print()
    if r["gc.cyclic.generation_after_1"] == -1 or not r["gc.cyclic.young_collection_spares_old"]:
        print("this collector does not keep generations: every collection looks at the whole heap "
              "(the free-threaded build's collector, PEP 703).")
    conclude("gc_cycles", r)


if __name__ == "__main__":
    main()
