"""The published folder's README and the claim table the top-level README shows, from the report
model alone (``folder`` writes them)."""
import html

from tabulate import tabulate


def about(model, run_name, report_format):
    """The folder's README: machine, date, command, and the time each chapter took per column."""
    columns = model.columns
    started = min((c.started or "" for c in columns), default="")
    cpus = sorted({str(c.cpu_count) for c in columns})
    lines = ["# Published results", "",
             "A `gilbench matrix --fast` run (`make bench`), rendered by `gilbench publish`. Nothing here is typed in:",
             "every cell of `report.md` is a value of `report.json`, judged from the files under `raw/<column>/`",
             "(each run's meta.json, observations.json and pyperf's bench.json).", "",
             "- started: %s (UTC)" % started,
             "- host: %s; %s; %s CPU(s); %s" % (", ".join(sorted({c.host for c in columns})),
                                                _recorded(columns, "cpu_model"), "/".join(cpus),
                                                _recorded(columns, "platform")),
             "- results folder: `%s`" % run_name,
             "- gilbench source: %s" % _sources(columns),
             "- files: `report.md` (the claim table, short), `report-why.md` (every cell's reason), "
             "`report.json` (format %s), `report.html` (one self-contained page with the charts), "
             "`charts/*.png`, `raw/`" % report_format, ""]
    lines += ["## Time per chapter (seconds, wall clock, each column's own run)", ""] + _chapter_times(model)
    return "\n".join(lines) + "\n"


def _chapter_times(model):
    times = model.chapter_times
    rows = [[column] + ["%.0f" % per[c] for c in times.chapters] + ["%.0f" % total]
            for column, per, total in times.rows]
    return [tabulate(rows, ["column"] + times.chapters + ["all workloads"], tablefmt="github"), ""]


def _sources(columns):
    """The commit(s) the columns were measured with, as their meta.json recorded them."""
    commits = sorted({c.source for c in columns if c.source})
    missing = sum(1 for c in columns if not c.source)
    words = ", ".join("commit `%s`" % s for s in commits)
    if missing:
        words += ("; " if words else "") + (
            "%d column(s) recorded none (older runs, no git checkout, or git could not read it)" % missing)
    return words


def _recorded(columns, key):
    """What the runs recorded about their machine (never this machine's: it may be another)."""
    values = sorted({str(getattr(c, key)) for c in columns if getattr(c, key)})
    return " / ".join(values) if values else "%s not recorded" % key


def claim_table(model, link):
    """The lines between the top-level README's markers: a compact table (a mark per cell: the
    verdict; the values with their intervals are in the report it links) and "when did it stop
    being true", short enough to sit on the README's first screens."""
    columns = model.columns
    started = min((c.started or "" for c in columns), default="")
    body = ["", "Every claim of the note on each interpreter of one `make bench` run (%s, %s CPUs). A cell is the "
                "verdict; the measured headline value of every cell, with its 95%% interval, is in "
                "[the report](%s/report.md) ([the page with charts](%s/report.html), [every cell's reason](%s/report-why.md), "
                "[all files](%s))." % (started[:10], "/".join(sorted({str(c.cpu_count) for c in columns})),
                                       link, link, link, link), ""]
    if model.ledger_note:
        body += [model.ledger_note, ""]
    body += compact_table(model.rows, model.column_ids, model.vocabulary)
    body += _changes(model.rows)
    return "\n".join(body).rstrip("\n") + "\n"


def _named(style):
    """A mark of the README's table with its verdict's word and, where the report writes it otherwise
    (``~ noise``, ``? undecided``), the report's too: a reader goes from one to the other."""
    named = style.word if mark(style) == style.word else "%s %s" % (mark(style), style.word)
    same = style.mark.lower() in (style.word, mark(style).lower())
    return named if same else "%s (`%s` in the report)" % (named, style.mark)


def mark(style):
    """A verdict as one short sign (the page's mark, as text): holds ✓, contradicted ✗, partly ◐, ..."""
    return html.unescape(style.html_mark)


def compact_table(rows, columns, vocabulary):
    """One line per claim measured somewhere, one mark per column, the column where it changed; then
    what each mark means."""
    styles = vocabulary.styles
    shown = [r for r in rows if any(c.verdict != vocabulary.not_measured for c in r.cells.values())]
    body = [[r.claim] + [_compact_cell(r.cells[c], styles) for c in columns] + [r.changed_at or ""] for r in shown]
    lines = [tabulate(body, ["claim"] + columns + ["changed at"], tablefmt="github"), ""]
    unmeasured = [r.claim for r in rows if r not in shown]
    if unmeasured:
        lines += ["Measured on no interpreter of this run: %s." % ", ".join(unmeasured), ""]
    lines += ["Marks: " + "; ".join(_named(s) for s in styles.values())
              + "; * provisional (fewer pairs than the legend asks, columns compared unpaired, or a machine short of "
                "parallelism); ⚠ a figure "
                "the claim reads beyond what physics allows (a measurement problem: the shown one, or another the "
                "report's cell names). What each verdict requires: the legend under the report's tables.", ""]
    return lines


def _compact_cell(cell, styles):
    """A cell as one mark: * provisional, ⚠ when a figure of the row is beyond what physics allows."""
    return mark(styles[cell.verdict]) + ("*" if cell.provisional else "") + (" ⚠" if cell.problem else "")


def _changes(rows):
    changed = [r for r in rows if r.changed_at]
    if not changed:
        return []
    lines = ["### When did it stop being true", ""]
    for r in changed:
        line = "- **%s**: %s on %s, %s on %s" % (r.claim, r.cells[r.changed_from].verdict, r.changed_from,
                                                r.cells[r.changed_at].verdict, r.changed_at)
        if r.change:
            line += ": %s %s (%s)" % (r.change.version, r.change.what, r.change.reference)
        lines.append(line)
    return lines + [""]
