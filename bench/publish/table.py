"""The cross-interpreter verdict table: every claim (rows, by chapter) on every column.

"When did it stop being true": walking one host's columns in version order, a claim changes
where a decisive verdict (holds, contradicted, partly) differs from the first decisive verdict
before it.  Undecided, within-noise, n/a and not-measured cells say nothing about the claim's
truth, so they neither start nor end a run; a flip between two noisy cells is never reported
as a change.  Where the ledger records a CPython change (``Claim.changes``) made between the
two columns' versions, the table gives its one-line reason and reference.
"""
import math

from tabulate import tabulate

from bench import ledger
from bench.ledger import versions
from bench.ledger.vocabulary import Verdict
from bench.judge.evaluate import describe_value
from bench.publish.merge import host_of

# One line per verdict: the legend under the Markdown table, and the JSON report's "legend".
LEGEND = {v.value: v.legend for v in Verdict}
_UNMEASURED = (Verdict.NOT_MEASURED,)


def _claims(chapters):
    return [c for c in ledger.CLAIMS if not chapters or c.chapter in chapters]


def json_number(x):
    """Six significant digits; JSON has no infinity or NaN: an unbounded end (or no value) is null."""
    if isinstance(x, float):
        return float("%.6g" % x) if math.isfinite(x) else None
    return x


def json_interval(interval):
    """[low, high] as JSON numbers (an unbounded end: null), or null for no interval (an exact fact)."""
    return [json_number(x) for x in interval] if interval else None


def cell_text(v, claim=None):
    """A cell as a person reads it: the mark, then the value and its interval; * = provisional.

    An undecided cell whose value is a precondition's, not the claim's own, names that metric:
    "? undecided 2/40" under "x = 0" would read as two races of the fix.
    """
    text = Verdict(v.verdict).mark
    if claim is not None and v.verdict == Verdict.INCONCLUSIVE and v.metric in {c.metric for c in claim.given}:
        text += " (needs %s)" % v.metric
    if v.value is not None:
        text += " " + describe_value(v.value, v.interval, v.n, v.events)
        if v.provisional:
            text += "*"
    return text


def _cell(v, claim=None):
    return {"verdict": v.verdict, "value": json_number(v.value),
            "interval": json_interval(v.interval), "n": v.n,
            "provisional": v.provisional, "why": v.why, "events": v.events, "text": cell_text(v, claim)}


def _minor(meta):
    """(major, minor) of a column's version, (0, 0) when unreadable."""
    return versions.sort_key(meta.get("version"))[:2]


def _change_between(claim, before, after):
    """The ledger's change that explains a verdict change from column ``before`` to ``after``, or None.

    Changes made in (before's version, after's version]; between two builds of one version (a GIL
    build and its free-threaded twin), a change of that version.  The latest wins: the ledger lists
    them oldest first.
    """
    lo, hi = _minor(before.meta), _minor(after.meta)
    found = None
    for change in claim.changes:
        v = versions.minor(change.version)
        if lo < v <= hi or (lo == hi == v):
            found = change
    return found


def changed_at(claim, results, table):
    """(last column of the first decisive verdict, the column where it first differs, the ledger's change).

    (None, None, None) when no host's columns show a change.
    """
    for host in sorted({host_of(r) for r in results}):
        first, last = None, None
        for r in (r for r in results if host_of(r) == host):
            verdict = table[r.id][claim.id].verdict
            if not Verdict(verdict).decisive:
                continue
            if first is not None and verdict != first:
                return last.id, r.id, _change_between(claim, last, r)
            first, last = verdict, r
    return None, None, None


def rows(results, table, chapters=None):
    """The JSON report's "table": one row per claim, in chapter order."""
    out = []
    for claim in _claims(chapters):
        before, column, change = changed_at(claim, results, table)
        out.append({"claim": claim.id, "chapter": claim.chapter, "section": claim.section, "claim_text": claim.claim,
                    "note_figure": claim.note_figure, "cells": {r.id: _cell(table[r.id][claim.id], claim) for r in results},
                    "changed_at": column, "changed_from": before,
                    "change": {"version": change.version, "what": change.what, "reference": change.reference}
                    if change else None})
    return out


def _changed_text(row):
    if not row["changed_at"]:
        return ""
    return row["changed_at"] + (" (%s)" % row["change"]["reference"] if row["change"] else "")


def to_markdown(table_rows, columns, why=False):
    """Markdown lines: a table per chapter, the changes, the legend; every cell's why when asked."""
    lines = []
    head = ["claim", "the note's figure"] + columns + ["changed at"]
    unmeasured = [r["claim"] for r in table_rows
                  if all(c["verdict"] in _UNMEASURED for c in r["cells"].values())]
    for chapter in dict.fromkeys(r["chapter"] for r in table_rows):
        body = [[r["claim"], r["note_figure"] or ""] + [r["cells"][c]["text"] for c in columns] + [_changed_text(r)]
                for r in table_rows if r["chapter"] == chapter and (why or r["claim"] not in unmeasured)]
        if body:
            lines += ["### %s (%s)" % (ledger.get(body[0][0]).section, chapter), "", tabulate(body, head, tablefmt="github"), ""]
    if unmeasured and not why:
        lines += ["Not measured on any interpreter (%d claim(s); `--why` lists them with the reason): %s."
                  % (len(unmeasured), ", ".join(unmeasured)), ""]
    changed = [r for r in table_rows if r["changed_at"]]
    if changed:
        lines += ["#### When did it stop being true", ""]
        for r in changed:
            before = r["changed_from"]
            line = "- **%s**: %s on %s, then %s on %s" % (r["claim"], r["cells"][before]["verdict"], before,
                                                       r["cells"][r["changed_at"]]["verdict"], r["changed_at"])
            if r["change"]:
                line += ": %s %s (%s)" % (r["change"]["version"], r["change"]["what"], r["change"]["reference"])
            lines.append(line)
        lines.append("")
    lines += ["Cells: the verdict, then the value it turned on with its 95% interval [low, high] (ratios: paired "
              "t over rounds; counts: k/n trials with the exact Clopper-Pearson interval of the rate). "
              "* provisional: fewer than 5 pairs, columns compared unpaired, or (claims about parallel speed-ups) "
              "the machine's own parallelism, 2 processes over 1, reached below x1.5 in this run. Counts are "
              "decided at a stated rate: 'never' holds once the rate's 95% upper bound is below 1% (the note's "
              "own race) or 5% (every other count). 'changed at': the first column "
              "where a decisive verdict differs from the one before it (with the CPython change behind it, when "
              "the ledger knows it). The note's figures are the note's, not measured. A value of 1 or 0 is a "
              "yes/no fact (1 = observed, 0 = not observed); the prediction a value was judged against is in "
              "the claim's why (`--why`, and the HTML report).", ""]
    lines += ["- %s: %s" % (v.mark, v.legend) for v in Verdict]
    if why:
        lines += ["", "### Why", ""]
        for r in table_rows:
            for c in columns:
                cell = r["cells"][c]
                lines.append("- **%s** on %s: %s — %s" % (r["claim"], c, cell["verdict"], cell["why"]))
    return lines
