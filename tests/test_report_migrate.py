"""Older JSON reports are brought up to the newest format one step at a time
(bench/publish/report_migrate.py); each step has its test here, and the page and charts (view.py)
know only the newest format."""
from bench import ledger
from bench.publish import report, report_migrate


def _report_1():
    return {"format": 1, "interpreters": [{"id": "3.12.1", "version": "3.12.1"}],
            "verdicts": [{"claim": "gil.race-reproducible", "interpreter": "3.12.1", "verdict": "holds",
                          "value": 0.5, "spread": 0.1, "note_figure": None, "why": "w", "evidence": {}}]}


def test_every_report_format_after_the_first_has_its_step():
    assert report_migrate.FORMAT == report.FORMAT
    assert sorted(report_migrate._UPDATES) == list(range(2, report.FORMAT + 1))


def test_report_update_to_2_adds_the_interval_keys_as_unknown():
    data = _report_1()
    report_migrate._update_to_2(data)
    (v,) = data["verdicts"]
    assert all(v[k] is None for k in ("interval", "n", "provisional", "events", "metric", "method"))


def test_report_update_to_3_rebuilds_table_and_metrics_from_the_verdicts():
    data = _report_1()
    report_migrate._update_to_2(data)
    data["verdicts"][0].update(metric="race.note.share_nonzero", interval=[0.4, 0.6], n=40)
    report_migrate._update_to_3(data)
    (row,) = data["table"]
    assert row["claim"] == "gil.race-reproducible" and row["claim_text"] == ledger.get(row["claim"]).claim
    assert row["cells"]["3.12.1"]["verdict"] == "holds" and row["cells"]["3.12.1"]["interval"] == [0.4, 0.6]
    assert [m["metric"] for m in data["metrics"]] == ["race.note.share_nonzero"]
    assert data["timings"] == [] and data["observations"] == {} and data["legend"]
    assert data["interpreters"][0]["column"] == "3.12.1" and data["interpreters"][0]["host"] == ""


def test_report_update_to_4_adds_an_unknown_measured_fingerprint():
    data = {"format": 3, "interpreters": [{"id": "a", "ledger": "0123456789abcdef"}]}
    report_migrate._update_to_4(data)
    assert data["interpreters"][0]["measured"] is None


def test_report_migrate_leaves_its_argument_and_chains_to_the_newest():
    data = _report_1()
    new = report_migrate.migrate(data)
    assert data == _report_1() and new["format"] == report.FORMAT and new["table"]


def test_the_page_of_a_format_1_report_shows_its_claim_row():
    page, _ = report.page(_report_1())
    assert "gil.race-reproducible" in page and "JSON report format %d" % report.FORMAT in page
