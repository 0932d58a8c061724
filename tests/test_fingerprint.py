"""The ledger fingerprint hashes what decides measurements and verdicts, never the prose.

Two runs merge only when their fingerprints agree (bench/publish/merge.py): a typo fix in a
claim's English must leave it as it was; a change to what is measured or predicted must change it.
"""
import dataclasses

import sys

import pytest

from bench import ledger
from bench.harness import results_format
from bench.ledger.vocabulary import Change, Check, Claim, Grid, Headline, Option, Workload, grid

# Every field of a ledger entry that the fingerprint leaves out, on purpose: prose and presentation.
_PROSE = {
    "Claim": {"chapter", "section", "claim", "phrase", "note_figure", "context", "departs", "changes", "headline"},
    "Check": {"why"},
    "Workload": {"chapter"},
    "Grid": set(),
    "Option": {"help"},
    # What a row shows, not what decides its verdict.
    "Headline": {"metric", "unit", "reading", "words"},
}


def _fingerprint_with(monkeypatch, claims=None, workloads=None):
    if claims is not None:
        monkeypatch.setattr(ledger, "CLAIMS", claims)
    if workloads is not None:
        monkeypatch.setattr(ledger, "WORKLOADS", workloads)
    return results_format.ledger_fingerprint()


def _replace_claim(claim_id, **changes):
    return tuple(dataclasses.replace(c, **changes) if c.id == claim_id else c for c in ledger.CLAIMS)


def _replace_check(claim_id, **changes):
    claim = ledger.get(claim_id)
    checks = (dataclasses.replace(claim.checks[0], **changes),) + claim.checks[1:]
    # A headline names a metric the claim reads: it follows its check to the new metric.
    moved = {"headline": dataclasses.replace(claim.headline, metric=changes["metric"])} \
        if "metric" in changes and claim.headline.metric == claim.checks[0].metric else {}
    return _replace_claim(claim_id, checks=checks, **moved)


def _replace_workload(name, **changes):
    return tuple(dataclasses.replace(w, **changes) if w.name == name else w for w in ledger.WORKLOADS)


@pytest.mark.parametrize("changes", [
    {"claim": "Threads take turns, say."}, {"phrase": "다른 말"}, {"section": "Another heading"},
    {"note_figure": "x9 (typo fixed)"}, {"departs": "we depart elsewhere"},
    {"changes": (Change("3.10", "another wording", "PEP 0"),)}, {"context": ("race.note.trials",)},
    {"headline": Headline("race.control.races", "another unit", "reworded")},
], ids=lambda c: next(iter(c)))
def test_editing_a_claims_prose_leaves_the_fingerprint(monkeypatch, changes):
    before = results_format.ledger_fingerprint()
    assert _fingerprint_with(monkeypatch, claims=_replace_claim("gil.race-reproducible", **changes)) == before


def test_editing_a_checks_why_leaves_the_fingerprint(monkeypatch):
    before = results_format.ledger_fingerprint()
    assert _fingerprint_with(monkeypatch, claims=_replace_check("gil.race-reproducible", why="reworded")) == before


@pytest.mark.parametrize("changes", [{"prediction": "above(123.0)"}, {"metric": "race.call.races"},
                                     {"when": "gil-off"}, {"optional": True},
                                     {"prediction": "removed(0.05)", "versus": "race.call.races"}],
                         ids=lambda c: "+".join(c))
def test_changing_a_check_changes_the_fingerprint(monkeypatch, changes):
    before = results_format.ledger_fingerprint()
    assert _fingerprint_with(monkeypatch, claims=_replace_check("gil.race-reproducible", **changes)) != before


@pytest.mark.parametrize("changes", [{"applies": "gil-off"}, {"scope": "cross"}, {"id": "gil.renamed"},
                                     {"given": (Check("race.call.races", "sometimes(0.05)"),)},
                                     {"unless": (Check("race.call.races", "never(0.05)"),)}],
                         ids=lambda c: next(iter(c)))
def test_changing_what_a_claim_is_judged_on_changes_the_fingerprint(monkeypatch, changes):
    before = results_format.ledger_fingerprint()
    assert _fingerprint_with(monkeypatch, claims=_replace_claim("gil.race-reproducible", **changes)) != before


def _workload_having(field):
    """The first workload whose ``field`` is set (so that replacing it changes something)."""
    return next(w for w in ledger.WORKLOADS if getattr(w, field))


@pytest.mark.parametrize("field,value", [("params", {"fast": {"trials": 7}}), ("derived", ()), ("demo", "demos.other"),
                                         ("script", "bm_other.py"), ("prefix", "other."),
                                         ("grid", grid("other", {"n": (1,)})), ("observes", ("other.key",)),
                                         ("start_method", False), ("options", ()),
                                         ("service", "1: asyncio's default selector (epoll)")])
def test_changing_a_workloads_grid_or_metrics_changes_the_fingerprint(monkeypatch, field, value):
    before = results_format.ledger_fingerprint()
    target = _workload_having("derived" if field in ("params", "prefix") else field)
    assert _fingerprint_with(monkeypatch, workloads=_replace_workload(target.name, **{field: value})) != before


def test_the_io_workload_names_the_local_services_revision_that_meta_records():
    # A run against the epoll service (revision 1) must not read as measured the same way as one against select().
    from services import search_service
    from services.local_services import Pair

    assert ledger.workload("io").service == search_service.REVISION
    pair = Pair(10.0, "http://a", "http://b", sys.executable, "3.x", "matrix")
    facts = pair.facts()
    assert facts["revision"] == search_service.REVISION and facts["selector"] == "select"


def test_changing_a_scripts_arguments_or_an_options_default_changes_the_fingerprint(monkeypatch):
    before = results_format.ledger_fingerprint()
    target = _workload_having("options")
    flag = target.options[0].flag
    assert _fingerprint_with(monkeypatch, workloads=_replace_workload(target.name, script_args={"fast": (flag, "7")})) \
        != before
    options = (dataclasses.replace(target.options[0], default="7"),) + target.options[1:]
    assert _fingerprint_with(monkeypatch, workloads=_replace_workload(target.name, options=options)) != before


def test_rewording_an_options_help_keeps_the_fingerprint(monkeypatch):
    before = results_format.ledger_fingerprint()
    target = _workload_having("options")
    options = (dataclasses.replace(target.options[0], help="reworded"),) + target.options[1:]
    assert _fingerprint_with(monkeypatch, workloads=_replace_workload(target.name, options=options)) == before


def test_a_workload_moved_to_another_chapter_keeps_the_fingerprint(monkeypatch):
    before = results_format.ledger_fingerprint()
    name = ledger.WORKLOADS[0].name
    assert _fingerprint_with(monkeypatch, workloads=_replace_workload(name, chapter="elsewhere")) == before


@pytest.mark.parametrize("cls", [Claim, Check, Workload, Grid, Option, Headline], ids=lambda c: c.__name__)
def test_every_field_of_a_ledger_entry_is_either_fingerprinted_or_declared_prose(cls):
    # A new field must take a side: hashed (results_format.MEASURED_FIELDS) or prose (_PROSE above).
    measured = set(results_format.MEASURED_FIELDS[cls.__name__])
    assert not measured & _PROSE[cls.__name__]
    assert {f.name for f in dataclasses.fields(cls)} == measured | _PROSE[cls.__name__]


def test_the_fingerprint_is_sixteen_hex_digits_and_stable_within_a_process():
    fp = results_format.ledger_fingerprint()
    assert len(fp) == 16 and int(fp, 16) >= 0 and fp == results_format.ledger_fingerprint()
