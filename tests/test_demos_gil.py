"""The GIL demos: documented keys, sane types and ranges, and the deterministic facts.

No duration and no race outcome is asserted: both depend on the machine and on chance.
"""
import json
import sys

import pytest

from demos import countdown, fib, gil_release, race, switching

_RACE_VARIANTS = ("note", "big_n", "small_interval", "call")
_RACE_FIXES = ("fix_join", "fix_mutex", "fix_mutex_per_iter")


def _check_flat_json(result):
    assert all(isinstance(k, str) for k in result)
    assert all(isinstance(v, (int, float, str, bool)) for v in result.values())
    json.dumps(result)


@pytest.fixture(scope="module")
def race_result():
    # Small sizes: only structure and the fixes' deterministic x == 0 are checked.
    return race.observe(trials=4, n=20_000, big_n=50_000, big_trials=2, small_interval=1e-4,
                        small_trials=3, fix_trials=3)


def test_race_keys_types_and_ranges(race_result):
    r = race_result
    _check_flat_json(r)
    assert isinstance(r["race.default_interval"], float)
    assert r["race.small_interval.interval"] == 1e-4
    for v in _RACE_VARIANTS:
        trials, nonzero = r["race.%s.trials" % v], r["race.%s.nonzero" % v]
        assert isinstance(trials, int) and isinstance(nonzero, int)
        assert 0 <= nonzero <= trials
        assert 0.0 <= r["race.%s.share_nonzero" % v] <= 1.0
        assert isinstance(r["race.%s.max_abs" % v], int) and r["race.%s.max_abs" % v] >= 0
        assert isinstance(r["race.%s.n" % v], int)
    assert r["race.note.n"] == 20_000 and r["race.big_n.n"] == 50_000


def test_race_fixes_always_end_at_zero(race_result):
    for f in _RACE_FIXES:
        assert race_result["race.%s.trials" % f] == 3
        assert race_result["race.%s.nonzero" % f] == 0


@pytest.mark.parametrize("variant", ["join", "around-loop", "per-iteration"])
def test_each_fixed_trial_ends_at_zero(variant):
    assert all(race.run_race(10_000, variant) == 0 for _ in range(3))


def test_race_restores_switch_interval_on_error(monkeypatch):
    before = sys.getswitchinterval()

    def fake_trials(variant, n, trials):
        if sys.getswitchinterval() != before:
            raise RuntimeError("failure while the small interval is set")
        return {"trials": trials, "nonzero": 0, "max_abs": 0}

    monkeypatch.setattr(race, "_trials", fake_trials)
    with pytest.raises(RuntimeError):
        race.observe(small_interval=1e-3)
    assert sys.getswitchinterval() == before


def test_switching_keys_and_restores_interval():
    before = sys.getswitchinterval()
    r = switching.observe(duration=0.05, small_interval=0.001)
    _check_flat_json(r)
    assert sys.getswitchinterval() == before
    assert r["switch.default_interval"] == before
    assert r["switch.small_interval"] == 0.001
    for key in ("switch.rate_default", "switch.rate_small", "switch.rate_gain"):
        assert isinstance(r[key], float) and r[key] >= 0.0


def test_countdown_keys():
    r = countdown.observe(n=20_000)
    _check_flat_json(r)
    assert r["countdown.n"] == 20_000
    for key in ("single_s", "threads2_s", "threads4_s", "processes2_s", "processes4_s"):
        assert isinstance(r["countdown." + key], float) and r["countdown." + key] > 0
    assert r["countdown.start_method"] in ("fork", "spawn", "forkserver")
    assert isinstance(r["countdown.cpu_count"], int) and r["countdown.cpu_count"] >= 1
    # CPU seconds per wall second of two threads: positive, and at most the two threads' worth
    # (plus slack for the clocks' resolution on a run this short).
    assert 0 < r["countdown.cpu_per_wall.threads2"] <= 2.5


def test_countdown_helpers_return_after_children_finish():
    countdown.run_single(1_000)
    countdown.run_threads(1_000, 3)
    countdown.run_processes(1_000, 2)


def test_gil_release_keys():
    r = gil_release.observe(threads=(1, 2), scale=0.05)
    _check_flat_json(r)
    assert isinstance(r["release.cpu_count"], int)
    for w in gil_release.WORKS:
        assert r["release.%s.threads1_s" % w] >= 0 and r["release.%s.threads2_s" % w] >= 0
        assert isinstance(r["release.%s.speedup2" % w], float)
        assert "release.%s.speedup1" % w not in r


def test_gil_release_works_are_named():
    assert gil_release.WORKS == ("sha256", "zlib", "python")
    with pytest.raises(KeyError):
        gil_release.run_work("nonsense", 1)


def test_fib_value_is_exact():
    r = fib.observe(n=20)
    _check_flat_json(r)
    assert r == {"fib.n": 20, "fib.value": 6765, "fib.seconds": r["fib.seconds"]}
    assert isinstance(r["fib.seconds"], float)
    assert [fib.fib(i) for i in range(10)] == [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]


@pytest.mark.parametrize("module", [race, switching, countdown, gil_release, fib])
def test_main_narrates_the_note_and_the_interpreter(module, monkeypatch, capsys):
    # main() uses the defaults; shrink the work so the test stays fast.
    small = {
        race: dict(trials=2, n=5_000, big_n=10_000, big_trials=1, small_trials=1, fix_trials=1),
        switching: dict(duration=0.02),
        countdown: dict(n=10_000),
        gil_release: dict(scale=0.02),
        fib: dict(n=15),
    }[module]
    real = module.observe
    monkeypatch.setattr(module, "observe", lambda **kw: real(**dict(kw, **small)))
    module.main()
    out = capsys.readouterr().out
    assert "the note says" in out
    assert sys.version.split()[0] in out
    assert "GIL o" in out
