"""Each claim names its headline metric: the one quantity its row shows in every column, with a
unit and a plain reading.  The ledger refuses a headline the claim does not read; each judged
verdict carries that metric's value in its column, whichever check decided it; report.json's
verdict rows and ``gilbench list --json`` show it."""
import dataclasses
import json
import os

import pytest

from bench import ledger
from bench.judge import cross, evaluate, stats
from bench.ledger.predictions import LedgerError
from bench.ledger.vocabulary import Check, Claim, Headline
from bench.publish import merge, report
from bench.publish.text import json_number

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PUBLISHED = os.path.join(_ROOT, "docs", "results", "raw")

# The rows that showed different quantities in different columns (issue 16, item 3): the check that
# decided each column's verdict differed.  Their headline is one quantity in every column.
# (The race fixes, mixed before, are judged on the control now, which the published run did not measure.)
_MIXED = ("gil.one-thread-at-a-time", "gil.runtime-not-io", "gil.threads-no-benefit", "mp.processes-not-threads")


def _refusal(make):
    with pytest.raises(LedgerError) as info:
        make()
    return str(info.value)


# --- the ledger -----------------------------------------------------------------------------

@pytest.mark.parametrize("claim", ledger.CLAIMS, ids=lambda c: c.id)
def test_every_claim_has_a_headline_it_reads_and_a_workload_or_comparison_produces(claim):
    h = claim.headline
    assert isinstance(h, Headline)
    assert h.unit.strip() and h.reading.strip()
    assert h.metric in [c.metric for c in claim.given + claim.checks] + list(claim.context)
    if claim.scope == "cross":
        assert h.metric in ledger.CROSS
    else:
        assert ledger.producer(h.metric) is not None and h.metric in ledger.producer(h.metric).metrics()


def test_the_mixed_rows_headlines_are_the_quantities_that_answer_them():
    chosen = {c: ledger.get(c).headline.metric for c in _MIXED}
    assert chosen == {
        "gil.one-thread-at-a-time": "countdown.cpu_per_wall.threads2",
        "gil.runtime-not-io": "release.sha256.speedup2",
        "gil.threads-no-benefit": "countdown.parallel_share.threads2",
        "mp.processes-not-threads": "mp.workers.processes_over_threads2",
    }


def test_the_race_fix_rows_show_the_fixed_count_not_the_control():
    assert ledger.get("gil.race-fix-join").headline.metric == "race.fix_join.races"
    assert ledger.get("gil.race-fix-mutex").headline.metric == "race.fix_mutex.races"


def _claim(headline, claim_id="t.headline", **fields):
    fields.setdefault("context", ("race.note.trials",))
    return Claim(claim_id, "gil", "s", "c", "p", (Check("race.note.races", "never(0.01)"),),
                 given=(Check("race.call.races", "above(0.05)"),), headline=headline, **fields)


@pytest.mark.parametrize("metric", ["race.note.races", "race.call.races", "race.note.trials"],
                         ids=("check", "given", "context"))
def test_a_headline_may_name_a_check_a_precondition_or_a_context_metric(metric):
    assert _claim(Headline(metric, "share of trials", "0 = never")).headline.metric == metric


def test_a_headline_naming_a_metric_the_claim_does_not_read_is_refused_naming_the_claim():
    message = _refusal(lambda: _claim(Headline("race.big_n.races", "share of trials", "0 = never")))
    assert message.startswith("ledger: claim t.headline: headline metric 'race.big_n.races' is none the claim reads")
    assert "\n" not in message
    # An unless check decides n/a, not what the row shows.
    unless = (Check("race.big_n.races", "never(0.05)"),)
    assert "t.headline" in _refusal(lambda: _claim(Headline("race.big_n.races", "u", "r"), unless=unless))


@pytest.mark.parametrize("unit,reading", [("", "0 = never"), ("share", " "), ("share", None)])
def test_a_headline_without_a_unit_or_a_reading_is_refused(unit, reading):
    assert _refusal(lambda: _claim(Headline("race.note.races", unit, reading))).startswith(
        "ledger: claim t.headline: headline ")


def test_a_headline_that_is_no_headline_is_refused():
    assert "headline must be a Headline" in _refusal(lambda: _claim(("race.note.races", "u", "r")))


def test_a_ledger_claim_without_a_headline_is_refused():
    ledger.check_headlines(ledger.CLAIMS)  # what the import did
    bare = dataclasses.replace(ledger.CLAIMS[0], headline=None)
    assert _refusal(lambda: ledger.check_headlines([bare])) == (
        "ledger: claim %s: no headline (Headline(metric, unit, reading): the one quantity its row shows)" % bare.id)


def test_a_headline_the_ledger_cannot_produce_is_refused():
    # Read by the claim (as context) and produced by nothing: check_metrics names it.
    shown = _claim(Headline("fib.nothing", "s", "r"), context=("fib.nothing",))
    assert "'fib.nothing' is produced by no workload" in _refusal(lambda: ledger.check_metrics([shown]))


def test_list_json_gives_each_claims_headline():
    from bench.cli import _claim_row

    for claim in ledger.CLAIMS:
        h = claim.headline
        assert _claim_row(claim)["headline"] == {"metric": h.metric, "unit": h.unit, "reading": h.reading}


# --- the judge ------------------------------------------------------------------------------

_FACTS = {"version": "3.12.1", "gil_enabled": True, "pymalloc": True, "cpus_usable": 2}


def test_a_verdict_carries_its_headline_whichever_check_decided_it():
    claim = Claim("t.x", "gil", "s", "c", "p", (Check("a", "below(0.5)"), Check("b", "above(1.0)")),
                  context=("c",), headline=Headline("b", "x (ratio)", "1 = as fast"))
    metrics = {"a": stats.Measured(0.9, (0.8, 1.0), 6, method="t"), "b": stats.Measured(1.7, (1.5, 1.9), 6, method="t")}
    v = evaluate.evaluate(claim, metrics, _FACTS)
    assert v.verdict == "partly" and v.metric == "a"  # decided by a, the contradicted check
    assert v.headline == {"metric": "b", "value": 1.7, "interval": (1.5, 1.9), "n": 6, "events": None}
    # Settled early (a gate: not measured), the headline is still the column's measured value.
    early = evaluate.evaluate(claim, {"b": metrics["b"]}, _FACTS)
    assert early.verdict == "not-measured" and early.headline["value"] == 1.7
    # Not measured in the column: none.
    assert evaluate.evaluate(claim, {"a": metrics["a"]}, _FACTS).headline is None
    # A count keeps its events of n trials.
    counted = dataclasses.replace(claim, checks=(Check("a", "never(0.05)"),), headline=Headline("a", "share", "0"))
    assert evaluate.evaluate(counted, {"a": stats.count(0, 80)}, _FACTS).headline["events"] == 0


@pytest.fixture(scope="module")
def published():
    results = merge.load_all([_PUBLISHED])
    table = merge.judge(results)
    return results, table, report.report_dict([_PUBLISHED])


def _measured(result, results, claim):
    """The metrics a column holds for ``claim``: its own, or those compared across its columns."""
    if claim.scope == "cross":
        return cross._cross_metrics(result, results)[0]
    return result.metrics


def test_report_json_has_each_rows_headline_where_its_metric_was_measured(published):
    results, _, doc = published
    by_column = {r.id: r for r in results}
    metric_rows = {(m["interpreter"], m["metric"]): m for m in doc["metrics"]}
    shown = 0
    for row in doc["verdicts"]:
        claim = ledger.get(row["claim"])
        measured = _measured(by_column[row["interpreter"]], results, claim)
        h = row["headline"]
        if claim.headline.metric not in measured:
            assert h is None, (row["claim"], row["interpreter"])
            continue
        m = measured[claim.headline.metric]
        assert h["metric"] == claim.headline.metric
        assert (h["value"], h["n"], h["events"]) == (json_number(m.value), m.n, m.events)
        listed = metric_rows.get((row["interpreter"], h["metric"]))
        if claim.scope != "cross":
            assert listed is not None, (row["claim"], row["interpreter"])
        if listed is not None:  # metrics[] lists a cross ratio only where it decided the verdict
            assert (h["value"], h["interval"], h["n"], h["events"]) == (
                listed["value"], listed["interval"], listed["n"], listed["events"])
        shown += 1
    assert shown > len(doc["verdicts"]) // 2


@pytest.mark.parametrize("claim_id", _MIXED)
def test_a_mixed_rows_headline_is_the_same_quantity_in_every_column(published, claim_id):
    _, _, doc = published
    rows = [r for r in doc["verdicts"] if r["claim"] == claim_id]
    assert {r["headline"]["metric"] for r in rows if r["headline"]} == {ledger.get(claim_id).headline.metric}
    # At least two columns show it: a row of one quantity, not of one column.
    assert sum(1 for r in rows if r["headline"]) >= 2


def test_the_headline_adds_keys_to_report_json_and_nothing_else(published):
    results, table, doc = published
    for row in doc["verdicts"]:
        assert "headline" in row
    # Cells, metrics and the rest are untouched: the headline lives on the verdict rows only.
    assert all("headline" not in cell for r in doc["table"] for cell in r["cells"].values())
    assert json.loads(json.dumps(doc))["format"] == report.FORMAT


def _PUBLISHED_MD():
    return report.render([_PUBLISHED], "md")


@pytest.mark.parametrize("claim_id", _MIXED)
def test_every_cell_of_a_mixed_row_shows_its_headline_value(claim_id, published):
    """The Markdown row shows one quantity: each cell's number is the headline metric's in that column."""
    from bench.numbers import describe_value

    _, _, doc = published
    text = _PUBLISHED_MD()
    claim = ledger.get(claim_id)
    [line] = [ln for ln in text.splitlines() if ln.startswith("| %s · %s " % (claim_id, claim.headline.unit))]
    cells = [c.strip() for c in line.strip("|").split("|")][2:-1]
    rows = [v for v in doc["verdicts"] if v["claim"] == claim_id]
    assert len(cells) == len(rows)
    table_cells = [r for r in doc["table"] if r["claim"] == claim_id][0]["cells"]
    for cell, row in zip(cells, rows):
        h = row["headline"]
        if table_cells[row["interpreter"]]["value"] is None and row["verdict"] in ("n/a", "inconclusive"):
            # Settled without its measurement: words, and no number of the claim's own
            assert ": " in cell, cell
            continue
        if h is not None and h["value"] is not None:
            # The value as spelled in the row's unit (the interval's ends are rounded in the JSON, not in the cell)
            shown = ("%d/%d" % (h["events"], h["n"]) if h["events"] is not None
                     else describe_value(h["value"], None, unit=claim.headline.unit).split(" ")[0])
            assert shown in cell, (cell, h)


@pytest.mark.parametrize("claim_id", _MIXED)
def test_the_table_cells_the_page_reads_hold_the_headline_value(claim_id, published):
    """report.json's table (what the HTML page draws) holds the headline value in each measured cell."""
    _, _, doc = published
    [row] = [r for r in doc["table"] if r["claim"] == claim_id]
    assert row["unit"] == ledger.get(claim_id).headline.unit
    for v in (v for v in doc["verdicts"] if v["claim"] == claim_id and v["headline"]):
        cell = row["cells"][v["interpreter"]]
        if cell["value"] is None and v["verdict"] in ("n/a", "inconclusive"):
            assert cell["shown"] and cell["interval"] is None  # says why in words, shows no number
        elif v["headline"]["value"] is not None:
            assert cell["value"] == v["headline"]["value"]
