"""Render verdicts of one or more results folders: Markdown (tabulate) or the JSON report.

The pieces: ``merge`` (several folders -> columns keyed by host and interpreter), ``table``
(the verdict table and "when did it stop being true"), ``timings`` (pyperf's numbers).

JSON report format history (later versions add keys, never remove them):
  1: {"format": 1, "interpreters": [...], "verdicts": [{"claim", "interpreter", "verdict",
     "value", "spread", "note_figure", "why", "evidence"}, ...]}
  2: every verdict adds "interval" ([low, high] of the judged value at 95%, or null for an
     exact fact), "n" (pairs, runs or trials behind it), "provisional" (fewer than 5 pairs),
     "events" (for counts: events of n trials), "metric" (what the value is) and "method"
     (how its interval was made); "spread" is kept, as the interval's half-width.
  3: several results folders merged; a verdict's "interpreter" is its column id.  Adds:
     "interpreters": every row adds "host" (recorded by the run; "" before results format 3),
        "column" (the unique column id: the interpreter id, or "host/id" when the columns come
        from more than one host) and "ledger" (the run's ledger fingerprint); rows in table order.
     "table": [{"claim", "chapter", "section" (the note's heading), "claim_text",
        "note_figure" (the note's figure, or null),
        "cells": {column: {"verdict", "value", "interval" ([low, high] or null), "n",
                           "provisional", "why", "events" (counts: k of n, else null),
                           "text" (the cell as the Markdown shows it)}},
        "changed_at": the column where a decided verdict (holds, contradicted, partly) first differs
                      from the one before it, walking one host's columns in order, or null,
        "changed_from": the decided column just before it, or null,
        "change": {"version", "what", "reference"} (the ledger's CPython change behind it) or null}]
        in chapter order; every claim of the selected chapters, measured or not.
     "metrics": [{"interpreter": column, "metric", "value", "interval", "n", "method", "events"}]:
        every metric the judge loaded for a column (judged or shown as context), and for claims judged
        across columns the metric comparing the column with its twin.
     "timings": [{"interpreter": column, "benchmark", "workload", "mean_s", "interval", "n"}]: from
        pyperf; "interval" is [mean - stdev, mean + stdev] of the n values (null for one value).
     "observations": {column: the column's observations.json, as recorded}.
     "legend": {verdict: one-line meaning}.
  4: "interpreters": every row adds "measured" (the run's measured ledger fingerprint, results
     format 4; a format-3 run's where its ledger is known, else null); "ledger" is the format-3
     fingerprint (prose included) such a run recorded, null for newer runs; "results_format" is
     the format the run wrote (it is read through the migration to the newest).
  report.schema.json (beside this module) is the schema of the newest format.
  Numbers have six significant digits; those JSON cannot hold (an unbounded interval end, NaN)
  are null.
"""
import json
import math
import os

from tabulate import tabulate

from bench import ledger
from bench.harness import results_format
from bench.judge.load import ResultsError
from bench.publish import merge, table as verdict_table, timings
from bench.publish.table import json_interval, json_number
from bench.publish.model_section import model_vs_measurement

FORMAT = 4
# The schema of the newest format, shipped as package data (pyproject.toml).
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report.schema.json")


def _interpreter_row(result):
    m = result.meta
    if m.get("free_threaded"):
        build = "free-threaded, GIL %s at run time" % ("ON" if m.get("gil_enabled") else "off")
    else:
        build = "GIL build"
    return {
        "id": m.get("id") or os.path.basename(result.folder), "column": result.id, "host": merge.host_of(result),
        "version": m.get("version"), "build": build, "executable": m.get("executable"),
        "free_threaded": m.get("free_threaded"), "gil_enabled": m.get("gil_enabled"),
        "python_gil_env": m.get("python_gil_env"), "configure_flags": m.get("configure_flags"),
        "cpu_count": m.get("cpu_count"), "mode": m.get("mode"), "io_backend": m.get("io_backend"),
        "started": m.get("started"), "errors": result.errors, "dropped": result.dropped,
        "rounds": m.get("rounds"), "load_start": m.get("load_start"), "load_end": m.get("load_end"),
        "compiler": m.get("compiler"), "mp_start_method": m.get("mp_start_method"),
        "results_format": m.get("recorded_format"), "ledger": m.get("ledger"), "measured": m.get("measured"),
    }


def _claims(chapters, claims=None):
    """The claims a report shows: those of the chosen chapters, or the claims named (ids)."""
    if claims:
        return [c for c in ledger.CLAIMS if c.id in claims]
    return [c for c in ledger.CLAIMS if not chapters or c.chapter in chapters]


def _workloads(chapters, claims=None):
    """Names of the workloads of the selected chapters, or that the named claims need (None: all)."""
    if claims:
        return {w.name for c in _claims(None, claims) for w in ledger.workloads_of(c)}
    return {w.name for w in ledger.WORKLOADS if w.chapter in chapters} if chapters else None


def _table_rows(results, table, chapters, claims):
    rows = verdict_table.rows(results, table, chapters)
    return [r for r in rows if r["claim"] in claims] if claims else rows


def _verdict_rows(results, table, chapters, claims):
    rows = []
    for result in results:
        for claim in _claims(chapters, claims):
            v = table[result.id][claim.id]
            rows.append({"claim": v.claim, "interpreter": result.id, "verdict": v.verdict, "value": json_number(v.value),
                         "spread": json_number((v.interval[1] - v.interval[0]) / 2) if v.interval else None,
                         "interval": json_interval(v.interval), "n": v.n, "provisional": v.provisional, "events": v.events,
                         "metric": v.metric, "method": v.method, "note_figure": claim.note_figure, "why": v.why,
                         "evidence": v.evidence,
                         # The claim's headline metric in this column, whichever check decided the verdict.
                         "headline": v.headline and dict(v.headline, value=json_number(v.headline["value"]),
                                                         interval=json_interval(v.headline["interval"]))})
    return rows


def _metric_row(column, name, m):
    return {"interpreter": column, "metric": name, "value": json_number(m.value),
            "interval": json_interval(m.interval),
            "n": m.n, "method": m.method, "events": m.events}


def _metric_rows(results, table, chapters, claims):
    keep = _workloads(chapters, claims)
    rows = []
    for result in results:
        for name in sorted(result.metrics):
            producer = ledger.producer(name)
            if keep is None or (producer is not None and producer.name in keep):
                rows.append(_metric_row(result.id, name, result.metrics[name]))
        # Metrics comparing two columns (a build against its twin) live in their verdicts only: a
        # verdict's value of a metric this column did not measure itself.
        for claim in _claims(chapters, claims):
            v = table[result.id][claim.id]
            if v.metric and v.value is not None and v.metric not in result.metrics:
                rows.append(_metric_row(result.id, v.metric, v))
    return rows


def _finite(data):
    """``data`` with every number JSON cannot hold (inf, NaN) as null, at any depth."""
    if isinstance(data, dict):
        return {k: _finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_finite(v) for v in data]
    return None if isinstance(data, float) and not math.isfinite(data) else data


def _observations(result):
    # Read again, whole: the loader kept only what the judge needs, and it has read this file already.
    with open(os.path.join(result.folder, results_format.OBSERVATIONS)) as f:
        return json.load(f)


def to_json(results, table, chapters=None, claims=None):
    return {"format": FORMAT, "interpreters": [_interpreter_row(r) for r in results],
            "verdicts": _verdict_rows(results, table, chapters, claims),
            "table": _table_rows(results, table, chapters, claims),
            "metrics": _metric_rows(results, table, chapters, claims),
            "timings": timings.rows(results, _workloads(chapters, claims)),
            "observations": {r.id: _observations(r) for r in results},
            "legend": dict(verdict_table.LEGEND)}


def _machines(results):
    """The table of what produced each column."""
    several_hosts = len({merge.host_of(r) for r in results}) > 1
    # When each column was measured: columns of one matrix run one after the other, but a column
    # kept by `matrix --resume` may be days older than its neighbours, and cross-column claims compare them.
    head = ["column"] + (["host"] if several_hosts else []) + [
        "measured (UTC)", "build", "mode", "rounds", "CPUs", "load (start, end)", "I/O backend", "configure flags"]
    body = []
    for r in results:
        i = _interpreter_row(r)
        load = "%s, %s" % ((i["load_start"] or ["?"])[0], (i["load_end"] or ["?"])[0])
        when = (i.get("started") or "?")[:16].replace("T", " ")
        body.append([i["column"]] + ([i["host"]] if several_hosts else []) + [
            when, i["build"], i["mode"], i["rounds"] or "-", i["cpu_count"], load,
            i["io_backend"] or "none (no I/O workload)", _flags(i["configure_flags"])])
    return [tabulate(body, head, tablefmt="github"), ""]


def _flags(flags, width=60):
    """The configure flags cut at a whole flag (not mid-token), with "…" when cut."""
    flags = flags or ""
    if len(flags) <= width:
        return flags
    kept = ""
    for flag in flags.split():
        if len(kept) + len(flag) + 1 > width:
            break
        kept = (kept + " " + flag).lstrip()
    return (kept or flags.split()[0]) + " …"


def to_markdown(results, table, chapters=None, why=False, claims=None):
    columns = [r.id for r in results]
    lines = ["# gilbench: the study note's claims, measured", ""]
    lines += _machines(results)
    note = merge.ledger_note(results)
    if note:
        lines += [note, ""]
    lines += ["## The claims", ""] + verdict_table.to_markdown(_table_rows(results, table, chapters, claims), columns,
                                                               why)
    # The model section belongs to the memory chapter: shown when a claim of it is named.
    lines += model_vs_measurement(results, {c.chapter for c in _claims(None, claims)} if claims else chapters)
    lines += [""] + timings.to_markdown(results, _workloads(chapters, claims))
    errors = [(r.id, w, e) for r in results for w, e in r.errors.items()]
    if errors:
        lines += ["", "## Workloads that failed", ""] + ["- %s: %s: %s" % e for e in errors]
    dropped = [(r.id, w, e) for r in results for w, e in r.dropped.items()]
    if dropped:
        lines += ["", "## Values dropped", ""] + ["- %s: %s: %s" % e for e in dropped]
    return "\n".join(lines).rstrip("\n") + "\n"


def report_dict(run_dirs, chapters=None, claims=None):
    """The JSON report (the schema above) of one results folder or several merged, as a dict;
    ``claims`` (ids): only those claims, their workloads' metrics and timings."""
    results = merge.load_all(run_dirs)
    return judged_dict(results, merge.judge(results), chapters, claims)


def judged_dict(results, table, chapters=None, claims=None):
    """The same, from results already loaded and judged (by ``merge``)."""
    # Observations are as recorded, but JSON holds no infinity: every one left becomes null.
    return _finite(to_json(results, table, chapters, claims))


def render(run_dirs, fmt="md", chapters=None, why=False, claims=None):
    """The report of one results folder or several merged (``ResultsError``: one line to show)."""
    if fmt == "json":
        return json.dumps(report_dict(run_dirs, chapters, claims), indent=2, default=str, allow_nan=False) + "\n"
    results = merge.load_all(run_dirs)
    table = merge.judge(results)
    if fmt != "md":
        raise ResultsError("unknown report format %r" % fmt)
    return to_markdown(results, table, chapters, why, claims)
