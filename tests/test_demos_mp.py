"""The multiprocessing demos: the deterministic facts, under every start method the platform offers.

No duration is asserted (only that a figure is a non-negative number): timings depend on the machine.
"""
import json
import multiprocessing
import os

import pytest

from demos import _mp_util, ft_patterns, mp_ipc, mp_pool, mp_shared, mp_start, mp_sync, mp_workers, zombie

METHODS = multiprocessing.get_all_start_methods()


def _flat_json(result):
    for v in result.values():
        assert isinstance(v, (int, float, str, bool)) or (
            isinstance(v, list) and all(isinstance(x, (int, float)) for x in v)), v
    json.dumps(result)


def test_methods_lists_the_default_first_and_every_offered_one():
    assert _mp_util.methods()[0] == multiprocessing.get_start_method()
    assert sorted(_mp_util.methods()) == sorted(METHODS)


def test_start_observations():
    o = mp_start.observe(latency_trials=1)
    _flat_json(o)
    assert o["mp.start.method_count"] == len(METHODS)
    assert o["mp.start.default_is_fork"] == int(multiprocessing.get_start_method() == "fork")
    for method in METHODS:
        assert o["mp.start.latency_s.%s" % method] > 0


@pytest.mark.parametrize("method", METHODS)
def test_the_notes_corrected_snippet_runs(method, capfd):
    assert mp_start.note_snippet(method) == 0
    if method != "forkserver":  # its children write to the stdout the server started with
        assert "hello bob" in capfd.readouterr().out


@pytest.mark.parametrize("method", METHODS)
def test_a_parents_file_is_open_only_in_a_forked_child(method):
    assert mp_start.fd_inherited(method) is (method == "fork")


@pytest.mark.parametrize("method", METHODS)
def test_no_queue_message_is_lost_or_duplicated(method):
    sent, lost, duplicated, not_once = mp_ipc.queue_delivery(method, producers=2, threads=2, per_thread=50)
    assert sent == 2 * 2 * 50 + 2 * 50
    assert (lost, duplicated, not_once) == (0, 0, 0)


@pytest.mark.parametrize("kind", ["pipe", "queue"])
def test_echo_returns_every_message_of_every_size(kind):
    with mp_ipc.Echo(kind) as echo:
        assert echo.roundtrip([42, None, "hello"]) == [42, None, "hello"]
        for size in mp_ipc.SIZES:
            mp_ipc.roundtrips(echo, size, 2)


@pytest.mark.parametrize("method", METHODS)
def test_value_array_and_manager_examples(method):
    assert mp_shared.value_array_example(method) == (3.1415927, [-i for i in range(10)])
    d, lst, answer = mp_shared.manager_example(method)
    assert d == {1: "1", "2": 2, 0.25: None}
    assert lst == list(range(9, -1, -1))
    assert answer == 42


def test_shared_observations():
    o = mp_shared.observe(ops=20)
    _flat_json(o)
    assert o["mp.shared.value_array_example_ok"] == 1 and o["mp.shared.manager_example_ok"] == 1


@pytest.mark.parametrize("method", METHODS)
def test_apply_async_timeout_keeps_the_pool_and_leaving_the_block_terminates_the_task(method):
    a = mp_pool.apply_and_timeout(method, timeout=0.1, task_s=30.0)
    assert a["apply"] == 400 and a["apply_async"] == 400
    assert a["timeout_raised"] and a["usable_after"]
    assert a["worker_state_before_exit"] not in (None, "Z")
    assert a["worker_gone"] and not a["task_finished"]


def test_map_async_error_callback_gets_zerodivision_and_callback_the_results():
    with multiprocessing.Pool(2) as pool:
        got = mp_pool.map_async_callbacks(pool)
    assert len(got["error_callback"]) == 1 and isinstance(got["error_callback"][0], ZeroDivisionError)
    assert got["callback"] == [[1] * 9]


def test_one_process_keeps_the_order_of_imap_unordered():
    with multiprocessing.Pool(1) as pool:
        assert mp_pool.out_of_order(pool, 20) == 0
        assert mp_pool.imap_consume(pool, 100, 7) == sum(i * i for i in range(100))


def test_peak_memory_is_measured_for_both_inputs():
    with multiprocessing.Pool(2) as pool:
        for source in ("list", "generator"):
            ratios = mp_pool.memory_pairs(pool, source, 2000, 2, chunksize=100)
            assert len(ratios) == 2 and all(r > 0 for r in ratios)


def test_pool_observations_keys():
    o = mp_pool.observe(timeout=0.1, task_s=30.0, n=2000, reps=2, order_trials=5)
    _flat_json(o)
    assert o["mp.pool.apply_async_value"] == 400
    assert o["mp.pool.with_exit_terminated_task"] == 1
    assert o["mp.pool.map_async_error_is_zerodivision"] == 1
    assert o["mp.pool.unordered_1proc.out_of_order"] == 0
    assert 0 <= o["mp.pool.unordered_4procs.out_of_order"] <= o["mp.pool.unordered_4procs.trials"] == 5


@pytest.mark.skipif(not _mp_util.has_proc(), reason="needs /proc")
@pytest.mark.parametrize("reaper", zombie.REAPERS)
@pytest.mark.parametrize("method", METHODS)
def test_the_zombie_is_seen_then_reaped(method, reaper):
    seen, after = zombie.zombie(method, reaper)
    if method == "forkserver":
        # The server is the child's parent and reaps it itself: it does not stay a zombie.
        assert seen[-1] is None
    else:
        assert seen[-1] == "Z"
    assert after is None


def test_join_orders_the_output():
    misordered = zombie.join_order(trials=2, delay_s=0.05)
    assert misordered["join"] == 0


@pytest.mark.parametrize("method", METHODS)
def test_non_daemonic_child_is_joined_at_exit_and_a_daemonic_one_terminated(method):
    exit_s, at_exit, ever, gone = zombie.parent_exit(method, daemon=False, delay_s=0.3)
    assert at_exit and ever
    # 1 s: the parent ends its daemonic child long before it could write, even on a busy machine.
    exit_s, at_exit, ever, gone = zombie.parent_exit(method, daemon=True, delay_s=1.0)
    assert not at_exit and not ever and gone


@pytest.mark.parametrize("method", METHODS)
def test_event_starts_unset_and_wait_blocks_until_set(method):
    initially, woke, blocked, latency = mp_sync.event_trial(method, hold_s=0.05)
    assert initially is False
    assert woke is True and blocked
    assert latency >= 0


@pytest.mark.parametrize("method", METHODS)
def test_lock_intervals_never_overlap(method):
    records = mp_sync.lock_intervals(method, processes=3, sections=5, hold_s=0.002)
    assert len(records) == 15
    assert mp_sync.overlaps(records) == 0
    contended, early, waits = mp_sync.contention(records)
    assert early == 0 and all(w >= 0 for w in waits)


def test_overlap_and_contention_counting():
    # (asked, entered, left): the second entered before the first left.
    records = [(0.0, 0.0, 1.0), (0.5, 0.5, 1.5), (1.6, 1.6, 2.0)]
    assert mp_sync.overlaps(records) == 1
    assert mp_sync.contention(records)[:2] == (1, 1)


def test_sync_and_lifecycle_observations():
    _flat_json(mp_sync.observe(event_trials=2, sections=3))
    o = zombie.observe(join_trials=1, delay_s=0.3)
    _flat_json(o)
    assert o["mp.life.implicit_join"] == 1 and o["mp.life.daemon_side_effect_lost"] == 1


def test_workers_split_the_work_and_shut_their_pools():
    for kind in ("threads", "processes"):
        mp_workers.run(kind, 2, "countdown", 2000)
        mp_workers.run(kind, 2, "words", 20)
    mp_workers.shutdown()
    assert 0 < mp_workers.word_count(0, 10) <= len(set(mp_workers._TEXT))


@pytest.mark.parametrize("name", sorted(ft_patterns.PATTERNS))
def test_every_pattern_runs_on_one_and_two_threads(name):
    ft_patterns.run_pattern(name, 1, 100)
    ft_patterns.run_pattern(name, 2, 100)


def test_the_parent_script_is_importable_without_side_effects():
    import demos._mp_parent as parent
    assert callable(parent.main) and os.path.exists(parent.__file__)
