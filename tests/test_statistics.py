"""Issue 17's statistics and cells, on synthetic inputs: one-sided count bounds, shares inside [0, 1],
equal samples never certain, what provisional means, values read plainly, cells that say why in words,
rounds interleaved across workloads, and the rerun-coverage computation."""
import math
import shutil

import pytest

from bench.judge import evaluate, rounds, shares, stats
from bench.judge.evaluate import machine_note
from bench.ledger.predictions import Prediction
from bench.ledger.vocabulary import MACHINE_PARALLELISM, Check, Claim
from bench.numbers import describe_value, fmt, plain

_FACTS = {"version": "3.12.1", "gil_enabled": True, "pymalloc": True, "cpus_usable": 2}


def _claim(check, **kw):
    return Claim("t.claim", "gil", "s", "a claim", "문구", (Check(*check),), **kw)


# --- counts: one-sided 95% at 0 events ------------------------------------------------------

@pytest.mark.parametrize("trials,rate,verdict", [
    (59, 0.05, "holds"), (58, 0.05, "inconclusive"),  # 1 - 0.05^(1/59) = 4.95%, of 58: 5.03%
    (299, 0.01, "holds"), (298, 0.01, "inconclusive"),
])
def test_never_is_a_one_sided_95_percent_test(trials, rate, verdict):
    m = stats.count(0, trials)
    assert m.interval[0] == 0.0 and m.interval[1] == pytest.approx(1 - 0.05 ** (1 / trials))
    assert evaluate.judge(Prediction.parse("never(%s)" % rate), m) == verdict
    assert evaluate.judge(Prediction.parse("sometimes(%s)" % rate), m) == (
        "contradicted" if verdict == "holds" else "inconclusive")


def test_counts_between_the_ends_keep_the_two_sided_interval():
    assert stats.count(5, 20).interval == stats.clopper_pearson(5, 20)
    assert stats.count(20, 20).interval == pytest.approx((0.05 ** (1 / 20), 1.0))
    assert describe_value(0.0, stats.count(0, 59).interval, 59, 0) == "0/59 (≤5%)"


# --- shares and means -------------------------------------------------------------------------

def test_a_share_of_parallel_gain_lies_in_0_1_and_says_it_was_clipped():
    # Threads gain about nothing (sometimes less than nothing), processes about x2.
    m = shares.paired_share([-0.05, 0.02, -0.03, 0.01, -0.04, 0.0], [0.9, 1.0, 0.95, 1.05, 0.9, 1.0])
    assert 0.0 <= m.interval[0] <= m.value <= m.interval[1] <= 1.0
    assert "clipped to [0.0, 1.0]" in m.method


def test_all_zero_samples_never_read_as_certainty():
    plain_mean = stats.mean_interval([0.0] * 6)
    assert plain_mean.interval == (-math.inf, math.inf) and "no spread" in plain_mean.method
    assert evaluate.judge(Prediction.parse("below(0.1)"), plain_mean) == "within-noise"
    share = stats.mean_interval([0.0] * 6, bounds=(0.0, 1.0))  # all at 0: the one-sided bound needs no spread
    assert share.interval[0] == 0.0 and share.interval[1] == pytest.approx(1 - 0.05 ** (1 / 6))
    equal = stats.mean_interval([0.5] * 40, bounds=(0.0, 1.0))  # equal inside: Hoeffding's interval
    assert equal.interval[1] - 0.5 == pytest.approx(math.sqrt(math.log(40) / 80))
    assert evaluate.judge(Prediction.parse("below(0.1)"), share) == "within-noise"
    assert evaluate.judge(Prediction.parse("below(0.9)"), share) == "holds"
    assert stats.ratio_of_pairs([2.0] * 8).interval == (0.0, math.inf)  # equal ratios: no interval either


def test_equal_values_never_give_a_zero_width_interval_even_with_a_rounding_error_spread():
    xs = [1 / 504.0] * 60
    assert stats._mean_sd(xs)[1] < 1e-12  # 3e-18 here: a rounding error, not a spread
    m = stats.mean_interval(xs, bounds=(0.0, 1.0))
    assert m.interval[1] - m.interval[0] > 0.1 and "equal" in m.method
    assert stats.mean_interval(xs).interval == stats._UNBOUNDED


def test_a_t_interval_of_a_share_is_clipped_to_0_1():
    m = stats.mean_interval([0.001, 0.03, 0.0005, 0.002, 0.001, 0.0008], bounds=(0.0, 1.0))
    assert m.interval[0] == 0.0 < m.interval[1] and "clipped" in m.method
    # Values at 0 among them: bounded by the share of values above 0, not by t (which is no interval there).
    m = stats.mean_interval([0.0, 0.001, 0.0, 0.002, 0.0, 0.0], bounds=(0.0, 1.0))
    assert m.interval[0] == 0.0 and m.interval[1] > 0.6 and "2 of 6 values above 0" in m.method


def test_provisional_means_fewer_than_8_pairs():
    noisy = [1.0, 1.1, 0.9, 1.05, 0.95, 1.02, 0.98, 1.01]
    assert stats.MIN_PAIRS == 8
    assert stats.ratio_of_pairs(noisy[:6]).provisional  # a fast run's 6 rounds
    assert not stats.ratio_of_pairs(noisy).provisional  # the default mode's 8
    assert not stats.count(0, 6).provisional  # a count is exact for its trials


# --- values read plainly -----------------------------------------------------------------------

@pytest.mark.parametrize("value,unit,text", [
    (16384, "bytes", "16 KiB"), (1048576, "bytes", "1 MiB"), (512, "bytes", "512 B"), (262144, "bytes", "256 KiB"),
    (1, "flag (1 = yes, 0 = no)", "yes"), (0, "flag (1 = yes, 0 = no)", "no"),
    (1, "delta (references)", "+1"), (0.088, "share of the machine's parallel gain", "8.8%"),
    (16384.0, None, "16384"), (1.9e-06, None, "0.0000019"), (2.62e5, None, "262000"), (4294967295, None, "4294967295"),
    (-1, "generation", "-1"),
])
def test_values_read_plainly_never_in_e_notation(value, unit, text):
    assert plain(value, unit) == text
    assert "e+" not in fmt(float(value)) and "e-" not in fmt(float(value))


def test_ratios_read_as_faster_or_slower_where_the_unit_says_so():
    assert describe_value(1.877, (1.842, 1.912), 6, unit="x (speedup)") == "x1.877 faster [1.842, 1.912]"
    assert describe_value(0.5, (0.4, 0.625), 6, unit="x (speedup)") == "x2 slower [1.6, 2.5]"
    assert describe_value(49.6, (45.3, 54.3), 6, unit="x (slowdown)") == "x49.6 slower [45.3, 54.3]"
    assert describe_value(4.6, (3.6, 5.9), 6, unit="x (ratio)") == "4.6 [3.6, 5.9]"


def test_a_sentinel_reads_as_the_ledgers_words():
    from bench import ledger

    claim = ledger.get("gc.generations")
    assert plain(-1, claim.headline.unit, claim.headline.words) == "no generations"


# --- cells that say why in words ---------------------------------------------------------------

def test_a_busy_machine_says_so_in_the_cell_and_on_the_spot():
    claim = _claim(("a", "below(1.5)"), applies="parallel")
    busy = stats.paired_ratio([1.0] * 6, [0.68, 0.67, 0.69, 0.675, 0.68, 0.672])
    v = evaluate.evaluate(claim, {"a": stats.count(0, 5)}, dict(_FACTS, machine_parallelism=busy))
    assert v.verdict == "n/a" and v.words == "machine x%s on 2 processes" % fmt(busy.value)
    from bench.publish.model import cell_text
    assert cell_text(v) == "n/a: " + v.words  # no number of the claim's
    note = machine_note({MACHINE_PARALLELISM: busy})
    assert note.startswith("n/a: machine x1.4") and "x1.5" in note
    assert machine_note({MACHINE_PARALLELISM: stats.paired_ratio([1.0] * 6, [0.5] * 5 + [0.51])}) is None
    assert machine_note({}) is None


def test_a_failed_precondition_and_an_unmet_condition_say_why_in_words():
    claim = _claim(("fix", "never(0.05)"), given=(Check("unfixed", "sometimes(0.05)"),))
    v = evaluate.evaluate(claim, {"fix": stats.count(0, 80), "unfixed": stats.count(0, 80)}, _FACTS)
    assert v.verdict == "inconclusive" and v.words == "precondition failed: unfixed = 0/80 (≤3.7%)"
    off = evaluate.evaluate(_claim(("fix", "never(0.05)"), applies="gil-off"), {"fix": stats.count(0, 80)}, _FACTS)
    assert (off.verdict, off.words) == ("n/a", "GIL on here")
    old = evaluate.evaluate(_claim(("fix", "never(0.05)"), applies="version>=3.13"), {"fix": stats.count(0, 80)},
                            _FACTS)
    assert old.words == "before 3.13"


def test_the_page_shows_the_cells_words_and_the_load(tmp_path):
    from bench.publish import html, model

    data = {"format": 4, "interpreters": [{"column": "3.12.1", "id": "3.12.1", "load_start": [1.9, 1.0, 0.5],
                                           "load_end": [2.4, 1.2, 0.6]}],
            "table": [{"claim": "t.claim", "chapter": "gil", "unit": "x (speedup)", "cells": {"3.12.1": {
                "verdict": "n/a", "value": None, "interval": None, "n": None, "provisional": False, "why": "busy",
                "events": None, "text": "n/a: machine x1.48 on 2 processes",
                "shown": "machine x1.48 on 2 processes"}}}],
            "legend": {}, "statistics": ["What an interval covers: the spread between the rounds of this run."]}
    page, _ = html.render(data, model.VOCABULARY)
    assert "machine x1.48 on 2 processes" in page and "1.9, 2.4" in page and "load (start, end)" in page
    assert "What an interval covers" in page


# --- rounds interleaved, and the rerun's coverage -------------------------------------------

def test_round_r_of_every_workload_runs_before_round_r_plus_1(monkeypatch, tmp_path):
    from bench import ledger
    from bench.harness import runner

    done = []
    monkeypatch.setattr(runner, "_observed", lambda w, mode, facts, dropped: done.append(("observe", w.name)) or {})
    monkeypatch.setattr(runner, "_round", lambda w, mode, bench_file, i, only=None: done.append((i, w.name, only)))
    selected = [ledger.workload("countdown"), ledger.workload("fib")]
    _, errors, _, seconds = runner._run_workloads(selected, "fast", "x", {"gil_enabled": True}, str(tmp_path / "b"))
    rounds = runner.ROUNDS["fast"]
    observed = [("observe", w.name) for w in selected if w.demo]
    assert done[:len(observed)] == observed
    timed = done[len(observed):]
    main = [(i, name) for i, name, only in timed if only is None]
    assert main == [(r, w.name) for r in range(1, rounds + 1) for w in selected if w.script]
    # countdown's two benchmarks of gil.countdown-threads-slower get 10 more rounds, alone, spread
    # over the run: some after each of the mode's rounds, none bunched at the end.
    extra = [(k, i) for k, (i, name, only) in enumerate(timed) if only is not None]
    pair = ledger.workload("countdown").more_rounds
    assert [i for _, i in extra] == list(range(rounds + 1, pair.rounds["fast"] + 1))
    assert all(only == pair.benchmarks for _, _, only in timed if only is not None)
    slot_of = [sum(1 for i, name, only in timed[:k] if only is None and name == "fib") for k, _ in extra]
    assert sorted(set(slot_of)) == list(range(1, rounds + 1))
    assert not errors and set(seconds) == {"countdown", "fib"}


def test_the_extra_rounds_time_only_the_benchmarks_the_ledger_names(monkeypatch, tmp_path):
    from bench import ledger
    from bench.harness import runner

    commands = []

    def _run_in_group(cmd, timeout, **kwargs):
        commands.append(cmd)
        return 1  # stop before pyperf's file is read: only the command is looked at

    monkeypatch.setattr(runner, "run_in_group", _run_in_group)
    countdown = ledger.workload("countdown")
    with pytest.raises(RuntimeError):
        runner._round(countdown, "fast", str(tmp_path / "b.json"), 6)
    with pytest.raises(RuntimeError):
        runner._round(countdown, "fast", str(tmp_path / "b.json"), 7, countdown.more_rounds.benchmarks)
    mode_round, extra_round = commands
    assert "--gilbench-only" not in mode_round
    # One flag per name: a grid's names hold commas (gil_release[work=zlib,threads=2]).
    named = [extra_round[k + 1] for k, arg in enumerate(extra_round) if arg == "--gilbench-only"]
    assert named == list(countdown.more_rounds.benchmarks)


def test_a_failing_round_stops_only_that_workloads_later_rounds(monkeypatch, tmp_path):
    from bench import ledger
    from bench.harness import runner

    done = []

    def _round(w, mode, bench_file, i, only=None):
        done.append((i, w.name))
        if w.name == "countdown" and i == 2:
            raise RuntimeError("boom")

    monkeypatch.setattr(runner, "_observed", lambda *a: {})
    monkeypatch.setattr(runner, "_round", _round)
    selected = [ledger.workload("countdown"), ledger.workload("fib")]
    _, errors, _, _ = runner._run_workloads(selected, "fast", "x", {"gil_enabled": True}, str(tmp_path / "b"))
    assert "boom" in errors["countdown"] and (3, "countdown") not in done
    assert (runner.ROUNDS["fast"], "fib") in done


def test_rerun_coverage_counts_the_new_values_inside_the_base_intervals(tmp_path):
    from bench.publish import rerun

    base = "tests/fixtures/matrix-gil"
    same = rerun.coverage([base], [base])
    assert same.pairs and same.share == 1.0  # a run's values lie inside its own intervals
    assert all(p.metric in rerun.dimensionless_metrics() for p in same.pairs)
    # Another run whose every value sits far outside: none inside, each named.
    moved = rerun.Coverage([rerun.Pair("c", p.metric, p.base, p.interval, p.interval[1] * 2 + 1)
                            for p in same.pairs])
    assert moved.inside == 0 and moved.share == 0.0
    assert len(moved.lines()) == 1 + len(same.pairs)
    assert rerun.Coverage([]).share is None
    shutil.copytree(base, str(tmp_path / "copy"))
    assert rerun.coverage([base], [str(tmp_path / "copy")]).share == 1.0


# --- counts over rounds: trials of rounds that disagree are not one population ---------------------

@pytest.mark.parametrize("df, x", [(1, 3.841), (2, 5.991), (3, 7.815), (5, 11.070), (9, 16.919)])
def test_the_chi_square_survival_function_matches_the_published_5_percent_points(df, x):
    assert rounds.upper_gamma_regularized(df / 2.0, x / 2.0) == pytest.approx(0.05, abs=2e-4)


def test_rounds_that_agree_are_one_count():
    by_round, pooled = rounds.count_by_round([85, 84, 86, 84], [100] * 4), stats.count(339, 400)
    assert (by_round.value, by_round.interval, by_round.n, by_round.events) == (
        pooled.value, pooled.interval, pooled.n, pooled.events)
    assert "over 4 rounds" in by_round.method and "taken as independent" in by_round.method
    assert by_round.rounds == ((85, 100), (84, 100), (86, 100), (84, 100))
    assert rounds.homogeneity_p([0, 0, 0], [40, 40, 40]) is None  # no events: nothing to differ on


@pytest.mark.parametrize("events, trials, exact", [
    # Few expected events: the exact conditional test (all 3 events in one of 4 rounds of 15: 4 C(15,3) / C(60,3)).
    ([0, 0, 0, 3], [15] * 4, 4 * math.comb(15, 3) / math.comb(60, 3)),
    ([3, 0, 0, 0], [75] * 4, 4 * math.comb(75, 3) / math.comb(300, 3)),
])
def test_few_expected_events_get_the_exact_homogeneity_test(events, trials, exact):
    assert rounds.homogeneity_p(events, trials) == pytest.approx(exact, rel=1e-9)


def test_rounds_that_disagree_widen_the_interval_and_say_so():
    # The note's race: 9 of 40 in one run, 0 of 40 in the next (issue 17).
    pooled, by_round = stats.count(9, 80), rounds.count_by_round([9, 0], [40, 40])
    assert by_round.value == pooled.value and (by_round.n, by_round.events) == (80, 9)
    assert by_round.interval[0] == pooled.interval[0] > 0  # events were seen: the rate is not 0
    assert by_round.interval[1] > pooled.interval[1]
    assert "rounds differ more than chance allows" in by_round.method and "p = 0.0024" in by_round.method


def test_a_fix_is_compared_with_its_control_round_by_round():
    one = rounds.fisher_less_stratified(((0, 15),), ((15, 15),))
    assert one == pytest.approx(stats.fisher_less(0, 15, 15, 15))
    # Two rounds of one trial each side: 1/2 a round, 1/4 both; pooled as one 2x2 table it would be 1/6.
    assert rounds.fisher_less_stratified(((0, 1), (0, 1)), ((1, 1), (1, 1))) == pytest.approx(0.25)
    assert stats.fisher_less(0, 2, 2, 2) == pytest.approx(1 / 6)


def test_the_evaluator_compares_counts_of_the_same_rounds_round_by_round():
    fix = rounds.count_by_round([0, 0], [1, 1])
    control = rounds.count_by_round([1, 1], [1, 1])
    assert evaluate._fisher(fix, control) == pytest.approx(0.25)
    assert evaluate._fisher(stats.count(0, 2), stats.count(2, 2)) == pytest.approx(1 / 6)


def test_the_loader_judges_a_count_by_its_rounds_where_the_demo_recorded_them():
    from bench.judge import load

    observed = {"x.nonzero": 9, "x.trials": 80, "x.nonzero_by_round": [9, 0], "x.trials_by_round": [40, 40]}
    assert "rounds differ" in load._count(observed, "x.nonzero", "x.trials").method
    # Per-round lists that do not add up to the totals are not the same count: the totals are judged.
    observed["x.trials_by_round"] = [40, 30]
    assert load._count(observed, "x.nonzero", "x.trials") == stats.count(9, 80) and stats.count(9, 80).rounds is None


@pytest.mark.parametrize("events, trials", [([0.5, 1.5], [10, 10]), ([-1, 3], [20, 20]), ([30, 0], [20, 20]),
                                            ([True, 0], [1, 1]), ([10 ** 200, 23 - 10 ** 200], [20, 20])])
def test_per_round_counts_that_no_run_writes_are_refused(events, trials):
    with pytest.raises(ValueError):
        rounds.count_by_round(events, trials)


# --- a run's columns pool their round-to-round spread (bench.judge.pooling) ---------------------

def _column(ident, ratios, machine="m1", host="vm", **meta):
    from bench.judge.load import InterpreterResult

    return InterpreterResult(ident, ident, dict(meta, machine_fingerprint=machine, host=host),
                             metrics={"x.ratio": stats.paired_ratio(ratios, [1.0] * len(ratios))})


def test_the_free_threaded_twins_columns_pool_with_each_other_not_with_the_gil_builds():
    # Pooled by build and GIL state, 3.13.5t and 3.13.5t-gil were each alone of their kind and kept
    # the narrow six-round intervals a rerun missed most often; pooled with the GIL builds, a GIL
    # build's interval took the free-threaded build's spread.
    from bench.judge import pooling

    calm = [1.0, 1.001, 0.999, 1.0005, 0.9995, 1.0]
    noisy = [0.9, 1.1, 1.0, 0.95, 1.05, 1.02]
    columns = [_column("3.13.5t", noisy, free_threaded=True, gil_enabled=False),
               _column("3.13.5t-gil", calm, free_threaded=True, gil_enabled=True),
               _column("3.12.1", calm, free_threaded=False, gil_enabled=True),
               _column("3.13.5", calm, free_threaded=False, gil_enabled=True)]
    before = {c.id: c.metrics["x.ratio"] for c in columns}
    pooling.pool_spreads(columns)
    after = {c.id: c.metrics["x.ratio"] for c in columns}
    lo, hi = after["3.13.5t-gil"].interval
    assert lo < before["3.13.5t-gil"].interval[0] and hi > before["3.13.5t-gil"].interval[1]
    assert "2 columns" in after["3.13.5t-gil"].method
    for gil_build in ("3.12.1", "3.13.5"):  # the free-threaded build's spread does not reach them
        assert after[gil_build].interval == pytest.approx(before[gil_build].interval)


def test_a_calm_column_is_widened_to_the_runs_pooled_spread_never_narrowed():
    from bench.judge import pooling

    calm = [1.0, 1.001, 0.999, 1.0005, 0.9995, 1.0]  # six rounds that happened to agree
    noisy = [[0.9, 1.1, 1.0, 0.95, 1.05, 1.02], [1.1, 0.92, 1.0, 1.04, 0.97, 1.01]]
    columns = [_column("calm", calm)] + [_column("noisy%d" % i, r) for i, r in enumerate(noisy)]
    before = {c.id: c.metrics["x.ratio"] for c in columns}
    pooling.pool_spreads(columns)
    after = {c.id: c.metrics["x.ratio"] for c in columns}
    sd = math.sqrt(sum(5 * before[c].log_sd ** 2 for c in before) / 15)
    lo, hi = after["calm"].interval
    assert after["calm"].value == before["calm"].value
    assert math.log(hi / lo) / 2 == pytest.approx(stats.t_quantile(15) * sd / math.sqrt(6))
    assert "pooled spread" in after["calm"].method and "3 columns, df 15" in after["calm"].method
    again = list(after.values())
    pooling.pool_spreads(columns)  # idempotent: widening a widened interval changes nothing
    assert [c.metrics["x.ratio"] for c in columns] == again
    assert all(c.metrics["x.ratio"].method.count("widened") <= 1 for c in columns)
    for c in before:  # no interval gets narrower; a noisy column keeps its own where it is wider
        assert after[c].interval[0] <= before[c].interval[0] and after[c].interval[1] >= before[c].interval[1]
    wider_own = max(before, key=lambda c: before[c].log_sd)
    assert after[wider_own] == before[wider_own]


def test_pooling_needs_two_columns_of_one_machine():
    from bench.judge import pooling

    alone = [_column("a", [1.0, 1.001, 0.999]), _column("b", [0.8, 1.2, 1.0], machine="m2"),
             _column("c", [0.7, 1.3, 1.0], host="other vm of the same type")]
    before = [c.metrics["x.ratio"] for c in alone]
    pooling.pool_spreads(alone)
    assert [c.metrics["x.ratio"] for c in alone] == before
    assert [c.metrics["x.ratio"].method for c in alone] == ["paired t on log ratios"] * 3


def _share_column(ident, gains, machine_gains):
    from bench.judge.load import InterpreterResult

    return InterpreterResult(ident, ident, {"machine_fingerprint": "m1", "host": "vm"},
                             metrics={"x.share": shares.paired_share(gains, machine_gains)})


def test_a_calm_share_is_widened_to_fieller_at_the_pooled_moments_never_narrowed():
    # The newcomer's cell: threads gained nothing in six calm rounds, 0 [0, 0.0091%], beside a
    # speedup whose interval, widened, reached x1.01.  The other columns' gains spread more.
    from bench.judge import pooling

    calm = _share_column("calm", [-0.001, 0.0005, -0.0008, 0.0002, -0.0004, 0.0001], [0.80, 0.81, 0.79, 0.80, 0.80, 0.81])
    noisy = [_share_column("n%d" % i, [-0.1, 0.05, -0.03, 0.02, -0.06, 0.04][i:] + [-0.1, 0.05][:i],
                           [0.7, 0.9, 0.8, 0.85, 0.75, 0.8]) for i in range(2)]
    columns = [calm] + noisy
    before = {c.id: c.metrics["x.share"] for c in columns}
    pooling.pool_spreads(columns)
    after = {c.id: c.metrics["x.share"] for c in columns}
    assert before["calm"].interval[0] == 0.0 and before["calm"].interval[1] < 0.01  # clipped, and narrow
    assert after["calm"].value == before["calm"].value and after["calm"].interval[1] > 0.05
    assert "pooled spread" in after["calm"].method and "3 columns, df 15" in after["calm"].method
    moments, df = shares.pooled_moments(list(before.values()))
    own = before["calm"].gain_moments
    lo, hi = shares._fieller(own[:2] + tuple(p * k for p, k in zip(moments, shares._scale(own))), 6, df)
    assert after["calm"].interval[1] == pytest.approx(min(1.0, hi))
    for c in before:  # never narrower, always inside [0, 1]
        assert after[c].interval[0] <= before[c].interval[0] and after[c].interval[1] >= before[c].interval[1]
        assert 0.0 <= after[c].interval[0] <= after[c].interval[1] <= 1.0
    again = [c.metrics["x.share"] for c in columns]
    pooling.pool_spreads(columns)  # idempotent
    assert [c.metrics["x.share"] for c in columns] == again


def test_a_share_wholly_below_0_stays_unclipped_and_an_unbounded_pool_is_idempotent():
    # The second statistician's: threads slower than one worker, [-0.08, -0.01], a real result; a
    # pooled interval reaching past 0 must not clip it into a certain-looking [0, x].
    from bench.judge import pooling

    below = _share_column("below", [-0.045, -0.046, -0.044, -0.0455, -0.0445, -0.045], [0.8, 0.81, 0.79, 0.8, 0.8, 0.81])
    noisy = [_share_column("n%d" % i, [-0.1, 0.05, -0.03, 0.02, -0.06, 0.04], [0.7, 0.9, 0.8, 0.85, 0.75, 0.8])
             for i in range(2)]
    own = below.metrics["x.share"]
    assert own.interval[1] < 0 and "not clipped" in own.method
    pooling.pool_spreads([below] + noisy)
    widened = below.metrics["x.share"]
    assert widened.value == own.value < 0 and widened.interval[0] <= own.interval[0] and widened.interval[1] >= own.interval[1]
    # A busy column of the kind whose machine gain is within noise of 0: the pooled set is unbounded.
    calm = _share_column("calm", [0.01, 0.011, 0.009, 0.0105, 0.0095, 0.01], [0.8, 0.81, 0.79, 0.8, 0.8, 0.81])
    busy = _share_column("busy", [0.1, -0.2, 0.3, -0.1, 0.2, 0.0], [1.5, -1.2, 1.8, -1.0, 0.9, -1.4])
    pooling.pool_spreads([calm, busy])
    first = calm.metrics["x.share"]
    assert first.interval == (-math.inf, math.inf) and "unbounded" in first.method
    pooling.pool_spreads([calm, busy])
    assert calm.metrics["x.share"] == first


def test_only_ratios_of_pairs_are_pooled():
    unpaired = stats.unpaired_ratio([1.0, 1.1, 0.9], [1.0, 1.0, 1.01])
    assert unpaired.log_sd is None and stats.with_spread(unpaired, 1.0, 10, "x") == unpaired
    equal = stats.paired_ratio([2.0, 2.0, 2.0], [1.0, 1.0, 1.0])  # no spread: no interval, nothing to widen
    assert equal.log_sd is None and stats.with_spread(equal, 1.0, 10, "x") == equal
    demo = stats.ratio_of_pairs([1.0, 1.1, 0.9])  # a demo's back-to-back pairs: not the machine's rounds
    assert demo.log_sd is None


def test_rounds_run_on_until_an_event_are_not_tested_for_agreement():
    # Two races in the 20th round of 75 trials, the 19 before with none: the exact test would call
    # that a disagreement (p about 0.05) although the stop put the races there.
    from bench.judge.rounds import count_by_round

    events, trials = [0] * 19 + [2], [75] * 20
    tested = count_by_round(events, trials)
    stopped = count_by_round(events, trials, until_seen=16)
    assert "widened" in tested.method
    assert "widened" not in stopped.method and "run on until one had an event" in stopped.method
    assert stopped.interval == stats.count(2, 1500).interval and stopped.events == 2
