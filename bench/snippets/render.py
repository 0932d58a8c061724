"""The snippet report: Markdown (tabulate, GitHub style) or JSON, from ``runner.run_note``'s result."""
from __future__ import annotations

import json

from bench.snippets.compare import DIFFERS, SAME

_OUTCOME_WORDS = {"ok": "ran as written", "fail": "failed", "timeout": "timed out",
                  "needs-backend": "needs the I/O backend"}
_MARK = {SAME: "✓", DIFFERS: "✗"}
_CELL_CHARS = 70


def render(result: dict, fmt: str = "md") -> str:
    if fmt == "json":
        return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    return _markdown(result)


def summary_counts(result: dict) -> dict:
    """{column id: {outcome: number of blocks}} over the Python blocks."""
    counts = {c["id"]: {k: 0 for k in _OUTCOME_WORDS} for c in result["columns"]}
    for block in result["blocks"]:
        for cid, run in block["runs"].items():
            if run["outcome"] in _OUTCOME_WORDS:
                counts[cid][run["outcome"]] += 1
    return counts


def _cell(text, limit: int = _CELL_CHARS) -> str:
    text = " ⏎ ".join(str(text).splitlines()).replace("|", "\\|")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _outcome_cell(run: dict) -> str:
    outcome = run["outcome"]
    if outcome == "not-python":
        return "–"
    if outcome == "ok":
        return "ok" + (" (%s)" % run["note"] if run.get("note") else "")
    if outcome == "fail":
        return "**fail**: " + run.get("detail", "")
    return run.get("detail", outcome)


def _printed_cell(row: dict) -> str:
    if row["printed"] is None:
        return "(not printed)"
    return "%s %s" % (_MARK.get(row["verdict"], "?"), row.get("first_difference", row["printed"]))


def _markdown(result: dict) -> str:
    from tabulate import tabulate

    ids = [c["id"] for c in result["columns"]]
    blocks = result["blocks"]
    python_blocks = [b for b in blocks if b["kind"] != "not Python"]
    out = ["# The note, run verbatim", "",
           "Note: `%s` — %d code blocks, %d of them Python (%d console transcripts); time limit %g s per block." % (
               result["note"], len(blocks), len(python_blocks),
               sum(b["kind"] == "console" for b in blocks), result["timeout_s"]),
           "How: %s." % result["how"], ""]
    for c in result["columns"]:
        env = " ".join("%s=%s" % kv for kv in sorted(c["env"].items()))
        out.append("- `%s`: `%s`%s" % (c["id"], c["python"], " with " + env if env else ""))
    counts = summary_counts(result)
    out += ["", "## Outcomes", "",
            tabulate([[cid] + [counts[cid][k] for k in _OUTCOME_WORDS] for cid in ids],
                     ["interpreter"] + list(_OUTCOME_WORDS.values()), tablefmt="github", disable_numparse=True),
            "", "## Every code block", "",
            tabulate([[b["number"], b["line"], b["language"] or "–", b["kind"], "`%s`" % _cell(b["first_line"], 50)]
                      + [_cell(_outcome_cell(b["runs"][cid]), 100) for cid in ids] for b in blocks],
                     ["#", "line", "fence", "kind", "first line"] + ids, tablefmt="github", disable_numparse=True)]
    rows = []
    for b in blocks:
        by_line = {}
        for cid in ids:
            for row in b["comparisons"].get(cid, []):
                by_line.setdefault((row["line"], row["code"], row["expected"]), {})[cid] = row
        for (line, code, expected), per in by_line.items():
            rows.append([b["number"], line, "`%s`" % _cell(code, 45), _cell(expected, 40)]
                        + [_cell(_printed_cell(per[cid]), 40) if cid in per else "–" for cid in ids])
    out += ["", "## What the comments say a line prints, and what it printed", "",
            "✓ the output is what the comment says (a trailing `...` in the comment matches any continuation), "
            "✗ it is not; (not printed): the block stopped first, or the line's output could not be told apart.",
            ""]
    out.append(tabulate(rows, ["#", "line", "code", "the note says"] + ids, tablefmt="github", disable_numparse=True) if rows
               else "No comment in the note says what a line prints.")
    return "\n".join(out) + "\n"
