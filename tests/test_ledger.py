"""The ledger and the evaluator: structure, coverage of CLAIMS.md, and every verdict on
synthetic inputs (synthetic inputs live here, never in the product)."""
import importlib
import os
import re

import pytest

from bench import ledger
from bench.ledger.derived import observed_keys
from bench.judge import evaluate
from bench.judge import stats
from bench.judge.stats import Measured
from bench.ledger.predictions import Conditions, LedgerError, Prediction
from bench.ledger.vocabulary import Check, Claim
from demos._mallocstats import allocator_in_use

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
            assert isinstance(check.prediction, Prediction) and isinstance(check.when, Conditions), c.id
            evaluate.condition_holds(check.when, {"version": "3.12.0", "gil_enabled": True})
        evaluate.condition_holds(c.applies, {"version": "3.12.0", "gil_enabled": True, "pymalloc": True})


@pytest.mark.parametrize("role", ["given", "checks", "unless"])
def test_every_check_of_every_role_is_validated(role):
    """Preconditions (given) and reasons for n/a (unless) are judged like checks: the same words,
    conditions and producers, so a misspelt one cannot wait silently for the day it is needed."""
    seen = 0
    for c in ledger.CLAIMS:
        for check in getattr(c, role):
            seen += 1
            # typed when the ledger was imported: a prediction outside the vocabulary fails there
            assert isinstance(check.prediction, Prediction) and isinstance(check.when, Conditions), c.id
            evaluate.condition_holds(check.when, {"version": "3.12.0", "gil_enabled": True})
            assert ledger.producer(check.metric) is not None, "%s: no workload produces %s" % (c.id, check.metric)
    assert seen, "no claim has %s checks: the test would pass on nothing" % role


def test_claims_md_and_the_ledger_hold_the_same_ids():
    with open(_CLAIMS_MD, encoding="utf-8") as f:
        md_ids = re.findall(r"^\| ([a-z]+\.[a-z0-9.-]+) \|", f.read(), re.M)
    assert md_ids, "no ids parsed from CLAIMS.md"
    assert len(md_ids) == len(set(md_ids)), "an id appears twice in CLAIMS.md"
    ledger_ids = {c.id for c in ledger.CLAIMS}
    assert set(md_ids) == ledger_ids, "only in CLAIMS.md: %s; only in the ledger: %s" % (
        sorted(set(md_ids) - ledger_ids), sorted(ledger_ids - set(md_ids)))


def _built_claims():
    return [c for c in ledger.CLAIMS if c.scope == "interpreter"
            and all(ledger.producer(m) is not None for m in c.metrics())]


def test_gil_chapter_is_built():
    built = {c.id for c in _built_claims()}
    gil = {c.id for c in ledger.CLAIMS if c.chapter == "gil" and c.scope == "interpreter"}
    assert gil - built == set()  # gil.io-threads-faster is measured by the I/O chapter


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
    "demos.pymalloc": dict(n=20000, k_big=10000, churn_arenas=4, sizes=[1, 17, 24, 25, 33, 41, 512, 513]),
    "demos.boxing": dict(n=2000),
    "demos.gc_pause": dict(trials=2, containers=20000),
    "demos.mp_start": dict(latency_trials=1),
    "demos.mp_ipc": dict(per_thread=20, trips=2),
    "demos.mp_shared": dict(ops=10),
    "demos.mp_pool": dict(timeout=0.1, task_s=30.0, n=2000, reps=2, order_trials=3),
    "demos.zombie": dict(join_trials=1, delay_s=0.3),
    "demos.mp_sync": dict(event_trials=2, sections=3),
}


def test_tiny_parameters_name_observing_demos():
    assert set(_TINY) <= {w.demo for w in ledger.WORKLOADS if w.demo}


@pytest.mark.parametrize("module", sorted({w.demo for w in ledger.WORKLOADS if w.demo}))
def test_observed_metrics_are_really_produced(module):
    """Run each observing demo (tiny parameters) and check it yields every key the ledger reads."""
    observed = importlib.import_module(module).observe(**_TINY.get(module, {}))
    derived = {m for w in ledger.WORKLOADS for m, _ in w.derived}
    for c in _built_claims():
        if "pymalloc" in c.applies.split() and allocator_in_use() != "pymalloc":
            continue  # n/a here (a free-threaded build allocates with mimalloc): nothing to observe
        # An optional check's metric is observed only where it exists (gen 1 on a collector with generations).
        # So is the context of such a claim (the count at gen 1's trigger): shown where measured.
        optional = {check.metric for check in c.checks if check.optional}
        if optional:
            optional |= set(c.context)
        for metric in c.metrics() + c.context:
            if metric in optional:
                continue
            if ledger.producer(metric).demo == module and metric not in derived:
                assert metric in observed, "%s needs %s from %s" % (c.id, metric, module)
    # Metrics made from observations (counts, samples) read keys the demo must really write (the
    # pymalloc demo's only where pymalloc serves the process: elsewhere it observes none).
    for w in ledger.WORKLOADS:
        if w.demo != module or (module == "demos.pymalloc" and allocator_in_use() != "pymalloc"):
            continue
        for metric, spec in w.derived:
            for key in observed_keys(spec):
                assert key in observed, "%s is made from %s, which %s does not observe" % (metric, key, module)
    # Every key it returns is listed with its workload: producer() finds a metric by that list.
    (workload,) = [w for w in ledger.WORKLOADS if w.demo == module]
    unlisted = set(observed) - set(workload.observes)
    assert not unlisted, "%s observes keys its workload %s does not list: %s" % (module, workload.name, sorted(unlisted))


def test_producer_is_the_workload_that_lists_the_metric():
    for w in ledger.WORKLOADS:
        for metric in w.metrics():
            assert ledger.producer(metric) is w, metric
    assert ledger.producer("race.no_such_key") is None  # a prefix alone produces nothing
    for metric in ledger.CROSS_METRICS:
        assert ledger.producer(metric) is not None, metric


def test_a_metric_no_workload_lists_fails_the_ledger():
    claim = Claim("gil.typo", "gil", "GIL", "c", "p", (Check("race.note.racez", "never(0.01)"),))
    with pytest.raises(LedgerError, match="race.note.racez"):
        ledger.check_metrics([claim])


# --- the evaluator, on synthetic inputs --------------------------------------------------

_FACTS = {"version": "3.12.1", "gil_enabled": True, "pymalloc": True}


def _claim(*checks, applies=""):
    return Claim("t.x", "gil", "s", "c", "p", tuple(Check(*c) for c in checks), applies=applies)


def _m(value, half=None, n=8):
    """A timing-like value with a 95% interval of +- half (None: an exact fact)."""
    return Measured(value) if half is None else Measured(value, (value - half, value + half), n, method="test")


@pytest.mark.parametrize("prediction,measured,expected", [
    ("above(1.0)", _m(1.8, 0.1), "holds"),
    ("above(1.0)", _m(0.7, 0.1), "contradicted"),
    ("above(1.0)", _m(1.03, 0.1), "within-noise"),
    ("below(1.25)", _m(1.0, 0.02), "holds"),
    ("below(1.25)", _m(1.9, 0.02), "contradicted"),
    ("equals(0)", _m(0), "holds"),
    ("equals(0)", _m(3), "contradicted"),
    ("equals(0.005)", _m(0.005), "holds"),
    # a measured value can equal something only within a stated tolerance
    ("equals(1)", _m(1.0, 0.01), "within-noise"),
    ("equals(1,0.05)", _m(1.0, 0.01), "holds"),
    ("equals(1,0.05)", _m(1.2, 0.01), "contradicted"),
    ("between(1.5,2.5)", _m(2.0, 0.2), "holds"),
    ("between(1.5,2.5)", _m(1.1, 0.2), "contradicted"),
    ("between(1.5,2.5)", _m(1.5, 0.2), "within-noise"),
    ("above(0)", _m(0), "contradicted"),
])
def test_judge(prediction, measured, expected):
    assert evaluate.judge(Prediction.parse(prediction), measured) == expected


def test_every_verdict_of_the_vocabulary():
    seen = {
        evaluate.evaluate(_claim(("a", "above(1)")), {"a": _m(2)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)")), {"a": _m(0.5)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)"), ("b", "equals(0)")), {"a": _m(2), "b": _m(1)},
                          _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)")), {"a": _m(1.01, 0.2)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "never(0.01)")), {"a": stats.count(0, 40)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)"), applies="gil-off"), {"a": _m(2)}, _FACTS).verdict,
        evaluate.evaluate(_claim(("a", "above(1)")), {}, _FACTS).verdict,
    }
    assert seen == set(evaluate.VERDICTS)


def test_a_clear_contradiction_is_not_hidden_by_noise():
    claim = _claim(("a", "above(1.0)"), ("a", "above(1.5)"))
    assert evaluate.evaluate(claim, {"a": _m(0.95, 0.3)}, _FACTS).verdict == "contradicted"
    assert evaluate.evaluate(claim, {"a": _m(1.2, 0.1)}, _FACTS).verdict == "partly"


def test_version_conditions_select_checks():
    claim = _claim(("a", "sometimes(0.01)", "version<3.10"), ("a", "never(0.01)", "version>=3.10"))
    assert evaluate.evaluate(claim, {"a": stats.count(0, 400)}, dict(_FACTS, version="3.12.1")).verdict == "holds"
    assert evaluate.evaluate(claim, {"a": stats.count(0, 400)}, dict(_FACTS, version="3.9.18")).verdict \
        == "contradicted"


def test_not_measured_names_what_is_missing():
    v = evaluate.evaluate(_claim(("a.b", "above(1)")), {}, _FACTS)
    assert v.verdict == "not-measured" and "a.b" in v.why


def test_unknown_prediction_is_refused():
    with pytest.raises(LedgerError):
        Prediction.parse("roughly(2)")


def test_every_checked_timing_is_timed_in_fast_mode():
    """A check on a benchmark that `make bench` (fast mode) does not time is never judged there:
    gil.io-threads-benefit once judged io.speedup.threads4, which --io-variants fast leaves out."""
    from bench import ledger

    fast = {name for w in ledger.WORKLOADS if w.grid is not None and w.grid.subsets
            for name in w.grid.subsets.get("fast", ())}
    limited = {w.name: set(w.grid.subsets["fast"]) for w in ledger.WORKLOADS
               if w.grid is not None and w.grid.subsets and "fast" in w.grid.subsets}
    specs = {metric: (w.name, spec) for w in ledger.WORKLOADS for metric, spec in w.derived}
    missing = []
    for claim in ledger.CLAIMS:
        for metric in claim.metrics():
            workload, spec = specs.get(metric, (None, None))
            if workload in limited and spec[0] in ledger.TIMING_KINDS:
                missing += ["%s: %s needs %s" % (claim.id, metric, b) for b in spec[1:] if b not in limited[workload]]
    assert fast and not missing, missing
