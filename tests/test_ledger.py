"""The ledger and the evaluator: structure, coverage of CLAIMS.md, and every verdict on
synthetic inputs (synthetic inputs live here, never in the product)."""
import importlib
import os
import re

import pytest

from bench import ledger
from bench.judge import evaluate
from bench.judge.evaluate import Measured
from bench.ledger.vocabulary import Check, Claim

# A copy of the shared catalogue, kept in the repo so a fresh clone checks against it.
_CLAIMS_MD = os.path.join(os.path.dirname(__file__), "..", "docs", "CLAIMS.md")


def test_ids_are_unique():
    ids = [c.id for c in ledger.CLAIMS]
    assert len(ids) == len(set(ids))


def test_every_claim_is_well_formed():
    for c in ledger.CLAIMS:
        assert c.chapter in ledger.CHAPTERS, c.id
        assert c.id.split(".")[0] == c.chapter, c.id
        assert c.claim and c.phrase and c.checks, c.id
        for check in c.checks:
            evaluate._parse(check.prediction)  # raises on a prediction outside the vocabulary
            evaluate.condition_holds(check.when, {"version": "3.12.0", "gil_enabled": True})
        evaluate.condition_holds(c.applies, {"version": "3.12.0", "gil_enabled": True, "pymalloc": True})


def test_every_id_of_claims_md_is_in_the_ledger():
    with open(_CLAIMS_MD, encoding="utf-8") as f:
        md_ids = set(re.findall(r"^\| ([a-z]+\.[a-z0-9.-]+) \|", f.read(), re.M))
    assert md_ids, "no ids parsed from CLAIMS.md"
    assert md_ids <= {c.id for c in ledger.CLAIMS}


def _built_claims():
    return [c for c in ledger.CLAIMS if c.scope == "interpreter"
            and all(ledger.producer(m) is not None for m in c.metrics())]


def test_gil_chapter_is_built():
    built = {c.id for c in _built_claims()}
    gil = {c.id for c in ledger.CLAIMS if c.chapter == "gil" and c.scope == "interpreter"}
    assert gil - built == {"gil.io-threads-faster"}  # its workload comes with the I/O chapter


def test_every_derived_metric_a_claim_needs_is_declared():
    derived = {m for w in ledger.WORKLOADS for m, _ in w.derived}
    for c in _built_claims():
        for metric in c.metrics() + c.context:
            w = ledger.producer(metric)
            assert w is not None, metric
            if w.demo is None:
                assert metric in derived, "%s: %s is neither observed nor derived" % (c.id, metric)


_TINY = {
    "demos.race": dict(trials=2, n=1000, big_n=2000, big_trials=1, small_trials=1, fix_trials=1),
    "demos.switching": dict(duration=0.05),
    "demos.countdown": dict(n=20000),
}


@pytest.mark.parametrize("module", sorted({w.demo for w in ledger.WORKLOADS if w.demo}))
def test_observed_metrics_are_really_produced(module):
    """Run each observing demo (tiny parameters) and check it yields every key the ledger reads."""
    observed = importlib.import_module(module).observe(**_TINY.get(module, {}))
    derived = {m for w in ledger.WORKLOADS for m, _ in w.derived}
    for c in _built_claims():
        for metric in c.metrics() + c.context:
            if ledger.producer(metric).demo == module and metric not in derived:
                assert metric in observed, "%s needs %s from %s" % (c.id, metric, module)


def test_derived_benchmark_names_exist_in_scripts():
    bench_dir = os.path.join(os.path.dirname(ledger.__file__), os.pardir, "harness", "benchmarks")
    for w in ledger.WORKLOADS:
        if not w.derived:
            continue
        with open(os.path.join(bench_dir, w.script)) as f:
            source = f.read()
        for _, spec in w.derived:
            for name in spec[1:]:
                family = name.split("[")[0]
                assert family in source, "%s not in %s" % (name, w.script)


# --- the evaluator, on synthetic inputs --------------------------------------------------

_FACTS = {"version": "3.12.1", "gil_enabled": True, "pymalloc": True}


def _claim(*checks, applies=""):
    return Claim("t.x", "gil", "s", "c", "p", tuple(Check(*c) for c in checks), applies=applies)


@pytest.mark.parametrize("prediction,measured,expected", [
    ("above(1.0)", Measured(1.8, 0.05), "holds"),
    ("above(1.0)", Measured(0.7, 0.05), "contradicted"),
    ("above(1.0)", Measured(1.03, 0.05), "within-noise"),
    ("below(1.25)", Measured(1.0, 0.01), "holds"),
    ("below(1.25)", Measured(1.9, 0.01), "contradicted"),
    ("equals(0)", Measured(0), "holds"),
    ("equals(0)", Measured(3), "contradicted"),
    ("equals(0.005)", Measured(0.005), "holds"),
    ("between(1.5,2.5)", Measured(2.0, 0.1), "holds"),
    ("between(1.5,2.5)", Measured(1.1, 0.1), "contradicted"),
    ("between(1.5,2.5)", Measured(1.5, 0.1), "within-noise"),
    ("above(0)", Measured(0), "contradicted"),
])
def test_judge(prediction, measured, expected):
    assert evaluate.judge(prediction, measured) == expected


def test_every_verdict_of_the_vocabulary():
    seen = {
        evaluate.evaluate(_claim(("a", "above(1)")), {"a": Measured(2)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)")), {"a": Measured(0.5)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)"), ("b", "equals(0)")), {"a": Measured(2), "b": Measured(1)},
                          _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)")), {"a": Measured(1.01, 0.1)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)"), applies="gil-off"), {"a": Measured(2)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)")), {}, _FACTS).verdict,
    }
    assert seen == set(evaluate.VERDICTS)


def test_a_clear_contradiction_is_not_hidden_by_noise():
    claim = _claim(("a", "above(1.0)"), ("a", "above(1.5)"))
    assert evaluate.evaluate(claim, {"a": Measured(0.95, 0.2)}, _FACTS).verdict == "contradicted"
    assert evaluate.evaluate(claim, {"a": Measured(1.2, 0.05)}, _FACTS).verdict == "partly"


def test_version_conditions_select_checks():
    claim = _claim(("a", "above(0)", "version<3.10"), ("a", "equals(0)", "version>=3.10"))
    assert evaluate.evaluate(claim, {"a": Measured(0)}, dict(_FACTS, version="3.12.1")).verdict == "holds"
    assert evaluate.evaluate(claim, {"a": Measured(0)}, dict(_FACTS, version="3.9.18")).verdict == "contradicted"


def test_not_measured_names_what_is_missing():
    v = evaluate.evaluate(_claim(("a.b", "above(1)")), {}, _FACTS)
    assert v.verdict == "not-measured" and "a.b" in v.why


def test_unknown_prediction_is_refused():
    with pytest.raises(ValueError):
        evaluate.judge("roughly(2)", Measured(2))
