"""The published report: the verdict table across interpreters, "when did it stop being true",
pyperf's timings, and results folders of several runs merged (or refused).

Rendering is checked on recorded results of real runs (tests/fixtures/README.md says which);
"when did it stop being true" on synthetic verdicts, where the answer is known.
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

import pytest
from _helpers import child_env

from bench import ledger
from bench.harness import results_format
from bench.judge.evaluate import VERDICTS, Verdict
from bench.judge.load import InterpreterResult, ResultsError
from bench.publish import model, report

pyperf = pytest.importorskip("pyperf")

_FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")
_MATRIX = os.path.join(_FIXTURES, "matrix-gil")  # gilbench matrix --only gil --fast, 4 columns
_RUN_A = os.path.join(_FIXTURES, "run-a")  # gilbench run --fast --only switching,fib, one interpreter
_RUN_B = os.path.join(_FIXTURES, "run-b")  # the same on another interpreter
_ENV = child_env()


def _gilbench(*args):
    return subprocess.run([sys.executable, "-m", "bench"] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=120, env=_ENV)


def _json(*dirs, **kw):
    return json.loads(report.render(list(dirs), "json", **kw))


def _copy(src, dst, **meta):
    """A copy of a results folder, its interpreters' meta.json updated with ``meta``."""
    shutil.copytree(src, str(dst))
    for name in os.listdir(str(dst)):
        path = os.path.join(str(dst), name, results_format.META)
        if meta and os.path.exists(path):
            with open(path) as f:
                data = json.load(f)
            data.update(meta)
            with open(path, "w") as f:
                json.dump(data, f)
    return str(dst)


# --- the verdict table on a recorded matrix run ----------------------------------------------

def test_columns_in_version_order_each_twin_beside_its_gil_build():
    doc = _json(_MATRIX)
    assert [i["column"] for i in doc["interpreters"]] == ["3.9.18", "3.13.5", "3.13.5t", "3.13.5t-gil"]
    assert all(i["column"] == i["id"] and i["host"] for i in doc["interpreters"])


def test_json_report_format_4_keys_and_every_claim_in_chapter_order():
    doc = _json(_MATRIX)
    assert doc["format"] == report.FORMAT == 4
    assert all(i["results_format"] == 3 and i["measured"] for i in doc["interpreters"])  # as recorded, migrated
    assert {"interpreters", "verdicts", "table", "metrics", "timings", "observations", "legend"} <= set(doc)
    assert [r["claim"] for r in doc["table"]] == [c.id for c in ledger.CLAIMS]
    assert set(doc["legend"]) == set(VERDICTS)
    columns = [i["column"] for i in doc["interpreters"]]
    for row in doc["table"]:
        assert {"claim", "chapter", "claim_text", "note_figure", "cells", "changed_at", "change"} <= set(row)
        assert list(row["cells"]) == columns
        for cell in row["cells"].values():
            assert {"verdict", "value", "interval", "n", "provisional", "why"} <= set(cell)
            assert cell["verdict"] in VERDICTS and cell["why"]


def test_every_cell_traces_to_a_verdict_and_its_metric():
    doc = _json(_MATRIX)
    verdicts = {(v["interpreter"], v["claim"]): v for v in doc["verdicts"]}
    metrics = {(m["interpreter"], m["metric"]): m for m in doc["metrics"]}
    judged = 0
    for row in doc["table"]:
        for column, cell in row["cells"].items():
            v = verdicts[(column, row["claim"])]
            if cell["verdict"] == "not-measured":  # not judged here: no value, whatever the headline had
                assert cell["value"] is None and cell["interval"] is None and v["verdict"] == cell["verdict"]
                continue
            if cell["value"] is None and cell["verdict"] in ("n/a", "inconclusive") and cell["shown"]:
                # Settled without its measurement: it says why in words and shows no number of the claim.
                assert cell["interval"] is None and cell["events"] is None and v["verdict"] == cell["verdict"]
                continue
            # A cell shows its claim's headline metric where it was measured, else the verdict's value
            h = v.get("headline") if v.get("headline") and v["headline"]["value"] is not None else None
            shown = (h["value"], h["interval"]) if h else (v["value"], v["interval"])
            assert (cell["verdict"], cell["value"], cell["interval"]) == (v["verdict"],) + shown
            if v["value"] is not None and v["metric"]:
                # cross claims too: their metric compares the column with its twin
                assert metrics[(column, v["metric"])]["value"] == v["value"]
                judged += 1
    # (The race claims judged on the control, which the recorded runs did not measure, left the count.)
    assert judged > 12
    # The fixture timed fib(25), the twin ratio's benchmark, but not fib(30) (GIL on over off, added later):
    # the twin ratio is measured in the free-threaded column, the same-binary one nowhere.
    assert ("3.13.5t", "countdown.ratio.threads2") in metrics
    assert ("3.13.5t", "fib.free_threaded_over_gil") in metrics
    assert not any(m == "fib.gil_on_over_off" for _, m in metrics)


def test_observations_are_the_runs_files_as_recorded():
    doc = _json(_MATRIX)
    for column, observed in doc["observations"].items():
        with open(os.path.join(_MATRIX, column, results_format.OBSERVATIONS)) as f:
            assert observed == json.load(f)


def test_timings_are_pyperfs_numbers():
    doc = _json(_MATRIX)
    assert doc["timings"]
    for row in doc["timings"]:
        bench = pyperf.BenchmarkSuite.load(os.path.join(_MATRIX, row["interpreter"], "bench.json")) \
            .get_benchmark(row["benchmark"])
        assert row["n"] == bench.get_nvalue()
        assert row["mean_s"] == pytest.approx(bench.mean(), rel=1e-5)
        low, high = row["interval"]
        assert low == pytest.approx(bench.mean() - bench.stdev(), rel=1e-5, abs=1e-9)
        assert high == pytest.approx(bench.mean() + bench.stdev(), rel=1e-5)


def test_markdown_is_short_by_default_and_the_why_is_behind_a_flag():
    short = report.render(_MATRIX)
    assert "| claim " in short and "the note's figure" in short and "changed at" in short
    assert "### Why" not in short and "Not measured on any interpreter" in short
    assert "## Timings" in short and "pyperf compare_to --table" in short
    unmeasured = [c.id for c in ledger.CLAIMS if c.chapter in ("mem", "mp")]
    assert not any("| %s " % c in short for c in unmeasured)
    longer = report.render(_MATRIX, why=True)
    assert "### Why" in longer and all("| %s " % c.id in longer for c in ledger.CLAIMS)


def test_a_chapter_selection_keeps_only_its_rows_metrics_and_timings():
    doc = _json(_MATRIX, chapters={"gil"})
    assert {r["chapter"] for r in doc["table"]} == {"gil"}
    assert {t["workload"] for t in doc["timings"]} <= {w.name for w in ledger.WORKLOADS if w.chapter == "gil"}


# --- when did it stop being true ----------------------------------------------------------------

def _columns(*specs):
    """Results and a verdict table for one claim: specs of (column, version, free-threaded, verdict[, host])."""
    results, verdicts = [], {}
    for spec in specs:
        column, version, ft, verdict = spec[:4]
        meta = {"version": version, "free_threaded": ft, "gil_enabled": not ft, "host": spec[4] if len(spec) > 4 else ""}
        results.append(InterpreterResult(column, "/nowhere", meta))
        verdicts[column] = {c.id: Verdict(c.id, verdict, "synthetic") for c in ledger.CLAIMS}
    return results, verdicts


_RACE = ledger.get("gil.race-gone-3.10")  # changes: 3.10 (the eval breaker), 3.13 (PEP 703)


def test_the_first_decisive_change_names_the_ledgers_change():
    results, verdicts = _columns(("3.9.18", "3.9.18", False, "holds"), ("3.10.13", "3.10.13", False, "contradicted"))
    before, at, change = model.changed_at(_RACE, results, verdicts)
    assert (before, at, change.reference) == ("3.9.18", "3.10.13", "bpo-29988")


def test_noise_and_gaps_are_not_changes():
    results, verdicts = _columns(("3.9.18", "3.9.18", False, "holds"), ("3.10.13", "3.10.13", False, "inconclusive"),
                                 ("3.11.7", "3.11.7", False, "within-noise"), ("3.12.1", "3.12.1", False, "n/a"),
                                 ("3.13.0", "3.13.0", False, "holds"))
    assert model.changed_at(_RACE, results, verdicts) == (None, None, None)


def test_a_change_across_skipped_versions_takes_the_latest_change_between_them():
    results, verdicts = _columns(("3.9.18", "3.9.18", False, "holds"), ("3.12.1", "3.12.1", False, "inconclusive"),
                                 ("3.13.5t", "3.13.5", True, "contradicted"))
    before, at, change = model.changed_at(_RACE, results, verdicts)
    assert (before, at, change.reference) == ("3.9.18", "3.13.5t", "PEP 703")


def test_a_change_between_twin_builds_of_one_version_takes_that_versions_change():
    results, verdicts = _columns(("3.13.5", "3.13.5", False, "holds"), ("3.13.5t", "3.13.5", True, "contradicted"))
    assert model.changed_at(_RACE, results, verdicts)[2].reference == "PEP 703"
    # A claim without a recorded change still shows where its verdict changed.
    assert model.changed_at(ledger.get("gil.race-fix-join"), results, verdicts) == ("3.13.5", "3.13.5t", None)


def test_two_machines_disagreeing_is_not_a_change_of_version():
    results, verdicts = _columns(("a/3.12.1", "3.12.1", False, "holds", "a"),
                                 ("b/3.12.1", "3.12.1", False, "contradicted", "b"))
    assert model.changed_at(_RACE, results, verdicts) == (None, None, None)


# --- merging results folders ------------------------------------------------------------------

def test_two_real_runs_merge_into_one_report_judged_as_each_alone():
    merged = _json(_RUN_A, _RUN_B)
    alone = _json(_RUN_A)["verdicts"] + _json(_RUN_B)["verdicts"]
    columns = [i["column"] for i in merged["interpreters"]]
    assert len(columns) == 2 and len(set(columns)) == 2
    key = lambda v: (v["interpreter"], v["claim"])  # noqa: E731
    assert sorted(((key(v), v["verdict"], v["value"]) for v in merged["verdicts"])) == \
        sorted(((key(v), v["verdict"], v["value"]) for v in alone))


def test_the_same_interpreter_on_two_hosts_gets_two_columns(tmp_path):
    other = _copy(_RUN_A, tmp_path / "other", host="host-b")
    doc = _json(_RUN_A, other)
    (host_a,) = {i["host"] for i in doc["interpreters"]} - {"host-b"}
    (ident,) = {i["id"] for i in doc["interpreters"]}
    assert [i["column"] for i in doc["interpreters"]] == ["host-b/" + ident, host_a + "/" + ident]
    md = report.render([_RUN_A, other])
    assert "host-b/" + ident in md and "| host " in md


def test_the_command_merges_folders_given_one_after_the_other():
    proc = _gilbench("report", _RUN_A, _RUN_B, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    assert sorted(i["version"] for i in json.loads(proc.stdout)["interpreters"]) == ["3.11.7", "3.9.18"]


def test_a_run_of_another_ledger_alone_is_read_and_says_so(tmp_path):
    other = _copy(_RUN_A, tmp_path / "other", format=4, measured="0123456789abcdef")
    assert "measured with another ledger (measured fingerprint 0123456789abcdef" in report.render([other])


def test_a_format_3_run_of_an_unknown_ledger_alone_says_it_cannot_be_compared(tmp_path):
    other = _copy(_RUN_A, tmp_path / "other", ledger="0123456789abcdef")
    assert "cannot compare with its own (results format 3 fingerprint 0123456789abcdef" in report.render([other])


def test_the_same_interpreter_of_the_same_host_twice_is_refused():
    with pytest.raises(ResultsError, match="both hold interpreter"):
        report.render([_RUN_A, _RUN_A])


def test_runs_of_another_ledger_are_refused_in_one_line(tmp_path):
    other = _copy(_RUN_B, tmp_path / "other", ledger="0123456789abcdef")
    proc = _gilbench("report", _RUN_A, other)
    assert proc.returncode != 0 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and "different ledgers" in proc.stderr and "Traceback" not in proc.stderr


def test_a_run_of_a_format_without_a_fingerprint_is_refused_in_one_line(tmp_path):
    older = _copy(_RUN_B, tmp_path / "older", format=2, ledger=None, host=None)
    proc = _gilbench("report", _RUN_A, older)
    assert proc.returncode != 0 and proc.stderr.count("\n") == 1 and "results format 2" in proc.stderr


def test_runs_whose_ledgers_differ_only_in_prose_merge(tmp_path, monkeypatch):
    from bench.judge import migrate

    # A format-4 run of this ledger, and a format-3 run of a ledger known to measure what this one
    # does (its prose differed, so its format-3 fingerprint did).
    monkeypatch.setitem(migrate.FORMAT3_LEDGERS, "0123456789abcdef", results_format.ledger_fingerprint())
    ours = _copy(_RUN_A, tmp_path / "ours", format=4, ledger=None, measured=results_format.ledger_fingerprint())
    older = _copy(_RUN_B, tmp_path / "older", ledger="0123456789abcdef")
    doc = _json(ours, older)
    assert sorted(i["results_format"] for i in doc["interpreters"]) == [3, 4]
    assert {i["measured"] for i in doc["interpreters"]} == {results_format.ledger_fingerprint()}
    assert "another ledger" not in report.render([ours, older])


def test_runs_of_different_measured_fingerprints_are_refused_naming_both(tmp_path):
    a = _copy(_RUN_A, tmp_path / "a", format=4, measured="aaaaaaaaaaaaaaaa")
    b = _copy(_RUN_B, tmp_path / "b", format=4, measured="bbbbbbbbbbbbbbbb")
    with pytest.raises(ResultsError, match="fingerprints measured aaaaaaaaaaaaaaaa, measured bbbbbbbbbbbbbbbb"):
        report.render([a, b])


def test_format_3_runs_of_the_same_unknown_ledger_merge_with_each_other_only(tmp_path):
    a = _copy(_RUN_A, tmp_path / "a", ledger="0123456789abcdef")
    b = _copy(_RUN_B, tmp_path / "b", ledger="0123456789abcdef")
    assert len(_json(a, b)["interpreters"]) == 2  # same format-3 fingerprint: the same ledger, prose and all
    ours = _copy(_RUN_B, tmp_path / "ours", format=4, ledger=None, measured=results_format.ledger_fingerprint())
    with pytest.raises(ResultsError, match=r"0123456789abcdef \(results format 3, prose included\)"):
        report.render([a, ours])


def test_folders_without_a_ledger_fingerprint_are_not_merged(tmp_path):
    a = _copy(_RUN_A, tmp_path / "a", format=2, ledger=None)
    b = _copy(_RUN_B, tmp_path / "b", format=2, ledger=None)
    with pytest.raises(ResultsError, match="records no ledger fingerprint"):
        report.render([a, b])
    assert "gil.switch-between-bytecodes" in report.render([a])  # alone, it is still read


def test_a_run_records_its_host_and_ledger():
    for folder in (_RUN_A, _RUN_B):
        (name,) = os.listdir(folder)
        with open(os.path.join(folder, name, results_format.META)) as f:
            meta = json.load(f)
        assert meta["format"] == 3 and meta["host"] and len(meta["ledger"]) == 16  # recorded before format 4


def _other_interpreters():
    # Every pyenv build (3.9 .. 3.13 here) and the free-threaded one gilbench builds.
    found = sorted(p for p in glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python"))
                   if not re.search(r"/3\.[0-8]\.", p))  # older than the oldest measured
    found.append(os.path.expanduser("~/.cache/gilbench/pythons/3.13.5t/bin/python3"))
    return [p for p in found if os.path.exists(p)]


@pytest.mark.parametrize("python", _other_interpreters())
def test_the_ledger_fingerprint_is_the_same_on_every_interpreter(python):
    code = "from bench.harness.results_format import ledger_fingerprint as f; print(f())"
    out = subprocess.run([python, "-c", code], stdout=subprocess.PIPE, universal_newlines=True, env=_ENV,
                         timeout=60, check=True).stdout.strip()
    assert out == results_format.ledger_fingerprint()


def test_configure_flags_are_cut_at_a_whole_flag():
    from bench.publish.markdown import _flags

    flags = "--enable-optimizations --with-lto --prefix=/home/user/.cache/gilbench/pythons/3.13.5"
    assert _flags(flags) == "--enable-optimizations --with-lto …"
    assert _flags("--with-lto") == "--with-lto" and _flags(None) == ""


def test_an_undecided_cell_names_the_precondition_it_shows():
    from bench.judge.evaluate import Verdict
    from bench.ledger.vocabulary import Check, Claim
    from bench.publish.model import cell_text

    # A synthetic claim with a precondition: the ledger's race fixes are judged against their control now.

    claim = Claim("t.fix", "gil", "s", "c", "p", (Check("race.fix_join.races", "never(0.05)"),),
                  given=(Check("race.call.races", "above(0.05)"),))
    # A failed precondition says so in words, with the precondition's own count, never the claim's value.
    precondition = Verdict(claim.id, "inconclusive", "why", value=0.0, interval=(0.0, 0.072), n=40, events=0,
                           metric="race.call.races", words="precondition failed: race.call.races = 0/40 (≤7.2%)")
    assert cell_text(precondition, claim) == "? undecided: precondition failed: race.call.races = 0/40 (≤7.2%)"
    own = Verdict(claim.id, "inconclusive", "why", value=0.0, interval=(0.0, 0.4507), n=5, events=0,
                  metric="race.fix_join.races")
    assert cell_text(own, claim) == "? undecided 0/5 (≤45%)"
    busy = Verdict(claim.id, "n/a", "why", value=1.48, words="machine x1.48 on 2 processes")
    assert cell_text(busy, claim) == "n/a: machine x1.48 on 2 processes"
    rate_near_one = Verdict(claim.id, "holds", "why", value=0.99, interval=(0.95, 0.9997), n=100, events=99)
    assert "100%" in cell_text(rate_near_one) and "e+" not in cell_text(rate_near_one)


# --- provenance: the library versions of each column ---------------------------------------------

def test_a_run_records_its_library_versions(monkeypatch):
    from importlib import metadata

    from bench.harness import runner
    monkeypatch.setattr(runner, "_LIBRARIES", ("pyperf", "gilbench-no-such-distribution"))
    assert runner.library_versions() == {"pyperf": metadata.version("pyperf"), "gilbench-no-such-distribution": None}
    assert "pyperf" in runner.interpreter_facts()["libraries"]


def test_the_reports_show_each_columns_library_versions(tmp_path):
    libs = {"pyperf": "2.10.0", "elasticsearch": None}
    run = _copy(_RUN_A, tmp_path / "run", libraries=libs)
    markdown = report.render([run], "md")
    assert "- libraries: elasticsearch not installed, pyperf 2.10.0 (3.11.7)" in markdown
    assert json.loads(report.render([run], "json"))["interpreters"][0]["libraries"] == libs
    assert "Libraries: elasticsearch not installed, pyperf 2.10.0 (3.11.7)" in report.render_files(run)[0]["report.html"]
    # A run recorded before the versions were: said so, not guessed.
    assert "- libraries: not recorded (3.11.7)" in report.render([_RUN_A], "md")


def test_a_broken_install_is_recorded_as_unreadable_not_a_stopped_run(monkeypatch):
    from importlib import metadata

    from bench.harness import runner

    def broken(name):
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")

    monkeypatch.setattr(metadata, "version", broken)
    monkeypatch.setattr(runner, "_LIBRARIES", ("aiohttp",))
    assert runner.library_versions() == {"aiohttp": "unreadable (UnicodeDecodeError)"}


@pytest.mark.parametrize("libraries", [["pyperf"], {"pyperf": 2}])
def test_library_versions_that_no_run_writes_are_refused_in_one_line(tmp_path, libraries):
    run = _copy(_RUN_A, tmp_path / "run", libraries=libraries)
    with pytest.raises(ResultsError, match="libraries"):
        report.render([run], "md")
