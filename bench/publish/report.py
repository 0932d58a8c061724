"""The report of one or more results folders, as a one-way pipeline: load and merge, judge, one
report model (``model.build``), then a renderer that reads only the model: Markdown
(``markdown``), the JSON report (``report_json``), the HTML page (``html``, from the JSON dict).

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
     Also (optional keys, absent from reports written before): "table" rows add "unit" (the headline
     metric's unit) and "phrase" (the note's own Korean words); "questions": [{"question", "claims"}]
     (the HTML summary's questions and the claim ids whose verdicts answer them); "interpreters"
     rows add "libraries" ({distribution: version or null} of pyperf and the I/O clients; null for
     runs that did not record them).
  report.schema.json (beside this module) is the schema of the newest format.
  Numbers have six significant digits; those JSON cannot hold (an unbounded interval end, NaN)
  are null.
"""
import json
import os

from bench.judge.load import ResultsError
from bench.publish import html, markdown, model as report_model, report_json, report_migrate

FORMAT = report_json.FORMAT
# The schema of the newest format, shipped as package data (pyproject.toml).
SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "report.schema.json")


def report_dict(run_dirs, chapters=None, claims=None, labels=None):
    """The JSON report (the schema above) of one results folder or several merged, as a dict;
    ``claims`` (ids): only those claims, their workloads' metrics and timings."""
    return report_json.to_dict(report_model.build(run_dirs, chapters, claims, labels))


def to_text(data):
    """The JSON report's text."""
    return json.dumps(data, indent=2, default=str, allow_nan=False) + "\n"


def page(data, charts_dir=None):
    """(HTML page, skipped charts) of a JSON report dict of any format (older ones migrated first)."""
    return html.render(report_migrate.migrate(data), report_model.VOCABULARY, charts_dir)


def render_files(run_dir):
    """({file name: text}, skipped-chart lines) of a matrix run's own reports, from one model:
    report.md, report.json and the self-contained report.html (charts left off without matplotlib,
    each reason a line)."""
    model = report_model.build([run_dir])
    data = report_json.to_dict(model)
    files = {"report.md": markdown.to_markdown(model), "report.json": to_text(data)}
    try:
        page_text, skipped = page(data)
    except Exception as exc:  # the page (its charts) must never cost the run's Markdown and JSON
        return files, ["report.html not written: %s: %s (report.md and report.json are)" % (type(exc).__name__, exc)]
    files["report.html"] = page_text
    return files, html.skipped_lines(skipped)


def render(run_dirs, fmt="md", chapters=None, why=False, claims=None, labels=None):
    """The report of one results folder or several merged (``ResultsError``: one line to show);
    ``labels``: {folder: host label} replacing the label its runs recorded."""
    model = report_model.build(run_dirs, chapters, claims, labels)  # a folder that cannot be read says so first
    if fmt == "json":
        return to_text(report_json.to_dict(model))
    if fmt != "md":
        raise ResultsError("unknown report format %r" % fmt)
    return markdown.to_markdown(model, why)
