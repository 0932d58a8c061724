"""A JSON report dict of an older format brought up to the newest, one step per format (as
``bench.judge.migrate`` does for results folders).

The HTML page and the charts read reports through ``migrate(data)`` (``report.page``), so that ``view`` only knows
the newest format (``report.FORMAT``; the history is in ``report``'s docstring).  What an older
report never held stays empty or null: a step rebuilds only what the older keys carry.
"""
import copy

from bench import ledger
from bench.ledger.vocabulary import Verdict
from bench.publish.report_json import FORMAT

# Shown when the report carries no legend of its own (format 2).
LEGEND = {v.value: v.format2_legend for v in Verdict}

_CELL = ("verdict", "value", "interval", "n", "provisional", "why", "events")


def _update_to_2(data):
    """Format 1 verdicts had no interval, count or metric: each is unknown."""
    for v in data.get("verdicts") or []:
        for key in ("interval", "n", "provisional", "events", "metric", "method"):
            v.setdefault(key, None)


def _claim(claim_id):
    try:
        return ledger.get(claim_id)
    except (KeyError, LookupError):
        return None


def _table_of_verdicts(verdicts):
    """The claim rows of format 3, rebuilt from format 2's verdicts (in their order)."""
    rows = {}
    for v in verdicts:
        claim = v.get("claim")
        if claim not in rows:
            known = _claim(claim)
            rows[claim] = {"claim": claim, "chapter": known.chapter if known else str(claim).split(".")[0],
                           "claim_text": known.claim if known else "", "note_figure": v.get("note_figure"),
                           "cells": {}, "changed_at": None, "change": None}
        rows[claim]["cells"][v.get("interpreter")] = {k: v.get(k) for k in _CELL}
    return list(rows.values())


def _metrics_of_verdicts(verdicts):
    """Format 2 kept only the judged metric of each verdict: those are its metrics."""
    out = {}
    for v in verdicts:
        if v.get("metric") and v.get("value") is not None:
            out.setdefault((v.get("interpreter"), v["metric"]), {
                "interpreter": v.get("interpreter"), "metric": v["metric"], "value": v["value"],
                "interval": v.get("interval"), "n": v.get("n"), "method": v.get("method"), "events": v.get("events")})
    return list(out.values())


def _update_to_3(data):
    """Format 2 had one folder's interpreters and verdict rows only: columns are their ids, no
    host or ledger is known, the table and metrics come from the verdicts, no timing or observation."""
    for i in data.get("interpreters") or []:
        i.setdefault("column", i.get("id"))
        i.setdefault("host", "")
        i.setdefault("ledger", None)
    verdicts = data.get("verdicts") or []
    data.setdefault("table", _table_of_verdicts(verdicts))
    data.setdefault("metrics", _metrics_of_verdicts(verdicts))
    data.setdefault("timings", [])
    data.setdefault("observations", {})
    data.setdefault("legend", dict(LEGEND))


def _update_to_4(data):
    """Format 3 rows recorded the runs' format-3 fingerprints only: the measured one is unknown."""
    for i in data.get("interpreters") or []:
        i.setdefault("measured", None)


_UPDATES = {2: _update_to_2, 3: _update_to_3, 4: _update_to_4}


def migrate(data):
    """A copy of the report dict ``data`` in the newest report format (``data`` is left as it is)."""
    data = copy.deepcopy(data)
    recorded = data.get("format") or 1
    for target in range(recorded + 1, FORMAT + 1):
        _UPDATES[target](data)
        data["format"] = target
    return data
