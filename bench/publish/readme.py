"""The published folder's README and the claim table the top-level README shows, from the report
model alone (``folder`` writes them)."""
from tabulate import tabulate

from bench.publish import table as verdict_table


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


def _recorded(columns, key):
    """What the runs recorded about their machine (never this machine's: it may be another)."""
    values = sorted({str(getattr(c, key)) for c in columns if getattr(c, key)})
    return " / ".join(values) if values else "%s not recorded" % key


def claim_table(model, link):
    """The lines between the top-level README's markers: the claim table of every column."""
    columns = model.columns
    started = min((c.started or "" for c in columns), default="")
    body = ["", "The claims of the note on every interpreter of one `make bench` run (%s, %s CPUs; "
                "[all files](%s), [the page with charts](%s/report.html), [every cell's reason](%s/report-why.md)):"
            % (started[:10], "/".join(sorted({str(c.cpu_count) for c in columns})), link, link, link), ""]
    if model.ledger_note:
        body += [model.ledger_note, ""]
    body += verdict_table.to_markdown(model.rows, model.column_ids, model.vocabulary,
                                      statistics=model.statistics)
    return "\n".join(body).rstrip("\n") + "\n"
