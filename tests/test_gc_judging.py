"""The gc chapter's claims judged on synthetic inputs: an immortal object is n/a with its reason,
a collector without generations is said to be one, and ``why`` reaches the verdict's reason."""
from bench import ledger
from bench.judge.evaluate import evaluate
from bench.judge.stats import Measured
from bench.ledger.vocabulary import Check, Claim

_GIL = {"version": "3.12.1", "gil_enabled": True}
_FREE = {"version": "3.13.5", "gil_enabled": False}


def _metrics(**values):
    return {k.replace("__", "."): Measured(v) for k, v in values.items()}


def test_an_immortal_count_contradicts_the_note_with_the_printed_value_and_says_what_it_is():
    claim = ledger.get("gc.refcount-script")
    v = evaluate(claim, {"gc.refcount.script": Measured(4294967295), "gc.refcount.script_immortal": Measured(1)}, _GIL)
    assert v.verdict == "contradicted"
    assert v.value == 4294967295  # what that build printed, shown as printed
    assert "PEP 683" in v.why and "immortal" in v.why and "4294967295" in v.why
    assert v.headline["value"] == 4294967295


def test_an_alias_on_an_immortal_string_moves_nothing_and_is_contradicted():
    claim = ledger.get("gc.refcount-alias")
    v = evaluate(claim, {"gc.refcount.alias_delta": Measured(0), "gc.refcount.unalias_delta": Measured(0),
                         "gc.refcount.alias_immortal": Measured(1)}, _GIL)
    assert v.verdict == "contradicted" and v.value == 0 and "PEP 683" in v.why


def test_the_refcount_claims_name_pep_683_where_they_change():
    for name in ("script", "repl", "exec", "alias"):
        claim = ledger.get("gc.refcount-" + name)
        assert not claim.unless  # judged on what the build printed, never n/a for immortality
        assert any("PEP 683" in c.reference and c.version == "3.12" for c in claim.changes)


def test_a_mortal_count_is_judged():
    claim = ledger.get("gc.refcount-script")
    held = evaluate(claim, {"gc.refcount.script": Measured(4), "gc.refcount.script_immortal": Measured(0)}, _GIL)
    assert held.verdict == "holds"
    wrong = evaluate(claim, {"gc.refcount.script": Measured(3), "gc.refcount.script_immortal": Measured(0)}, _GIL)
    assert wrong.verdict == "contradicted"


def test_the_repl_claim_needs_a_real_console():
    claim = ledger.get("gc.refcount-repl")
    metrics = {"gc.refcount.repl": Measured(2), "gc.refcount.repl_immortal": Measured(0),
               "gc.refcount.repl_interactive": Measured(0)}
    assert evaluate(claim, metrics, _GIL).verdict == "inconclusive"


def test_the_immortality_flag_is_context_not_a_gate():
    claim = ledger.get("gc.refcount-exec")
    assert evaluate(claim, {"gc.refcount.exec": Measured(2)}, _GIL).verdict == "holds"


def _free_threaded_collector():
    """What demos.gc_cycles observes on a collector without generations (3.13.5t here)."""
    values = {"generation_count": 3, "generation_after_1": -1, "generation_after_2": -1,
              "young_collection_spares_old": 0, "collect1.frees_young": 1, "collect2.frees_young": 1,
              "collect2.frees_aged": 1}
    return {"gc.cyclic." + k: Measured(v) for k, v in values.items()}


def test_generations_on_a_collector_without_generations_say_so():
    v = evaluate(ledger.get("gc.generations"), _free_threaded_collector(), _FREE)
    # gc.get_count() has three entries there too, but that is context: survivors do not move.
    assert v.verdict == "contradicted"
    assert "-1: in every generation or none (no generations)" in v.why


def test_older_includes_younger_is_na_where_there_are_no_generations():
    v = evaluate(ledger.get("gc.older-includes-younger"), _free_threaded_collector(), _FREE)
    assert v.verdict == "n/a" and "keeps no generations" in v.why


def test_stop_the_world_is_judged_on_every_build_with_a_thread_in_c_code():
    claim = ledger.get("gc.stop-the-world")
    controls = {"gc.pause.control_share": Measured(0.5), "gc.pause.c_worker_control": Measured(0.9)}
    # Python thread stopped, the thread in GIL-releasing C code ran on: partly, on a GIL build too.
    ran_on = dict(controls, **{"gc.pause.other_thread_share": Measured(0.0),
                               "gc.pause.c_worker_vs_control": Measured(1.0, (0.9, 1.1), 6)})
    for facts in (_GIL, _FREE):
        v = evaluate(claim, ran_on, facts)
        assert v.verdict == "partly" and "gc.pause.c_worker_vs_control" in v.why
    # Both stopped: the note's "everything else stops" holds.
    stopped = dict(ran_on, **{"gc.pause.c_worker_vs_control": Measured(0.02, (0.0, 0.05), 6)})
    assert evaluate(claim, stopped, _FREE).verdict == "holds"
    # A control that saw nothing move decides nothing.
    blind = dict(ran_on, **{"gc.pause.c_worker_control": Measured(0.0)})
    assert evaluate(claim, blind, _GIL).verdict == "inconclusive"
    blind = dict(ran_on, **{"gc.pause.control_share": Measured(0.0)})
    assert evaluate(claim, blind, _FREE).verdict == "inconclusive"


def test_unless_that_does_not_hold_leaves_the_claim_judged():
    claim = Claim("t.x", "gc", "s", "c", "p", (Check("a", "equals(1)", why="what a means"),),
                  unless=(Check("b", "equals(1)", why="b makes it moot"),))
    v = evaluate(claim, {"a": Measured(0), "b": Measured(0)}, _GIL)
    assert v.verdict == "contradicted" and "what a means" in v.why
    assert claim.metrics() == ("a", "b")
