"""The ledger's typed words: predictions, conditions and verdicts, and the ledger refusing a
malformed entry (in one line naming the claim) when it is imported, down to `gilbench list`."""
import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench import ledger
from bench.judge import evaluate, stats
from bench.judge.cross import _cross_metrics
from bench.judge.load import load
from bench.ledger.predictions import Condition, Conditions, LedgerError, Prediction
from bench.ledger import vocabulary
from bench.ledger.vocabulary import (Check, Claim, CrossRatio, Verdict, Workload, same_binary_ratio,
                                     twin_ratio)

_ROOT = Path(__file__).resolve().parent.parent
_FACTS = {"version": "3.12.1", "gil_enabled": True, "pymalloc": True, "cpus_usable": 4}


def _claim(*checks, claim_id="t.broken", applies="", scope="interpreter"):
    return Claim(claim_id, "gil", "s", "c", "p", tuple(Check(*c) for c in checks), applies=applies, scope=scope)


def _refusal(make):
    with pytest.raises(LedgerError) as caught:
        make()
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- malformed entries are refused, naming the claim ------------------------------------

def test_a_misspelt_prediction_names_the_claim_and_the_known_words():
    message = _refusal(lambda: _claim(("race.note.races", "nevr(0.01)"), claim_id="gil.x"))
    assert message == ("ledger: claim gil.x: unknown prediction 'nevr(0.01)' "
                       "(known: above, below, between, equals, never, removed, sometimes)")


@pytest.mark.parametrize("text", ["above(1,2)", "between(1.5)", "equals()", "equals(1,2,3)", "never(0.01,0.05)"])
def test_a_wrong_number_of_bounds_is_refused(text):
    message = _refusal(lambda: _claim(("race.note.races", text)))
    assert message.startswith("ledger: claim t.broken: prediction %r takes " % text)


def test_a_bound_that_is_no_number_is_refused():
    assert "'x' is not a number" in _refusal(lambda: _claim(("a", "above(x)")))
    assert "not a finite number" in _refusal(lambda: _claim(("a", "above(inf)")))


@pytest.mark.parametrize("where", ["when", "applies", "given"])
def test_an_unknown_condition_is_refused(where):
    if where == "when":
        make = lambda: _claim(("a", "above(1)", "version>=3.1O"))  # noqa: E731 (a letter O)
    elif where == "applies":
        make = lambda: _claim(("a", "above(1)"), applies="gil-on multi-core")  # noqa: E731
    else:
        make = lambda: Claim("t.broken", "gil", "s", "c", "p", (Check("a", "above(1)"),),  # noqa: E731
                             given=(Check("b", "above(0)", "gil-of"),))
    message = _refusal(make)
    assert message.startswith("ledger: claim t.broken: unknown condition ")
    assert "(known: version>=X.Y, version<X.Y, gil-on, gil-off, multicore, pymalloc, parallel)" in message


def test_a_metric_nobody_produces_is_refused():
    unknown = _claim(("nobody.makes.this", "above(1)"))
    assert _refusal(lambda: ledger.check_metrics([unknown])) == (
        "ledger: claim t.broken: metric 'nobody.makes.this' is produced by no workload "
        "(none observes or derives it)")
    # Only the metrics a workload lists exist: its prefix alone makes nothing.
    underived = _claim(("release.sha256.speedup3", "above(1.5)"))
    assert "'release.sha256.speedup3' is produced by no workload" in _refusal(lambda: ledger.check_metrics([underived]))
    unlisted = _claim(("race.anything.the_demo_observes", "equals(1)"))
    assert "'race.anything.the_demo_observes'" in _refusal(lambda: ledger.check_metrics([unlisted]))
    # Context (shown, not judged) counts too, and claims across columns name only the declared metrics.
    shown = dataclasses.replace(_claim(("race.note.races", "never(0.01)")), context=("fib.nothing",))
    assert "'fib.nothing'" in _refusal(lambda: ledger.check_metrics([shown]))
    cross = _claim(("fib.seconds", "below(1.05)"), scope="cross")
    assert "made by no comparison of columns" in _refusal(lambda: ledger.check_metrics([cross]))
    # and a claim judged on one column may not name a metric made across columns
    one_column = _claim(("fib.gil_on_over_off", "below(1.05)"))
    assert _refusal(lambda: ledger.check_metrics([one_column])) == (
        "ledger: claim t.broken: metric 'fib.gil_on_over_off' is made by comparing columns: only a claim of "
        "scope \"cross\" may name it")


def test_metrics_that_something_produces_pass():
    ledger.check_metrics(ledger.CLAIMS)  # what the import did
    observed = _claim(("race.note.share_nonzero", "equals(1)"))
    derived = _claim(("release.sha256.speedup2", "above(1.5)"))
    twin = _claim(("fib.gil_on_over_off", "below(1.05)"), scope="cross")
    ledger.check_metrics([observed, derived, twin])
    mine = Workload("mine", "gil", "mine.", script="bm_mine.py", derived=(("mine.ratio", ("ratio", "a", "b")),))
    with pytest.raises(LedgerError):
        ledger.check_metrics([observed], workloads=(mine,))


# `gilbench list`, and the command the matrix starts inside each measured interpreter.
@pytest.mark.parametrize("command", [("bench", "list"), ("bench.harness", "--fast", "--out", "out")])
def test_a_broken_ledger_fails_in_one_line(tmp_path, command):
    for package in ("bench", "demos", "services"):
        shutil.copytree(str(_ROOT / package), str(tmp_path / package), ignore=shutil.ignore_patterns("__pycache__"))
    gil = tmp_path / "bench" / "ledger" / "gil.py"
    text = gil.read_text(encoding="utf-8")
    right = 'Check("race.note.races", "never(%s)" % NOTE_RATE, "version>=" + NOTE_SCOPE)'
    assert text.count(right) == 1
    gil.write_text(text.replace(right, right.replace('"never(', '"nevr(')), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m"] + list(command), cwd=str(tmp_path), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "gilbench: error: ledger: claim gil.race-gone-3.10: unknown prediction 'nevr(0.01)' "
        "(known: above, below, between, equals, never, removed, sometimes)"]


# --- the typed words --------------------------------------------------------------------

def _every_check():
    return [check for c in ledger.CLAIMS for check in c.given + c.checks + c.unless]


def test_every_prediction_of_the_ledger_round_trips():
    for check in _every_check():
        p = check.prediction
        assert isinstance(p, Prediction)
        assert Prediction.parse(str(p)) == p and str(Prediction(p.kind, p.bounds)) == str(p)
        assert Prediction.parse(str(p)).bounds == p.bounds
    for conditions in [check.when for check in _every_check()] + [c.applies for c in ledger.CLAIMS]:
        assert isinstance(conditions, Conditions)
        assert str(Conditions.parse(str(conditions))) == str(conditions)
        assert str(Conditions(conditions.words)) == str(conditions)


def test_predictions_keep_their_text_and_parts():
    p = Prediction.parse("between(1.5,2.5)")
    assert (p.kind, p.bounds, str(p)) == ("between", (1.5, 2.5), "between(1.5,2.5)")
    assert str(Prediction("equals", (1,))) == "equals(1)" and str(Prediction("above", (1.0,))) == "above(1.0)"
    assert Prediction.parse("never(0.01)").is_count and not p.is_count
    with pytest.raises(AttributeError):
        p.kind = "above"
    c = Conditions.parse("version>=3.10 gil-on")
    assert [w.word for w in c.words] == ["version>=", "gil-on"] and c.words[0].version == (3, 10)
    assert c.has("gil-on") and not c.has("multicore") and not Conditions.parse("")
    assert Condition("version<", (3, 13)) == "version<3.13"


def test_a_typed_claim_serialises_as_its_text():
    # The ledger's fingerprint hashes each claim as JSON: typed words must serialise as the text
    # they were written as, or every recorded run would stop merging.
    claim = ledger.get("gil.race-gone-3.10")
    data = json.loads(json.dumps(dataclasses.asdict(claim)))
    assert data["checks"][1]["prediction"] == "never(0.01)" and data["checks"][1]["when"] == "version>=3.10"
    assert data["applies"] == ""


def test_the_verdict_words_are_todays():
    assert [v.value for v in Verdict] == ["holds", "contradicted", "partly", "within-noise", "inconclusive",
                                          "n/a", "not-measured"]
    assert tuple(Verdict) == evaluate.VERDICTS
    assert json.dumps([Verdict.NA, {"v": Verdict.HOLDS}]) == '["n/a", {"v": "holds"}]'
    assert "%s|%s|{}".format(Verdict.PARTLY) % (Verdict.NOT_MEASURED, Verdict.WITHIN_NOISE) \
        == "not-measured|within-noise|partly"
    assert Verdict("n/a") is Verdict.NA and Verdict.NA == "n/a"
    assert [v for v in Verdict if v.decisive] == [Verdict.HOLDS, Verdict.CONTRADICTED, Verdict.PARTLY]
    assert all(v.mark and v.html_mark and v.css and v.legend and v.format2_legend for v in Verdict)


def test_the_cross_metric_names_are_generated_from_the_specs():
    # The ledger writes no cross metric's name: each comes from its CrossRatio and the prefix of the
    # workload that times its benchmark.
    assert ledger.CROSS_METRICS == ("fib.free_threaded_over_gil", "fib.gil_on_over_off")
    assert list(ledger.CROSS.values()) == list(ledger.gil.CROSS)
    assert [spec.metric(ledger.workload("fib").prefix) for spec in ledger.gil.CROSS] == list(ledger.CROSS_METRICS)
    assert twin_ratio("b[x=1]", over="gil", key="x1").metric("p.") == "p.x1.gil_over_free_threaded"
    assert same_binary_ratio("b[x=1]").metric("p.") == "p.gil_on_over_off"
    assert same_binary_ratio("b", over="gil_off").under == "gil_on" and twin_ratio("b").under == "gil"
    assert ledger.name_cross([twin_ratio("gil_release[work=python,threads=2]")]) == {
        "release.free_threaded_over_gil": twin_ratio("gil_release[work=python,threads=2]")}


@pytest.mark.parametrize("make,needle", [
    (lambda: twin_ratio("fib[n=30]", over="gil_on"), "a twin ratio is over free_threaded or gil, not 'gil_on'"),
    (lambda: CrossRatio("fib[n=30]", "siblings", "gil"), "unknown pairing 'siblings' of columns (known: twin, "
                                                         "same_binary)"),
    (lambda: ledger.name_cross([twin_ratio("nobody[n=1]")]), "cross ratio of 'nobody[n=1]': no workload times"),
    (lambda: ledger.name_cross([twin_ratio("fib[n=30]"), twin_ratio("fib[n=30]")]),
     "two cross ratios are named 'fib.free_threaded_over_gil' (give one a key)"),
], ids=["side", "pairing", "benchmark", "same-name"])
def test_a_malformed_cross_ratio_is_refused_in_one_line(make, needle):
    assert needle in _refusal(make)


def test_the_judge_names_no_cross_benchmark_or_metric():
    # What is compared lives in the ledger only: bench/judge computes whatever it declares.
    judge = "\n".join(p.read_text(encoding="utf-8") for p in (_ROOT / "bench" / "judge").glob("*.py"))
    for name, spec in ledger.CROSS.items():
        assert name not in judge and spec.benchmark not in judge


def test_the_cross_metrics_are_the_declared_ones():
    results = load(str(_ROOT / "tests" / "fixtures" / "matrix-gil"))
    # The fixture was recorded when the fib grid was fib(25); its timings stand in for today's fib(30).
    fib = ledger.workload("fib").grid.names()[0]
    for result in results:
        if "fib[n=25]" in result.run_means:
            result.run_means[fib] = result.run_means.pop("fib[n=25]")
    made = set()
    for result in results:
        made |= set(_cross_metrics(result, results)[0])
    assert made and made <= set(ledger.CROSS_METRICS)
    cross = {m for c in ledger.CLAIMS if c.scope == "cross" for m in c.metrics()}
    assert cross <= set(ledger.CROSS_METRICS)


# --- the gates run in order --------------------------------------------------------------

def test_the_first_gate_that_settles_a_claim_gives_its_verdict():
    claim = Claim("t.x", "gil", "s", "c", "p", (Check("a", "below(0.5)"),), applies="gil-off parallel",
                  given=(Check("b", "above(1)"),))
    busy = dict(_FACTS, machine_parallelism=stats.paired_ratio([1.0] * 5, [0.9, 0.95, 0.92, 0.9, 0.93]))
    # Not applicable comes before not measured, not measured before the machine, the machine
    # before the preconditions, a failed precondition before the checks.
    assert evaluate.evaluate(claim, {}, busy).verdict == Verdict.NA
    on = dict(busy, gil_enabled=False)
    assert evaluate.evaluate(claim, {}, on).verdict == Verdict.NOT_MEASURED
    measured = {"a": stats.Measured(0.1), "b": stats.Measured(0.0)}
    assert "busy machine" in evaluate.evaluate(claim, measured, on).why
    quiet = dict(on, machine_parallelism=stats.paired_ratio([1.0] * 5, [0.52, 0.51, 0.53, 0.5, 0.52]))
    assert evaluate.evaluate(claim, measured, quiet).verdict == Verdict.INCONCLUSIVE
    assert evaluate.evaluate(claim, dict(measured, b=stats.Measured(2.0)), quiet).verdict == Verdict.HOLDS
    nan = evaluate.evaluate(claim, dict(measured, a=stats.Measured(float("nan")), b=stats.Measured(2.0)), quiet)
    assert nan.verdict == Verdict.NOT_MEASURED and "bad value" in nan.why


# --- grids: benchmark names declared once ------------------------------------------------

def test_bench_name_is_bare_values_then_keyed_ones():
    assert vocabulary.bench_name("gc_pause", "full", containers=200000) == "gc_pause[full,containers=200000]"
    assert vocabulary.bench_name("countdown", **{"worker-threads": 1}) == "countdown[worker-threads=1]"
    assert vocabulary.bench_name("alloc_free", "object") == "alloc_free[object]"


def test_a_grid_is_its_blocks_products_in_order():
    g = vocabulary.grid("w", {"task": ("a", "b"), "threads": (1, 2)}, {"processes": (2,)}, bare=("task",))
    assert g.names() == ("w[a,threads=1]", "w[a,threads=2]", "w[b,threads=1]", "w[b,threads=2]", "w[processes=2]")
    assert g.points()[1] == {"task": "a", "threads": 2}
    assert g.benchmark("b", threads=1) == "w[b,threads=1]"


def test_a_derived_metric_cannot_name_a_benchmark_outside_its_grid():
    g = vocabulary.grid("w", {"threads": (1, 2)})
    with pytest.raises(vocabulary.LedgerError, match=r"w\[threads=3\] is no benchmark of the w grid"):
        g.benchmark(threads=3)


def test_a_subset_selects_benchmarks_of_its_grid_only():
    g = vocabulary.grid("w", {"threads": (1, 2, 4)}, subsets={"fast": ("w[threads=1]", "w[threads=4]")})
    assert g.names("fast") == ("w[threads=1]", "w[threads=4]") and g.names("full") == g.names()
    with pytest.raises(vocabulary.LedgerError, match="w\\[threads=8\\]"):
        vocabulary.grid("w", {"threads": (1,)}, subsets={"fast": ("w[threads=8]",)})


def test_every_benchmark_a_ledger_metric_reads_is_in_its_workloads_grid():
    for w in ledger.WORKLOADS:
        for metric, spec in w.derived:
            if spec[0] in ledger.TIMING_KINDS:
                assert set(spec[1:]) <= set(w.grid.names()), (w.name, metric)
        if w.script:
            assert w.grid is not None and w.grid.names(), w.name


def test_more_rounds_must_name_benchmarks_of_the_grid_and_keep_the_orders_balanced():
    from bench.ledger.vocabulary import LedgerError, MoreRounds, Workload, grid

    made = grid("w", {"threads": (1, 2)})

    def workload(more):
        return Workload("w", "gil", "w.", script="bm_w.py", grid=made, more_rounds=more)

    assert workload(MoreRounds({"fast": 16}, ("w[threads=1]",))).more_rounds.rounds == {"fast": 16}
    for more, says in ((MoreRounds({"fast": 16}, ()), "names no benchmark"),
                       (MoreRounds({"fast": 16}, ("w[threads=9]",)), "w\\[threads=9\\], no benchmark of its grid"),
                       (MoreRounds({"fast": 15}, ("w[threads=1]",)), "more_rounds in fast is odd")):
        with pytest.raises(LedgerError, match=says):
            workload(more)
