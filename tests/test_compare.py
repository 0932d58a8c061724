"""gilbench compare: two runs side by side, each judged on its own, the changed verdicts first.

Run on the recorded matrix (tests/fixtures/matrix-gil) against a copy of it in which one count
was changed, so that the verdict that must change is known from the data, not typed in.
"""
import dataclasses
import json
import shutil
import subprocess
import sys

import pytest
from _helpers import ROOT, child_env

_RECORDED = ROOT / "tests" / "fixtures" / "matrix-gil"


def _gilbench(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "bench"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300, env=child_env(), cwd=cwd)


@pytest.fixture
def changed_copy(tmp_path):
    """The recorded run with 3.9.18's note race seen in none of its trials (25 of 40 recorded)."""
    copy = tmp_path / "new"
    shutil.copytree(str(_RECORDED), str(copy))
    path = copy / "3.9.18" / "observations.json"
    data = json.loads(path.read_text())
    data["observations"]["race.note.nonzero"] = 0
    path.write_text(json.dumps(data))
    return copy


def test_the_changed_verdict_comes_first_and_the_same_host_does_not_clash(changed_copy):
    proc = _gilbench("compare", str(_RECORDED), str(changed_copy), "--json", "--no-timings")
    assert proc.returncode == 0, proc.stderr  # the same interpreters of the same host: labelled, not refused
    data = json.loads(proc.stdout)
    assert [(p["base"], p["new"]) for p in data["pairs"]] == [(c, c) for c in ("3.9.18", "3.13.5", "3.13.5t",
                                                                               "3.13.5t-gil")]
    changed = [line for line in data["lines"] if line["changed"]]
    assert changed and data["lines"][:len(changed)] == changed  # changes first
    first = {(line["claim"], line["new_column"]) for line in changed}
    assert ("gil.race-gone-3.10", "3.9.18") in first
    race = next(line for line in changed if line["claim"] == "gil.race-gone-3.10")
    assert race["base"]["verdict"] == "holds" and race["new"]["verdict"] != "holds"
    assert race["base"]["events"] == 25 and race["new"]["events"] == 0  # the headline values, both sides
    assert race["base"]["interval"] and race["new"]["interval"]


def test_the_text_shows_both_sides_and_pyperf_compares_the_timings(changed_copy):
    proc = _gilbench("compare", str(_RECORDED), str(changed_copy))
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    changes = text.split("## Changed verdicts")[1]
    assert "gil.race-gone-3.10" in changes and "25/40" in changes and "0/40" in changes
    # pyperf's own words: the same recorded timings on both sides are not a significant difference
    assert "## Timings 3.9.18 (pyperf compare_to" in text and "hidden because not significant" in text


def test_columns_of_another_patch_release_are_paired_by_minor_version_and_build():
    from bench.publish import compare, model

    base = model.build([str(_RECORDED)])
    new = model.build([str(_RECORDED)])
    new.columns = [dataclasses.replace(c, column=c.column.replace("3.13.5", "3.13.9"),
                                       version=c.version.replace("3.13.5", "3.13.9")) for c in new.columns]
    pairs, only_base, only_new = compare.pairs(base, new)
    assert [(p.base, p.new) for p in pairs] == [("3.9.18", "3.9.18"), ("3.13.5", "3.13.9"), ("3.13.5t", "3.13.9t"),
                                                ("3.13.5t-gil", "3.13.9t-gil")]
    assert only_base == only_new == []
    assert pairs[1].label == "3.13.5 -> 3.13.9"


def test_without_a_run_under_results_it_says_what_to_do(tmp_path):
    proc = _gilbench("compare", cwd=str(tmp_path))
    assert proc.returncode == 2  # nothing to compare: the command line must name a run
    [line] = proc.stderr.strip().splitlines()
    assert "no run under results/" in line and "gilbench run" in line


def test_a_workload_that_failed_in_either_run_is_named_not_read_as_a_clean_match(tmp_path):
    # The fault injector's: against a run whose countdown had failed, compare said "0 of 0 compared
    # cells ... every verdict the new run measured is the base run's" and nothing of the failure.
    failed = tmp_path / "failed"
    shutil.copytree(str(_RECORDED), str(failed))
    obs_path = failed / "3.13.5" / "observations.json"  # where a run files its failed workloads
    obs = json.loads(obs_path.read_text())
    obs["errors"] = {"countdown": "RuntimeError: bm_countdown.py exited with -9"}
    obs_path.write_text(json.dumps(obs))
    text = _gilbench("compare", str(_RECORDED), str(failed), "--no-timings")
    assert text.returncode == 0, text.stderr
    assert "Failed in %s, 3.13.5: countdown: RuntimeError: bm_countdown.py exited with -9" % failed in text.stdout
    data = json.loads(_gilbench("compare", str(_RECORDED), str(failed), "--json", "--no-timings").stdout)
    assert data["failed"] == {"base": {}, "new": {"3.13.5": {"countdown": "RuntimeError: bm_countdown.py exited with -9"}}}
