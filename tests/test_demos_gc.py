"""The refcount and cyclic-collector demos: documented keys, and the deterministic facts.

Facts asserted here hold on every CPython this project measures (a cycle outlives ``del`` and a
collection frees it; reference counting frees at zero with the collector off).  No duration is
asserted, nor any share of a thread's progress: both depend on the machine.
"""
import gc
import json
import sys
import threading
import time
import weakref

import pytest

from demos import gc_cycles, gc_pause, refcount

def _flat_json(result):
    for key, value in result.items():
        assert isinstance(key, str)
        assert isinstance(value, (int, float)) or (
            isinstance(value, list) and all(isinstance(x, (int, float)) for x in value)), (key, value)
    json.dumps(result)


@pytest.fixture(scope="module")
def refcounts():
    return refcount.observe()


def test_refcount_keys_and_types(refcounts):
    _flat_json(refcounts)
    for snippet in ("script", "repl", "exec", "alias"):
        assert refcounts["gc.refcount.%s_immortal" % snippet] in (0, 1)
    for key in ("script", "repl", "exec", "alias", "unalias", "list", "list_self", "alias_delta", "unalias_delta",
                "increment_assign", "increment_argument", "increment_list", "freed_at_del_with_gc_disabled",
                "finalizer_ran_at_del", "weakref_fired_at_del", "gc_was_disabled", "repl_interactive"):
        assert isinstance(refcounts["gc.refcount." + key], int), key


def test_refcount_facts_on_this_interpreter(refcounts):
    # A list is never immortal: the note's list snippet reads 2 then 3 on every build.
    assert (refcounts["gc.refcount.list"], refcounts["gc.refcount.list_self"]) == (2, 3)
    assert refcounts["gc.refcount.increment_assign"] == 1
    assert refcounts["gc.refcount.increment_list"] == 1
    assert refcounts["gc.refcount.increment_argument"] >= 1
    assert refcounts["gc.refcount.freed_at_del_with_gc_disabled"] == 1
    assert refcounts["gc.refcount.finalizer_ran_at_del"] == 1
    assert refcounts["gc.refcount.repl_interactive"] == 1
    if sys.platform.startswith("linux"):
        # The console on a pseudo-terminal counts the same object the same way.
        assert refcounts["gc.refcount.repl_tty_ran"] == 1
        assert refcounts["gc.refcount.repl_tty"] == refcounts["gc.refcount.repl"]
    if not refcounts["gc.refcount.script_immortal"]:
        # A mortal 'memory': one reference from the variable, one from getrefcount's argument, at least.
        assert refcounts["gc.refcount.script"] >= 2 and refcounts["gc.refcount.repl"] >= 2


def test_the_repl_driver_runs_a_real_interactive_interpreter():
    # A bare expression is echoed only by the console's read-eval-print loop, never by a script.
    values, _, interactive = refcount.run_repl(["40 + 2", "import sys", "print(sys.flags.interactive)"])
    assert interactive
    assert values == [42, 1]
    script_values, _ = refcount.run_script("import sys\n40 + 2\nprint(int(hasattr(sys, 'ps1')))\n")
    assert script_values == [0]


def test_immortality_is_detected_not_reported_as_a_count():
    # None is immortal from 3.12 on (PEP 683), and mortal before.
    _, immortal = refcount.run_script("import sys\nx = None\n", "x")
    assert immortal == int(sys.version_info >= (3, 12))
    _, immortal = refcount.run_script("import sys\nx = [object()]\n", "x")
    assert immortal == 0


def test_a_failing_snippet_is_an_error_not_a_value():
    with pytest.raises(RuntimeError):
        refcount.run_script("raise SystemExit(3)\n")


def test_a_cycle_outlives_del_and_a_collection_frees_it():
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        a, b = gc_cycles.Foo(), gc_cycles.Bar()
        a.ref_bar, b.ref_foo = b, a
        ref = weakref.ref(a)
        del a, b
        assert ref() is not None
        gc.collect()
        assert ref() is None
    finally:
        if was_enabled:
            gc.enable()


def test_a_weakref_callback_fires_at_del_with_the_collector_disabled():
    was_enabled = gc.isenabled()
    gc.disable()
    fired = []
    try:
        obj = gc_cycles.Foo()
        ref = weakref.ref(obj, lambda _r: fired.append(True))
        del obj
        assert fired == [True] and ref() is None
    finally:
        if was_enabled:
            gc.enable()


@pytest.fixture(scope="module")
def cyclic():
    enabled, callbacks = gc.isenabled(), list(gc.callbacks)
    result = gc_cycles.observe(disabled_allocations=2000)
    assert gc.isenabled() == enabled and gc.callbacks == callbacks  # left as found
    return result


def test_gc_cycles_keys_and_facts(cyclic):
    _flat_json(cyclic)
    assert cyclic["gc.cyclic.cycle_survives_del"] == 1
    assert cyclic["gc.cyclic.cycle_freed_by_collect"] == 1
    assert cyclic["gc.cyclic.disabled.automatic_collections"] == 0
    assert cyclic["gc.cyclic.disabled.cycles_alive"] == cyclic["gc.cyclic.disabled.cycles"] == 1000
    assert cyclic["gc.cyclic.disabled.freed_by_collect_after"] == 1000
    assert cyclic["gc.cyclic.mutable_tuple_tracked_after_collect"] == 1
    assert cyclic["gc.cyclic.generation_count"] == len(gc.get_count())
    assert tuple(cyclic["gc.cyclic.threshold%d" % i] for i in range(3)) == gc.get_threshold()
    for n in (0, 1, 2):
        assert cyclic["gc.cyclic.collect%d.frees_young" % n] in (0, 1)
        assert cyclic["gc.cyclic.collect%d.reported_generation" % n] == n
    assert cyclic["gc.cyclic.generation_after_1"] in (-1, 0, 1, 2)
    if cyclic["gc.cyclic.collection_seen"]:
        assert cyclic["gc.cyclic.allocations_to_collection"] > 0


def test_gc_pause_keys_and_cleanup():
    interval, callbacks = sys.getswitchinterval(), list(gc.callbacks)
    r = gc_pause.observe(trials=2, containers=20000)
    assert sys.getswitchinterval() == interval and gc.callbacks == callbacks
    _flat_json(r)
    assert r["gc.pause.trials"] == 2 and r["gc.pause.progress_trials_of"] == 2
    assert len(r["gc.pause.collect_s_samples"]) == 2
    for key in ("gc.pause.other_thread_share_samples", "gc.pause.control_share_samples"):
        assert len(r[key]) == 2 and all(0.0 <= x <= 1.0 for x in r[key])
    assert 0 <= r["gc.pause.progress_trials"] <= 2
    # The thread in GIL-releasing C code: one share per trial during the collection and during the sleep
    # (a thread's CPU clock and the wall clock are read a moment apart: a hair above 1 is possible).
    shares, controls = r["gc.pause.c_worker_share_samples"], r["gc.pause.c_worker_control_samples"]
    assert len(shares) == len(controls) == 2 and all(0.0 <= x <= 1.05 for x in shares + controls)
    assert len(r["gc.pause.c_worker_vs_control_pairs"]) == sum(1 for c in controls if c > 0)
    assert all(not t.name.startswith("gilbench-gc") for t in threading.enumerate())


class _LateMainThread(object):
    """The worker's event, seen by a main thread that is scheduled only after the worker has gone."""

    def __init__(self, call):
        self._event, self._call = threading.Event(), call

    def set(self):
        self._event.set()

    def wait(self, timeout):
        self._event.wait(timeout)
        self._call._thread.join(timeout)
        return True


@pytest.mark.skipif(not hasattr(time, "pthread_getcpuclockid"), reason="no per-thread CPU clock here")
def test_a_c_call_that_ended_before_its_clock_was_read_is_dropped_not_an_error():
    # CI's failure (py313t under -n auto): the worker finished its call before the main thread asked
    # for its clock by thread id, which raised ESRCH and aborted the demo.  The worker now names its
    # own clock; once it has ended the reading is None and the trial is dropped.
    call = gc_pause._CCall(1)
    call.inside = _LateMainThread(call)
    with call:
        assert call.cpu() is None
        assert gc_pause._cpu_share(call, lambda: None) is None


class _EndedInsideWindow(object):
    """A C call whose clock stops (its call returned) during the collection window, its thread still
    alive: every reading succeeds, and the last one equals the clock at the call's end."""

    def __init__(self, iterations):
        self._clock = iter([0.0, 0.002, 0.002, 0.002])  # 2 ms of CPU, then stopped
        # The call used 2 ms of CPU in all, while 50 ms of wall time passed to the last reading.
        self.cpu_at_start, self.wall_at_start, self.cpu_at_end, self.last_read_wall = 0.0, 0.0, 0.002, 0.05

    def cpu(self):
        return next(self._clock)

    spanned_whole = gc_pause._CCall.spanned_whole  # the real rule, on this call's readings

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        pass

    def still_running(self):
        return False


@pytest.mark.skipif(not hasattr(time, "pthread_getcpuclockid"), reason="no per-thread CPU clock here")
def test_a_c_call_that_ended_inside_its_windows_is_dropped_not_read_as_stopped(monkeypatch):
    # Its clock stopped when the call returned, so a window past that point reads a share near 0:
    # "the collection stopped it", although the call had simply ended.
    monkeypatch.setattr(gc_pause, "_CCall", _EndedInsideWindow)
    monkeypatch.setattr(gc_pause, "_iterations_for", lambda seconds: 1000)
    assert gc_pause.c_worker_trials(3, 0.001) == ([], [])


def test_a_call_spans_its_windows_when_it_used_more_cpu_than_the_wall_time_to_the_last_reading():
    call = gc_pause._CCall(1)
    call.cpu_at_start, call.wall_at_start = 0.001, 10.0
    call.cpu_at_end, call.last_read_wall = 0.501, 10.2  # 0.5 s of CPU, 0.2 s of wall: still inside
    assert call.spanned_whole()
    call.last_read_wall = 10.4995  # within a millisecond: it may have ended before the reading
    assert not call.spanned_whole()
    call.cpu_at_end = None  # never returned (the join timed out)
    assert not call.spanned_whole()


@pytest.mark.skipif(not hasattr(time, "pthread_getcpuclockid"), reason="no per-thread CPU clock here")
def test_a_worker_whose_clock_cannot_be_read_never_leaves_the_main_thread_waiting(monkeypatch):
    def _no_clock(ident):
        raise OSError(22, "Invalid argument")

    monkeypatch.setattr(gc_pause.time, "pthread_getcpuclockid", _no_clock)
    started = time.perf_counter()
    with gc_pause._CCall(1) as call:
        assert call.cpu() is None
    assert time.perf_counter() - started < 5  # not the join's 30 s wait on an event never set
    assert not call.spanned_whole() and not call.still_running()


def test_the_demo_says_how_many_c_call_trials_it_kept_and_never_prints_nan(monkeypatch, capsys):
    # The fault injector's: with every trial dropped, the demo printed "nan%" and nothing of why.
    base = {"gc.pause.trials": 60, "gc.pause.containers": 1000, "gc.pause.gil_enabled": 1,
            "gc.pause.collect_s_samples": [0.01] * 60, "gc.pause.other_thread_share_samples": [0.0] * 60,
            "gc.pause.control_share_samples": [1.0] * 60, "gc.pause.progress_trials": 0,
            "gc.pause.progress_trials_of": 60, "gc.pause.c_worker_vs_control_pairs": []}
    monkeypatch.setattr(gc_pause, "conclude", lambda *a: None)
    for kept in (0, 7):
        reading = dict(base, **{"gc.pause.c_worker_share_samples": [0.99] * kept,
                                "gc.pause.c_worker_control_samples": [1.0] * kept})
        monkeypatch.setattr(gc_pause, "observe", lambda: reading)
        gc_pause.main()
        out = capsys.readouterr().out
        assert "nan" not in out
        assert ("none of 60 trials kept" in out) if kept == 0 else ("7 of 60" in out and "99%" in out)
