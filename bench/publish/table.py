"""The cross-interpreter verdict table, in Markdown: every claim (rows, by chapter) on every column.

"When did it stop being true" (``model.changed_at``) is laid out here as the model holds it: the
column where a decisive verdict first differs from the one before it, and the ledger's CPython
change behind it when it records one.  Reads only the report model's rows (``model.Row``).
"""
from tabulate import tabulate


def _changed_text(row):
    if not row.changed_at:
        return ""
    return row.changed_at + (" (%s)" % row.change.reference if row.change else "")


def to_markdown(table_rows, columns, vocabulary, why=False, statistics=()):
    """Markdown lines: a table per chapter, the changes, the legend (``statistics``: the model's
    statement of the statistics); every cell's why when asked."""
    lines = []
    head = ["claim", "the note's figure"] + columns + ["changed at"]
    unmeasured = [r.claim for r in table_rows
                  if all(c.verdict == vocabulary.not_measured for c in r.cells.values())]
    for chapter in dict.fromkeys(r.chapter for r in table_rows):
        shown = [r for r in table_rows if r.chapter == chapter and (why or r.claim not in unmeasured)]
        # The claim with the unit of its headline metric: the one quantity every cell of the row shows.
        body = [[r.claim + (" · %s" % r.unit if r.unit else ""), r.note_figure or ""]
                + [r.cells[c].text for c in columns] + [_changed_text(r)]
                for r in shown]
        if body:
            lines += ["### %s (%s)" % (shown[0].section, chapter), "", tabulate(body, head, tablefmt="github"), ""]
    if unmeasured and not why:
        lines += ["Not measured on any interpreter (%d claim(s); `--why` lists them with the reason): %s."
                  % (len(unmeasured), ", ".join(unmeasured)), ""]
    changed = [r for r in table_rows if r.changed_at]
    if changed:
        lines += ["#### When did it stop being true", ""]
        for r in changed:
            before = r.changed_from
            line = "- **%s**: %s on %s, then %s on %s" % (r.claim, r.cells[before].verdict, before,
                                                       r.cells[r.changed_at].verdict, r.changed_at)
            if r.change:
                line += ": %s %s (%s)" % (r.change.version, r.change.what, r.change.reference)
            lines.append(line)
        lines.append("")
    # The statistics as the model states them (model.statistics: from the judge's own constants).
    for line in statistics:
        lines += [line, ""]
    lines += ["'changed at': the first column where a decisive verdict differs from the one before it (with the "
              "CPython change behind it, when the ledger knows it). The note's figures are the note's, not measured. "
              "A figure beyond what physics allows (a speedup above its workers or the usable CPUs, or GIL-on threads "
              "faster than one worker) is flagged '⚠ measurement problem' and makes the verdict provisional; the why "
              "gives it. The prediction a value was judged against is in the claim's why (`--why`, and the HTML report).", ""]
    lines += ["- %s: %s" % (v.mark, v.legend) for v in vocabulary.styles.values()]
    if why:
        lines += ["", "### Why", ""]
        for r in table_rows:
            for c in columns:
                cell = r.cells[c]
                lines.append("- **%s** on %s: %s — %s" % (r.claim, c, cell.verdict, cell.why))
    return lines
