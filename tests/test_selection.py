"""Selecting by claim, and the maps it rests on, all derived from the ledger: claim -> workloads
(``run --only``, ``report --claims``, ``list --json``) and benchmark -> workload (the one map the
loader and the timing tables share)."""
import json
import subprocess
import sys

import pytest
from _helpers import ROOT, child_env

from bench import ledger
from bench.harness import results_format
from bench.harness.selection import SelectionError, select
from bench.publish import report

pyperf = pytest.importorskip("pyperf")

_PUBLISHED = str(ROOT / "docs" / "results" / "raw")  # the published run (9 columns, every chapter)
_CLAIM_IDS = [c.id for c in ledger.CLAIMS]


def _gilbench(*args):
    return subprocess.run([sys.executable, "-m", "bench"] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120, env=child_env())


def _one_clear_line(proc):
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gilbench: error: "), proc.stderr
    return lines[0]


# --- benchmark -> workload: one map ---------------------------------------------------------------

def test_every_benchmark_a_metric_reads_belongs_to_that_metrics_workload():
    for w in ledger.WORKLOADS:
        for _, spec in w.derived:
            if spec[0] in ledger.TIMING_KINDS:
                assert all(ledger.workload_of_benchmark(name) == w.name for name in spec[1:]), spec


def test_a_benchmark_no_metric_reads_falls_back_to_its_stem_and_an_unknown_one_to_none():
    assert ledger.workload_of_benchmark("race[fix=join]") == "race"  # written by bm_race.py, read by no metric
    assert ledger.workload_of_benchmark("alloc_free[bytes=99]") == "pymalloc"
    assert ledger.workload_of_benchmark("nothing[x=1]") is None


def test_no_stem_is_shared_by_two_workloads():
    """The fallback is unambiguous: a stem (the name before "[") belongs to one workload."""
    owners = {}
    for w in ledger.WORKLOADS:
        for _, spec in w.derived:
            if spec[0] in ledger.TIMING_KINDS:
                for name in spec[1:]:
                    owners.setdefault(name.split("[")[0], set()).add(w.name)
    assert all(len(names) == 1 for names in owners.values()), owners


@pytest.mark.parametrize("chapter", ["mem", "mp", "slow"])
def test_a_chapters_report_keeps_its_timing_rows(chapter):
    proc = _gilbench("report", _PUBLISHED, "--chapters", chapter)
    assert proc.returncode == 0, proc.stderr
    timed = [w.name for w in ledger.WORKLOADS if w.chapter == chapter and w.script]
    assert timed and "## Timings" in proc.stdout
    for name in timed:
        assert "\n### %s\n" % name in proc.stdout
    rows = report.report_dict([_PUBLISHED], chapters={chapter})["timings"]
    everything = report.report_dict([_PUBLISHED])["timings"]
    assert rows and rows == [t for t in everything if t["workload"] in timed]
    for row in rows:
        assert "| %s " % row["benchmark"] in proc.stdout


def test_every_timing_row_names_a_workload_of_the_ledger():
    proc = _gilbench("report", _PUBLISHED, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)["timings"]
    assert rows and {r["workload"] for r in rows} <= {w.name for w in ledger.WORKLOADS}


# --- claim -> workloads ---------------------------------------------------------------------------

def test_a_claim_selects_only_the_workloads_its_checks_read():
    assert [w.name for w in select("gil.race-gone-3.10")] == ["race"]
    # "parallel" claims are judged against the machine's parallelism, which the countdown measures.
    assert [w.name for w in select("gil.runtime-not-io")] == ["countdown", "gil_release"]
    # Judged across columns: the twins' fib timings.
    assert [w.name for w in select("gil.single-thread-unaffected")] == ["fib"]


def test_claim_ids_mix_with_chapters_and_workload_names_without_repeats():
    names = [w.name for w in select("gc,gil.race-gone-3.10,race,refcount")]
    assert names == [w.name for w in ledger.WORKLOADS if w.chapter == "gc"] + ["race"]


def test_every_claim_selects_workloads_that_produce_each_metric_it_judges():
    for claim in ledger.CLAIMS:
        chosen = select(claim.id)
        assert chosen, claim.id
        for metric in ledger.needed_metrics(claim):
            assert ledger.producer(metric) in chosen, (claim.id, metric)


def test_an_unknown_selection_lists_what_is_accepted():
    with pytest.raises(SelectionError) as err:
        select("gil.race-gone-3.11")
    text = str(err.value)
    assert "\n" not in text and "chapters: mem" in text and "workloads: pymalloc" in text
    assert "claim ids: mem.object-header" in text and "gil.race-gone-3.10" in text
    line = _one_clear_line(_gilbench("run", "--fast", "--only", "gc,nope", "--out", "/tmp/never-written"))
    assert "'nope'" in line and "gil.race-gone-3.10" in line


def test_report_claims_shows_only_those_claims():
    ids = ["mem.arena-size", "gil.race-gone-3.10"]  # in ledger order
    doc = report.report_dict([_PUBLISHED], claims=set(ids))
    assert [r["claim"] for r in doc["table"]] == ids
    assert {v["claim"] for v in doc["verdicts"]} == set(ids)
    assert {t["workload"] for t in doc["timings"]} == {"race", "pymalloc"}
    assert {ledger.producer(m["metric"]).name for m in doc["metrics"]} == {"race", "pymalloc"}
    proc = _gilbench("report", _PUBLISHED, "--claims", ",".join(ids))
    assert proc.returncode == 0, proc.stderr
    shown = {c for c in _CLAIM_IDS if "| %s " % c in proc.stdout}
    assert shown == set(ids)


def test_report_claims_refuses_an_unknown_id_and_chapters_beside_it():
    line = _one_clear_line(_gilbench("report", _PUBLISHED, "--claims", "gil.race-gone-3.10,gil.nope"))
    assert "gil.nope" in line and "gil.race-gone-3.10" in line.split("claim ids:")[1]
    _one_clear_line(_gilbench("report", _PUBLISHED, "--claims", "gil.race-gone-3.10", "--chapters", "gil"))


# --- gilbench list --json -------------------------------------------------------------------------

def test_list_json_gives_each_claims_workloads_demos_and_checks_and_the_fingerprint():
    proc = _gilbench("list", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["fingerprint"] == results_format.ledger_fingerprint()
    assert [c["id"] for c in doc["claims"]] == _CLAIM_IDS
    for row in doc["claims"]:
        claim = ledger.get(row["id"])
        assert row["workloads"] == [w.name for w in ledger.workloads_of(claim)]
        assert row["demos"] == [w.demo for w in ledger.workloads_of(claim) if w.demo]
        checks = claim.given + claim.checks + claim.unless
        assert [(m["metric"], m["prediction"], m["when"]) for m in row["metrics"]] == [
            (c.metric, str(c.prediction), str(c.when)) for c in checks]
        assert {"chapter", "section", "claim", "phrase", "note_figure"} <= set(row)
    race = doc["claims"][_CLAIM_IDS.index("gil.race-gone-3.10")]
    assert race["workloads"] == ["race"] and race["demos"] == ["demos.race"]
    assert {"metric": "race.note.races", "role": "check", "prediction": "never(0.01)", "when": "version>=3.10",
            "optional": False} in race["metrics"]


def test_a_round_is_one_process_unless_its_workload_is_isolated():
    from bench.harness import selection

    for w in ledger.WORKLOADS:
        if not w.script:
            continue
        for mode in selection.ROUNDS:
            args = selection.pyperf_args(w, mode)
            # pyperf's worker mode times every benchmark in the round's process; --processes 1 starts one each
            assert ("--worker" in args) != w.isolated and ("--processes" in args) == w.isolated, (w.name, mode)
            mode_args = list(selection.PYPERF_ARGS[mode])
            assert list(args[-len(mode_args):]) == mode_args, (w.name, mode)
            # every benchmark has an untimed warm-up call: a process's first timed call reads slow
            assert int(args[args.index("--warmups") + 1]) >= 1, (w.name, mode)
    # fork copies the process that times it: the start methods are timed each in a fresh worker
    assert ledger.workload("mp_start").isolated


def test_a_round_records_one_untimed_warm_up_per_benchmark(tmp_path):
    # The round's options as the runner passes them: pyperf files the warm-up apart from the values.
    from bench.harness import selection

    out = tmp_path / "ft.json"
    w = ledger.workload("ft_patterns")
    script = ROOT / "bench" / "harness" / "benchmarks" / w.script
    subprocess.run([sys.executable, str(script), "--quiet", "-o", str(out)] + list(selection.pyperf_args(w, "fast")),
                   check=True, cwd=str(ROOT), env=child_env(), timeout=300)
    runs = [r for b in pyperf.BenchmarkSuite.load(str(out)).get_benchmarks() for r in b.get_runs()]
    assert runs and all(len(r.warmups) == 1 for r in runs)
    assert all(len(r.values) == 2 for r in runs)
