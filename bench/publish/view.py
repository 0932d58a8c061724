"""What the HTML page and the charts read from a JSON report dict (``report.py``'s, format 2 or 3).

Format 3 carries "table", "metrics", "timings", "observations" and "legend"; format 2 has only
"interpreters" and per claim x interpreter "verdicts".  Everything here takes the format-3 key
when it is there and otherwise rebuilds what it can from the format-2 rows, so the page renders
on either: a missing key gives an empty list, never a made-up value.
"""
from bench import ledger
from bench.ledger.vocabulary import Verdict

# Shown when the report carries no legend of its own (format 2).
LEGEND = {v.value: v.format2_legend for v in Verdict}


def column(interpreter):
    """The key an interpreter's cells, metrics and observations are filed under."""
    return interpreter.get("column") or interpreter.get("id")


def columns(data):
    return [column(i) for i in data.get("interpreters") or []]


def interpreters(data):
    return {column(i): i for i in data.get("interpreters") or []}


def metrics(data):
    """{(column, metric): {"value", "interval", "n", "method"}}: every loaded metric (format 3), or
    the judged metric of each format-2 verdict row."""
    out = {}
    for m in data.get("metrics") or []:
        out[(m.get("interpreter"), m.get("metric"))] = m
    if data.get("metrics") is None:
        for v in data.get("verdicts") or []:
            if v.get("metric") and v.get("value") is not None:
                out.setdefault((v.get("interpreter"), v["metric"]),
                               {"interpreter": v.get("interpreter"), "metric": v["metric"], "value": v["value"],
                                "interval": v.get("interval"), "n": v.get("n"), "method": v.get("method")})
    return out


def observations(data):
    """{column: {observation key: value}}.  Format 3 keeps each column's observations.json as
    recorded ({"format", "errors", "dropped", "observations": {...}}): the inner dict is taken."""
    out = {}
    for col, obs in (data.get("observations") or {}).items():
        if isinstance(obs, dict) and isinstance(obs.get("observations"), dict) and "format" in obs:
            obs = obs["observations"]
        out[col] = obs if isinstance(obs, dict) else {}
    return out


def timings(data):
    return data.get("timings") or []


def legend(data):
    return data.get("legend") or LEGEND


def table(data):
    """The claim rows of format 3, or rows rebuilt from format 2's verdicts (in ledger order)."""
    if data.get("table") is not None:
        return data["table"]
    rows = {}
    for v in data.get("verdicts") or []:
        claim = v.get("claim")
        if claim not in rows:
            known = _claim(claim)
            rows[claim] = {"claim": claim, "chapter": known.chapter if known else claim.split(".")[0],
                           "claim_text": known.claim if known else "", "note_figure": v.get("note_figure"),
                           "cells": {}, "changed_at": None, "change": None}
        rows[claim]["cells"][v.get("interpreter")] = {
            k: v.get(k) for k in ("verdict", "value", "interval", "n", "provisional", "why", "events")}
    return list(rows.values())


def _claim(claim_id):
    try:
        return ledger.get(claim_id)
    except (KeyError, LookupError):
        return None
