"""Older results folders are brought up to the newest format one step at a time
(bench/judge/migrate.py); each step has its test here, and the loader knows only the newest format."""
import json

import pytest

from bench import ledger
from bench.harness import results_format
from bench.judge import migrate
from bench.judge.load import load
from bench.publish import report

pyperf = pytest.importorskip("pyperf")


def _format_1():
    meta = {"format": 1, "id": "3.9.18", "version": "3.9.18", "gil_enabled": True, "selection": ["race"]}
    obs = {"format": 1, "observations": {"race.note.nonzero": 3, "race.note.trials": 40}, "errors": {}}
    return meta, obs


# --- results folders ----------------------------------------------------------------------------

def test_every_results_format_after_the_first_has_its_step():
    assert sorted(migrate._UPDATES) == list(range(2, results_format.FORMAT + 1))
    assert results_format.READABLE == tuple(range(1, results_format.FORMAT + 1))


def test_update_to_2_marks_format_1_timings_unpaired_and_adds_dropped():
    meta, obs = _format_1()
    migrate._update_to_2(meta, obs)
    assert meta["unpaired"] == migrate.UNPAIRED and obs["dropped"] == {}
    assert obs["observations"] == {"race.note.nonzero": 3, "race.note.trials": 40}


def test_update_to_2_drops_everything_of_a_run_whose_gil_flipped():
    meta, obs = _format_1()
    obs["errors"] = {"gil-state": "the GIL was switched on during the run"}
    migrate._update_to_2(meta, obs)
    assert obs["observations"] == {}
    assert obs["dropped"] == {w.name: "dropped: the GIL was switched on during the run" for w in ledger.WORKLOADS}


def test_update_to_3_records_host_and_ledger_as_unknown():
    meta, obs = {"format": 2}, {"format": 2}
    migrate._update_to_3(meta, obs)
    assert meta["host"] == "" and meta["ledger"] is None


def test_update_to_4_gives_a_known_format_3_ledger_its_measured_fingerprint():
    (known, measured), = list(migrate.FORMAT3_LEDGERS.items())[:1]
    meta = {"format": 3, "ledger": known}
    migrate._update_to_4(meta, {})
    assert meta["measured"] == measured and meta["ledger"] == known  # the recorded one is kept
    unknown = {"format": 3, "ledger": "0123456789abcdef"}
    migrate._update_to_4(unknown, {})
    assert unknown["measured"] is None


def test_format_3_ledgers_map_to_measured_fingerprints():
    # Computed from the commits that recorded each format-3 fingerprint: 16 hex digits each.
    assert all(len(k) == len(v) == 16 and int(k, 16) >= 0 and int(v, 16) >= 0
               for k, v in migrate.FORMAT3_LEDGERS.items())


def test_migrate_chains_every_step_and_keeps_the_recorded_format():
    meta, obs = _format_1()
    migrate.migrate(meta, obs)
    assert meta["format"] == obs["format"] == results_format.FORMAT and meta["recorded_format"] == 1
    assert meta["unpaired"] and meta["host"] == "" and meta["measured"] is None


def test_a_current_folder_is_left_as_it_is_but_for_the_recorded_format():
    meta = {"format": results_format.FORMAT, "measured": "x"}
    obs = {"format": results_format.FORMAT, "observations": {}}
    migrate.migrate(meta, obs)
    assert meta == {"format": results_format.FORMAT, "measured": "x", "recorded_format": results_format.FORMAT}


def test_a_format_1_folder_whose_gil_flipped_is_loaded_with_nothing_judged(tmp_path):
    folder = tmp_path / "3.9.18"
    folder.mkdir()
    meta, obs = _format_1()
    obs["errors"] = {"gil-state": "the GIL was switched on during the run"}
    (folder / "meta.json").write_text(json.dumps(meta))
    (folder / "observations.json").write_text(json.dumps(obs))
    (result,) = load(str(tmp_path))
    assert result.metrics == {} and result.meta["recorded_format"] == 1
    assert set(result.dropped) == {w.name for w in ledger.WORKLOADS}


def test_a_format_2_folder_reports_its_format_and_no_ledger(tmp_path):
    folder = tmp_path / "3.12.1"
    folder.mkdir()
    meta, obs = _format_1()
    meta["format"] = obs["format"] = 2
    obs["dropped"] = {}
    (folder / "meta.json").write_text(json.dumps(meta))
    (folder / "observations.json").write_text(json.dumps(obs))
    (row,) = json.loads(report.render(str(tmp_path), "json"))["interpreters"]
    assert row["results_format"] == 2 and row["host"] == "" and row["ledger"] is None and row["measured"] is None
