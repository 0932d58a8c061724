"""The published results: one matrix run rendered into a folder that is committed (docs/results/).

The folder holds the report in every format (Markdown, JSON, HTML with its charts, the PNGs
beside it), the raw files of every column (meta.json, observations.json and pyperf's
bench.json), so that every cell can be traced to a value, and a README that says which machine
produced it, when, with which command, and how long each chapter took on each interpreter.  The
top-level README shows the claim table between two markers; ``publish`` replaces what lies
between them.

The folder is built beside its destination and renamed into place: a reader sees the old
folder or the whole new one.
"""
import json
import os
import shutil
from pathlib import Path

from tabulate import tabulate

from bench import ledger
from bench.atomic import write_text_atomic
from bench.harness.results_format import BENCH, META, OBSERVATIONS
from bench.judge.load import ResultsError
from bench.publish import html, merge, report, table as verdict_table

BEGIN = "<!-- published claim table: begin (written by `gilbench publish`) -->"
END = "<!-- published claim table: end -->"


def publish(run_dir, dest, readme=None):
    """Render ``run_dir`` into ``dest`` (replaced whole); put its claim table into ``readme``.

    Returns the lines saying which charts were skipped and why (empty when all were drawn).
    """
    run_dir, dest = Path(run_dir), Path(dest)
    if readme is not None:
        _table_place(Path(readme))  # refused before anything is written
    results = merge.load_all([str(run_dir)])
    verdicts = merge.judge(results)
    data = report.judged_dict(results, verdicts)
    staging = dest.with_name(".%s.%d.tmp" % (dest.name, os.getpid()))
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        (staging / "report.md").write_text(report.to_markdown(results, verdicts))
        (staging / "report-why.md").write_text(report.to_markdown(results, verdicts, why=True))
        (staging / "report.json").write_text(json.dumps(data, indent=2, default=str, allow_nan=False) + "\n")
        page, skipped = html.render(data, str(staging / "charts"))
        (staging / "report.html").write_text(page)
        for r in results:
            raw = staging / "raw" / r.id
            raw.mkdir(parents=True)
            for name in (META, OBSERVATIONS, BENCH):
                if (run_dir / r.id / name).is_file():
                    shutil.copy2(run_dir / r.id / name, raw / name)
        (staging / "README.md").write_text(_about(run_dir, results, dest))
        old = dest.with_name(".%s.%d.old" % (dest.name, os.getpid()))
        if dest.exists():
            os.replace(dest, old)
        os.replace(staging, dest)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if readme is not None:
        _update_readme(Path(readme), results, verdicts, dest)
    return html.skipped_lines(skipped)


def _about(run_dir, results, dest):
    """The folder's README: machine, date, command, and the time each chapter took per column."""
    metas = [r.meta for r in results]
    started = min((m.get("started") or "" for m in metas), default="")
    cpus = sorted({str(m.get("cpu_count")) for m in metas})
    lines = ["# Published results", "",
             "A `gilbench matrix --fast` run (`make bench`), rendered by `gilbench publish`. Nothing here is typed in:",
             "every cell of `report.md` is a value of `report.json`, judged from the files under `raw/<column>/`",
             "(each run's meta.json, observations.json and pyperf's bench.json).", "",
             "- started: %s (UTC)" % started,
             "- host: %s; %s; %s CPU(s); %s" % (", ".join(sorted({merge.host_of(r) for r in results})),
                                                _recorded(metas, "cpu_model"), "/".join(cpus),
                                                _recorded(metas, "platform")),
             "- results folder: `%s`" % run_dir.name,
             "- files: `report.md` (the claim table, short), `report-why.md` (every cell's reason), "
             "`report.json` (format %s), `report.html` (one self-contained page with the charts), "
             "`charts/*.png`, `raw/`" % report.FORMAT, ""]
    lines += ["## Time per chapter (seconds, wall clock, each column's own run)", ""] + _chapter_times(results)
    return "\n".join(lines) + "\n"


def _chapter_times(results):
    chapters = [c for c in ledger.CHAPTERS if any(w.chapter == c for w in ledger.WORKLOADS)]
    rows = []
    for r in results:
        seconds = r.meta.get("workload_seconds") or {}
        per = {c: 0.0 for c in chapters}
        for name, s in seconds.items():
            try:
                per[ledger.workload(name).chapter] += s
            except KeyError:  # a workload of another ledger: counted in the total only
                pass
        rows.append([r.id] + ["%.0f" % per[c] for c in chapters] + ["%.0f" % sum(seconds.values())])
    return [tabulate(rows, ["column"] + chapters + ["all workloads"], tablefmt="github"), ""]


def _recorded(metas, key):
    """What the runs recorded about their machine (never this machine's: it may be another)."""
    values = sorted({str(m[key]) for m in metas if m.get(key)})
    return " / ".join(values) if values else "%s not recorded" % key


def _table_place(readme):
    text = readme.read_text()
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ResultsError("%s has no place for the claim table (one line %r, then one line %r)" % (readme, BEGIN, END))
    return text


def _update_readme(readme, results, verdicts, dest):
    text = _table_place(readme)
    link = os.path.relpath(dest, readme.parent)
    started = min((r.meta.get("started") or "" for r in results), default="")
    body = ["", "The claims of the note on every interpreter of one `make bench` run (%s, %s CPUs; "
                "[all files](%s), [the page with charts](%s/report.html), [every cell's reason](%s/report-why.md)):"
            % (started[:10], "/".join(sorted({str(r.meta.get("cpu_count")) for r in results})), link, link, link), ""]
    note = merge.ledger_note(results)
    if note:
        body += [note, ""]
    body += verdict_table.to_markdown(verdict_table.rows(results, verdicts), [r.id for r in results])
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    write_text_atomic(readme, head + BEGIN + "\n" + "\n".join(body).rstrip("\n") + "\n" + END + tail)
