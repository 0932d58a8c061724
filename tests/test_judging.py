"""Honest uncertainty, on synthetic inputs: counts as counts, paired ratios, the machine's
parallelism, GIL states per run, true reasons for every gap, the JSON report."""
import json
import math

import pytest

from bench import ledger
from bench.judge import evaluate, shares, stats, words
from bench.judge.load import load
from bench.judge.verdicts import verdicts
from bench.ledger.predictions import Prediction
from bench.judge.stats import Measured
from bench.ledger.vocabulary import MACHINE_PARALLELISM, Check, Claim
from bench.publish import report

pyperf = pytest.importorskip("pyperf")

_FACTS = {"version": "3.12.1", "gil_enabled": True, "pymalloc": True, "cpus_usable": 2}


# --- the statistics ---------------------------------------------------------------------

@pytest.mark.parametrize("events,trials,low,high", [
    (0, 40, 0.0, 0.0881),    # 1 - 0.025 ** (1/40)
    (0, 6, 0.0, 0.4593),
    (5, 20, 0.0866, 0.4910),  # the textbook example
    (40, 40, 0.9119, 1.0),
])
def test_clopper_pearson_matches_published_values(events, trials, low, high):
    lo, hi = stats.clopper_pearson(events, trials)
    assert lo == pytest.approx(low, abs=5e-4) and hi == pytest.approx(high, abs=5e-4)


def test_t_quantiles_beyond_the_table_match_published_values():
    # Published two-sided 95% quantiles of Student's t.
    for df, t in ((40, 2.021), (60, 2.000), (120, 1.980), (10 ** 6, 1.960)):
        assert stats.t_quantile(df) == pytest.approx(t, abs=2e-3)


def test_a_paired_ratio_cancels_drift_between_rounds():
    # The machine gets 40% faster over eight rounds; B is twice A within a round, give or take 0.1%.
    drift = [1.0 - 0.05 * i for i in range(8)]
    a = [0.1 * d for d in drift]
    b = [0.2 * d * (1.001 if i % 2 else 0.999) for i, d in enumerate(drift)]
    paired = stats.paired_ratio(b, a)
    assert paired.value == pytest.approx(2.0, rel=1e-3) and paired.interval[1] - paired.interval[0] < 0.01
    unpaired = stats.unpaired_ratio(b, a)
    assert unpaired.interval[1] - unpaired.interval[0] > 0.3  # drift looks like noise when unpaired
    assert paired.n == 8 and not paired.provisional


def test_few_pairs_are_provisional_and_one_value_bounds_nothing():
    assert stats.paired_ratio([1.0, 1.1, 0.9], [1.0, 1.0, 1.0]).provisional
    one = stats.mean_interval([0.25])
    assert one.n == 1 and one.interval == (-math.inf, math.inf) and "interval unbounded" in one.method
    # no prediction is decided on one value
    assert evaluate.judge(Prediction.parse("above(0.1)"), one) == "within-noise"
    assert evaluate.judge(Prediction.parse("below(0.1)"), one) == "within-noise"


def test_a_share_of_gains_is_a_ratio_of_means_with_fieller_interval():
    # Threads gain nothing, processes about 50%: share about 0, clearly below 0.5.
    share = shares.paired_share([0.02, -0.05, 0.04, 0.0, -0.02, 0.03], [0.5, 0.45, 0.6, 0.55, 0.23, 0.5])
    assert share.value == pytest.approx(0.02 / 2.83)
    assert share.interval[0] < share.value < share.interval[1] < 0.5
    # Fieller's interval is where the paired contrast x - s*y is not rejected: check one inside, one outside.
    xs, ys = [0.02, -0.05, 0.04, 0.0, -0.02, 0.03], [0.5, 0.45, 0.6, 0.55, 0.23, 0.5]
    for s_, inside in ((share.interval[1] - 1e-6, True), (share.interval[1] + 0.05, False)):
        d = stats.mean_interval([x - s_ * y for x, y in zip(xs, ys)])
        assert (d.interval[0] <= 0 <= d.interval[1]) == inside
    # A reference gain within noise of zero bounds nothing (a mean of per-round ratios would explode).
    loose = shares.paired_share([0.1, 0.0, 0.05], [0.05, -0.04, 0.01])
    assert loose.interval == (-math.inf, math.inf)


def test_bad_values_are_refused():
    with pytest.raises(ValueError):
        stats.count(3, 2)
    with pytest.raises(ValueError):
        stats.mean_interval([1.0, float("nan")])


# --- counts as counts -------------------------------------------------------------------

def _claim(*checks, applies="", given=()):
    return Claim("t.x", "gil", "s", "c", "p", tuple(Check(*c) for c in checks), applies=applies,
                 given=tuple(Check(*c) for c in given))


@pytest.mark.parametrize("prediction,events,trials,expected", [
    ("never(0.01)", 0, 40, "inconclusive"),   # 0/40 bounds the rate below 8.8%, not below 1%
    ("never(0.01)", 0, 400, "holds"),         # below 0.92%
    ("never(0.01)", 1, 400, "contradicted"),  # seen once: it happens
    ("sometimes(0.01)", 1, 6, "holds"),
    ("sometimes(0.01)", 0, 6, "inconclusive"),  # 0/6: below 46% only
    ("sometimes(0.01)", 0, 400, "contradicted"),
])
def test_counts_are_judged_by_their_exact_interval(prediction, events, trials, expected):
    assert evaluate.judge(Prediction.parse(prediction), stats.count(events, trials)) == expected


def test_not_seen_says_what_it_bounds():
    v = evaluate.evaluate(_claim(("a", "never(0.01)")), {"a": stats.count(0, 40)}, _FACTS)
    assert v.verdict == "inconclusive" and "not seen in 40 trials" in v.why and "7.2%" in v.why
    assert (v.events, v.n) == (0, 40)


def test_a_fix_is_shown_only_where_the_unfixed_code_fails_clearly_more_often():
    claim = _claim(("fix", "never(0.05)"), given=(("unfixed", "above(0.05)"),))
    shown = evaluate.evaluate(claim, {"fix": stats.count(0, 80), "unfixed": stats.count(15, 80)}, _FACTS)
    assert shown.verdict == "holds"
    # Never races: nothing to fix.  Races once in 80: 0 of 80 with the fix is what no fix would give too.
    for unfixed in (stats.count(0, 80), stats.count(1, 80)):
        unshown = evaluate.evaluate(claim, {"fix": stats.count(0, 80), "unfixed": unfixed}, _FACTS)
        assert unshown.verdict == "inconclusive" and "cannot be shown" in unshown.why


def test_the_race_fix_claims_are_judged_against_the_control():
    for cid in ("gil.race-fix-join", "gil.race-fix-mutex"):
        claim = ledger.get(cid)
        assert claim.given == () and claim.checks
        removed = [c for c in claim.checks if c.prediction.kind == "removed"]
        assert removed and all(c.versus == "race.control.races" for c in removed)
        # Lower than the control, and rare in itself: each fixed count is also judged never(5%).
        assert {c.metric for c in removed} == {c.metric for c in claim.checks if c.prediction.kind == "never"}
    # "that race is gone" is about the note's code only; the variants are shown, not judged
    gone = ledger.get("gil.race-gone-3.10")
    assert set(gone.metrics()) == {"race.note.races"}
    # the general statement is judged on code that races under a GIL, not on the note's code
    assert ledger.get("gil.race-reproducible").metrics() == ("race.control.races",)


def test_no_race_metric_is_judged_by_two_claims():
    """Complementary claims must not count one measurement twice (issue 17 item 3)."""
    judged = {}
    for claim in ledger.CLAIMS:
        for check in claim.checks:
            if check.metric.startswith("race."):
                judged.setdefault(check.metric, set()).add(claim.id)
    assert all(len(ids) == 1 for ids in judged.values()), judged


def test_fisher_exact_matches_the_hypergeometric_tail():
    # 0 of 15 against 15 of 15: the only table as extreme, 1 / C(30, 15)
    assert stats.fisher_less(0, 15, 15, 15) == pytest.approx(1 / 155117520, rel=1e-9)
    # equal counts: the tail includes half the mass and more; nothing to tell
    assert stats.fisher_less(3, 10, 3, 10) == pytest.approx(0.68576, abs=1e-4)
    assert stats.fisher_less(0, 40, 0, 40) == 1.0
    # the other direction is never "lower"
    assert stats.fisher_less(5, 5, 0, 5) == 1.0
    # R: fisher.test(matrix(c(0, 60, 12, 48), 2), alternative = "less")$p.value = 0.0001327
    assert stats.fisher_less(0, 60, 12, 60) == pytest.approx(1.3273e-4, rel=1e-3)
    with pytest.raises(ValueError):
        stats.fisher_less(3, 2, 0, 5)


@pytest.mark.parametrize("fixed,control,expected", [
    ((0, 15), (15, 15), "holds"),         # p = 6.4e-9
    ((0, 40), (0, 40), "inconclusive"),   # the control did not race: nothing to fix
    ((0, 40), (2, 40), "inconclusive"),   # p = 0.25: two races in 40 cannot show a fix
    ((1, 40), (40, 40), "contradicted"),  # one race with the fix: it does not remove it
])
def test_removed_is_an_exact_test_of_the_fix_against_its_control(fixed, control, expected):
    claim = Claim("t.x", "gil", "s", "c", "p", (Check("fix", "removed(0.05)", versus="unfixed"),))
    v = evaluate.evaluate(claim, {"fix": stats.count(*fixed), "unfixed": stats.count(*control)}, _FACTS)
    assert v.verdict == expected
    assert "against unfixed = %d/%d" % control in v.why and "Fisher exact" in v.why
    missing = evaluate.evaluate(claim, {"fix": stats.count(*fixed)}, _FACTS)
    assert missing.verdict == "not-measured" and "unfixed" in missing.why


def test_removed_needs_a_versus_count_and_only_it_takes_one():
    from bench.ledger.predictions import LedgerError
    with pytest.raises(LedgerError, match="needs a versus"):
        Claim("t.x", "gil", "s", "c", "p", (Check("fix", "removed(0.05)"),))
    with pytest.raises(LedgerError, match="takes no versus"):
        Claim("t.x", "gil", "s", "c", "p", (Check("fix", "never(0.05)", versus="unfixed"),))
    claim = Claim("t.x", "gil", "s", "c", "p", (Check("fix", "removed(0.05)", versus="unfixed"),))
    assert claim.metrics() == ("fix", "unfixed")


def test_join_waits_is_decided_by_its_control_in_fast_mode():
    claim = ledger.get("mp.join-waits")
    metrics = {"mp.life.join.misordered": stats.count(0, 15), "mp.life.join.no_join_misordered": stats.count(15, 15)}
    assert evaluate.evaluate(claim, metrics, _FACTS).verdict == "holds"
    metrics["mp.life.join.no_join_misordered"] = stats.count(0, 15)
    assert evaluate.evaluate(claim, metrics, _FACTS).verdict == "inconclusive"


# --- judged against the machine ---------------------------------------------------------

def test_parallel_claims_wait_for_a_machine_that_can_show_parallelism():
    claim = _claim(("share", "below(0.5)"), applies="multicore parallel")
    metrics = {"share": stats.mean_interval([0.02, 0.05, 0.01, 0.03, 0.04])}
    busy = dict(_FACTS, machine_parallelism=stats.paired_ratio([1.0] * 5, [0.9, 0.95, 0.92, 0.9, 0.93]))
    v = evaluate.evaluate(claim, metrics, busy)
    assert v.verdict == "n/a" and "busy machine" in v.why
    quiet = dict(_FACTS, machine_parallelism=stats.paired_ratio([1.0] * 5, [0.52, 0.51, 0.53, 0.5, 0.52]))
    assert evaluate.evaluate(claim, metrics, quiet).verdict == "holds"
    # x1.56 on average but three rounds below x1.5: judged, and provisional because of the machine
    straddling = dict(_FACTS, machine_parallelism=stats.paired_ratio(
        [1.0] * 8, [1 / 1.75, 1 / 1.34, 1 / 1.8, 1 / 1.44, 1 / 1.7, 1 / 1.23, 1 / 1.75, 1 / 1.6]))
    v = evaluate.evaluate(claim, metrics, straddling)
    assert v.verdict == "holds"  # a share of the machine's own gain in the same rounds: decided
    assert evaluate.evaluate(claim, metrics, dict(_FACTS, machine_parallelism=None)).verdict == "not-measured"
    # x1.35 as a point, but its interval [1.05, 1.73] reaches x1.5: judged (provisional), not n/a; only an
    # interval wholly below x1.5 is a busy machine (a point estimate moved the gate between two runs).
    unsure = dict(_FACTS, machine_parallelism=Measured(1.35, (1.05, 1.73), 6))
    v = evaluate.evaluate(claim, metrics, unsure)
    assert v.verdict == "holds" and v.provisional
    assert words.machine_note({MACHINE_PARALLELISM: unsure["machine_parallelism"]}) is None
    # Threads' own speedup held below x1.5 shows nothing on a machine not shown to reach x1.5 itself:
    # undecided, while a speedup above it (the threads ran in parallel) still contradicts.
    bound = Claim("t.y", "gil", "s", "c", "p", (Check("speedup", "below(1.5)", machine_bound=True),),
                  applies="multicore parallel")
    slow = {"speedup": stats.mean_interval([1.01, 0.99, 1.0, 1.02, 0.98, 1.0])}
    v = evaluate.evaluate(bound, slow, dict(_FACTS, machine_parallelism=Measured(1.35, (0.99, 1.73), 6)))
    assert v.verdict == "inconclusive" and "speedup not judged" in v.why and "x1.35" in v.why
    # ...unless it lies below half the least gain the machine showed in the same run: with a low end of
    # x1.02 the limit is x1.01, which [0.985, 1.015] reaches; at x1.2 it is x1.1, and it lies below.
    barely = dict(_FACTS, machine_parallelism=Measured(1.35, (1.02, 1.73), 6))
    assert evaluate.evaluate(bound, slow, barely).verdict == "inconclusive"
    v = evaluate.evaluate(bound, slow, dict(_FACTS, machine_parallelism=Measured(1.45, (1.2, 1.75), 6)))
    assert v.verdict == "holds" and v.provisional and "half the least gain" in v.why and "x1.1" in v.why
    # Threads at x1.25 on a machine of x1.45 [1.28, 1.65] (a free-threaded build on a busy machine):
    # below the machine, but not below half its least gain (x1.14): undecided, never "holds".
    ft = {"speedup": stats.mean_interval([1.24, 1.25, 1.26, 1.25, 1.24, 1.26])}
    assert evaluate.evaluate(bound, ft, dict(_FACTS, machine_parallelism=Measured(1.45, (1.28, 1.65), 6))).verdict \
        == "inconclusive"
    assert evaluate.evaluate(bound, slow, quiet).verdict == "holds"
    fast = {"speedup": stats.mean_interval([1.9, 1.95, 1.92, 1.97, 1.93, 1.94])}
    assert evaluate.evaluate(bound, fast, unsure).verdict == "contradicted"
    wholly_below = Measured(1.3, (1.2, 1.45), 6)
    assert evaluate.evaluate(claim, metrics, dict(_FACTS, machine_parallelism=wholly_below)).verdict == "n/a"
    assert "upper end x1.45 below x1.5" in words.machine_note({MACHINE_PARALLELISM: wholly_below})
    # One pair, or an interval with no upper end: no evidence either way, the value decides (never fails open).
    assert words.machine_too_busy(Measured(1.1, (0.0, math.inf), 1))
    assert not words.machine_too_busy(Measured(1.9, (0.0, math.inf), 1))
    one_pair = words.machine_note({MACHINE_PARALLELISM: Measured(1.2, (0.0, math.inf), 1)})
    assert "from its value alone (1 pair" in one_pair and "wholly" not in one_pair and "unbounded" not in one_pair


# --- results folders --------------------------------------------------------------------

def _run(values, round_no, gil="1", name="fib[n=30]"):
    metadata = {"name": name, "unit": "second"}
    if round_no is not None:  # results format 1 had no rounds
        metadata["gilbench_round"] = round_no
    if gil is not None:
        metadata["gil_enabled_at_runtime"] = gil
    return pyperf.Run(values, warmups=[(1, values[0])], metadata=metadata, collect_metadata=False)


def _write_folder(folder, benches, observations=None, fmt=2, gil_enabled=True, selection=("fib",), **meta):
    folder.mkdir(parents=True)
    m = {"format": fmt, "id": folder.name, "version": "3.12.1", "free_threaded": False, "gil_enabled": gil_enabled,
         "pymalloc": True, "cpus_usable": 2, "selection": list(selection)}
    m.update(meta)
    (folder / "meta.json").write_text(json.dumps(m))
    (folder / "observations.json").write_text(json.dumps({"format": fmt, "observations": observations or {},
                                                          "errors": {}}))
    if benches:
        pyperf.BenchmarkSuite([pyperf.Benchmark(runs) for runs in benches]).dump(str(folder / "bench.json"))


def test_mixed_gil_runs_drop_the_timings_with_that_reason(tmp_path):
    runs = [_run([0.10, 0.11], 1), _run([0.10, 0.10], 2, gil="0"), _run([0.12, 0.11], 3)]
    _write_folder(tmp_path / "3.12.1", [runs])
    (result,) = load(str(tmp_path))
    assert "fib.seconds" not in result.metrics
    assert "GIL off" in result.dropped["fib"]


def test_a_run_without_its_gil_state_drops_the_timings(tmp_path):
    _write_folder(tmp_path / "3.12.1", [[_run([0.10], 1), _run([0.10], 2, gil=None)]])
    (result,) = load(str(tmp_path))
    assert "fib.seconds" not in result.metrics and "carries no GIL state" in result.dropped["fib"]


def test_a_single_value_is_provisional_not_exact(tmp_path):
    _write_folder(tmp_path / "3.12.1", [[_run([0.10], 1)]])
    (result,) = load(str(tmp_path))
    m = result.metrics["fib.seconds"]
    assert m.interval == (-math.inf, math.inf) and m.n == 1 and m.provisional


def test_a_repeated_round_drops_the_timings(tmp_path):
    _write_folder(tmp_path / "3.12.1", [[_run([0.10], 1), _run([0.11], 1)]])
    (result,) = load(str(tmp_path))
    assert "fib.seconds" not in result.metrics and "repeated round" in result.dropped["fib"]


def test_a_workload_that_failed_part_way_is_not_judged_on_its_first_rounds(tmp_path):
    _write_folder(tmp_path / "3.12.1", [[_run([0.10], 1), _run([0.11], 2)]])
    obs = json.loads((tmp_path / "3.12.1" / "observations.json").read_text())
    obs["errors"] = {"fib": "RuntimeError: bm_fib.py exited with 1 in round 3"}
    (tmp_path / "3.12.1" / "observations.json").write_text(json.dumps(obs))
    (result,) = load(str(tmp_path))
    assert "fib.seconds" not in result.metrics and "before it failed" in result.dropped["fib"]


def test_a_median_never_passes_for_the_measurement_with_an_interval(tmp_path):
    # Results without the samples: the plain median under the metric's name is not judged as exact.
    _write_folder(tmp_path / "a", [], {"countdown.cpu_per_wall.threads2": 1.0}, selection=("countdown",))
    (result,) = load(str(tmp_path))
    assert "countdown.cpu_per_wall.threads2" not in result.metrics


def test_ratios_pair_runs_by_round_even_when_a_round_is_missing(tmp_path):
    # The machine drifts from round to round; within a round two threads take 1% longer than one.
    drift = {1: 1.0, 2: 1.3, 3: 0.8, 4: 1.5, 5: 0.9, 6: 1.2}
    one = [_run([0.30 * drift[r]], r, name="countdown[worker-threads=1]") for r in (1, 2, 3, 4, 5, 6)]
    # round 4 of the two-thread benchmark is missing (stored out of order, too): 5 pairs remain
    two = [_run([0.303 * drift[r]], r, name="countdown[threads=2]") for r in (6, 1, 2, 3, 5)]
    _write_folder(tmp_path / "3.12.1", [one, two], selection=("countdown",))
    (result,) = load(str(tmp_path))
    m = result.metrics["countdown.speedup.threads2_vs_worker"]
    assert m.n == 5 and m.method.startswith("paired")
    assert m.value == pytest.approx(1 / 1.01) and m.interval[1] - m.interval[0] < 1e-9


def test_reasons_are_true(tmp_path):
    _write_folder(tmp_path / "a", [], {}, selection=("switching", "race"))
    table = verdicts(load(str(tmp_path)))["a"]
    # countdown was not selected: said so
    assert "not in this run's selection" in table["gil.countdown-threads-slower"].why
    # selected but produced nothing usable (a run drops a NaN, tests/test_faults.py): said so, no crash
    assert table["gil.switch-between-bytecodes"].verdict == "not-measured"
    assert "did not produce" in table["gil.switch-between-bytecodes"].why


def test_a_format_1_folder_is_still_read_and_its_ratios_say_unpaired(tmp_path):
    one = [_run([0.30, 0.31], None, name="countdown[worker-threads=1]") for _ in range(3)]
    two = [_run([0.31, 0.30], None, name="countdown[threads=2]") for _ in range(3)]
    _write_folder(tmp_path / "old", [one, two], fmt=1, selection=("countdown",))
    (result,) = load(str(tmp_path))
    assert "not paired" in result.metrics["countdown.speedup.threads2_vs_worker"].method


def test_an_unknown_results_format_is_one_clear_error(tmp_path):
    from bench.judge.load import ResultsError

    _write_folder(tmp_path / "future", [], fmt=99)
    with pytest.raises(ResultsError, match="results format 99"):
        load(str(tmp_path))


def test_json_report_and_markdown_counts(tmp_path):
    obs = {"race.control.nonzero": 0, "race.control.trials": 40, "race.call.nonzero": 7, "race.call.trials": 40}
    _write_folder(tmp_path / "3.12.1", [], obs, selection=("race",))
    doc = json.loads(report.render(str(tmp_path), "json"))
    assert doc["format"] == report.FORMAT
    v = {row["claim"]: row for row in doc["verdicts"]}["gil.race-reproducible"]
    assert v["verdict"] == "inconclusive" and (v["events"], v["n"]) == (0, 40) and v["provisional"] is False
    assert v["interval"][0] == 0.0 and v["interval"][1] == pytest.approx(0.0722, abs=5e-4)  # one-sided 95%
    md = report.render(str(tmp_path))
    assert "0/40 (≤7.2%)" in md


def test_report_rows_follow_claim_ids_not_positions(tmp_path):
    _write_folder(tmp_path / "a", [], {})
    table = verdicts(load(str(tmp_path)))["a"]
    assert all(table[c.id].claim == c.id for c in ledger.CLAIMS)


def test_no_nan_reaches_the_json(tmp_path):
    from bench.judge.load import ResultsError

    _write_folder(tmp_path / "a", [], {"switch.default_interval": 0.005})
    text = report.render(str(tmp_path), "json")
    assert "NaN" not in text and "Infinity" not in text
    assert all(not isinstance(v["value"], float) or math.isfinite(v["value"]) for v in json.loads(text)["verdicts"])
    # A file with one is refused (no run writes one: it drops them, with the reason)
    _write_folder(tmp_path / "b", [], {"switch.default_interval": float("inf")})
    with pytest.raises(ResultsError, match="not a finite number"):
        report.render(str(tmp_path), "json")


def test_an_optional_check_is_judged_when_measured_and_said_when_not():
    from bench import ledger
    from bench.judge.evaluate import evaluate
    from bench.judge.stats import Measured

    # The ledger's one optional check (the I/O side of gil.threads-no-benefit) became a claim of its own
    # (gil.io-threads-benefit, issue 17 item 1); the word stays, shown on a synthetic claim.
    claim = Claim("t.x", "gil", "s", "c", "p",
                  (Check("countdown.parallel_share.threads2", "below(0.5)"),
                   Check("io.speedup.threads2", "below(1.5)", optional=True, why="the I/O side")))
    facts = {"version": "3.12.1", "gil_enabled": True, "free_threaded": False, "cpu_count": 2, "cpus_usable": 2}
    cpu = {"countdown.parallel_share.threads2": Measured(0.0, (-0.1, 0.1), 6)}
    without_io = evaluate(claim, cpu, facts)
    assert without_io.verdict == "holds" and "io.speedup.threads2 not measured in this run" in without_io.why
    with_io = evaluate(claim, dict(cpu, **{"io.speedup.threads2": Measured(1.9, (1.85, 1.95), 6)}), facts)
    assert with_io.verdict == "partly" and "the I/O side" in with_io.why
    assert not any(c.metric.startswith("io.") for c in ledger.get("gil.threads-no-benefit").checks)


def test_dropped_observations_leave_the_workloads_timings_judged(tmp_path):
    """A run drops a demo's NaN (or values observed after the GIL flipped) in its own process; the
    pyperf workers' timings are checked on their own and stay."""
    _write_folder(tmp_path / "3.12.1", [[_run([0.10, 0.11], 1), _run([0.10, 0.10], 2)]])
    obs_path = tmp_path / "3.12.1" / "observations.json"
    obs = json.loads(obs_path.read_text())
    obs["dropped"] = {"fib": "observations dropped, not finite numbers: fib.x"}
    obs_path.write_text(json.dumps(obs))
    (result,) = load(str(tmp_path))
    assert "fib.seconds" in result.metrics and "not finite" in result.dropped["fib"]


def test_a_null_observation_is_not_measured_not_a_broken_file(tmp_path):
    # demos/pymalloc.py writes None where no request landed in a size class (mimalloc)
    _write_folder(tmp_path / "a", [], {"mem.small_threshold_bytes": None}, selection=("pymalloc",))
    (result,) = load(str(tmp_path))
    assert "mem.small_threshold_bytes" not in result.metrics
