"""Every block of a note on every column: the result both renderers read (and the JSON report is)."""
from __future__ import annotations

from pathlib import Path

from bench.progress import progress
from bench.snippets.compare import compare
from bench.snippets.execute import Column, run_block
from bench.snippets.extract import blocks_of

FORMAT = 1


def run_note(note: Path, columns: list[Column], timeout: float, environ=None) -> dict:
    """Run every runnable block of ``note`` on each column, in the note's order; one dict for the reports."""
    text = note.read_text(encoding="utf-8")
    blocks = blocks_of(text)
    runnable = [b for b in blocks if b.runnable]
    rows = []
    for block in blocks:
        runs, comparisons = {}, {}
        for column in columns:
            run = run_block(block, column, timeout, environ)
            runs[column.id] = run.to_dict()
            comparisons[column.id] = compare(block, run)
            if block.runnable:
                progress("block %d of %d (line %d) on %s: %s%s" % (
                    runnable.index(block) + 1, len(runnable), block.line, column.id, run.outcome,
                    ": " + run.detail if run.detail else ""))
        rows.append({"number": block.number, "line": block.line, "language": block.language,
                     "kind": block.kind, "first_line": block.first_line, "source": block.source,
                     "expectations": [e.__dict__ for e in block.expectations()],
                     "runs": runs, "comparisons": comparisons})
    return {
        "format": FORMAT,
        "note": str(note),
        "timeout_s": timeout,
        "how": ("script blocks: `python snippet.py` in a fresh empty directory, stdin empty; console "
                "transcripts (>>>): fed to `python -q -i` on stdin, an interactive session"),
        "columns": [{"id": c.id, "python": c.python, "env": c.env} for c in columns],
        "blocks": rows,
    }
