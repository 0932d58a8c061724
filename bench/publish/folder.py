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
import os
import shutil
from pathlib import Path

from bench.atomic import write_text_atomic
from bench.harness.results_format import BENCH, META, OBSERVATIONS
from bench.judge.load import ResultsError
from bench.publish import html, markdown, model as report_model, readme as readme_text, report, report_json

BEGIN = "<!-- published claim table: begin (written by `gilbench publish`) -->"
END = "<!-- published claim table: end -->"


def publish(run_dir, dest, readme=None):
    """Render ``run_dir`` into ``dest`` (replaced whole); put its claim table into ``readme``.

    Returns the lines saying which charts were skipped and why (empty when all were drawn).
    """
    run_dir, dest = Path(run_dir), Path(dest)
    if readme is not None:
        _table_place(Path(readme))  # refused before anything is written
    model = report_model.build([str(run_dir)])
    data = report_json.to_dict(model)
    staging = dest.with_name(".%s.%d.tmp" % (dest.name, os.getpid()))
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        (staging / "report.md").write_text(markdown.to_markdown(model))
        (staging / "report-why.md").write_text(markdown.to_markdown(model, why=True))
        (staging / "report.json").write_text(report.to_text(data))
        page, skipped = report.page(data, str(staging / "charts"))
        (staging / "report.html").write_text(page)
        for column in model.column_ids:
            raw = staging / "raw" / column
            raw.mkdir(parents=True)
            for name in (META, OBSERVATIONS, BENCH):
                if (run_dir / column / name).is_file():
                    shutil.copy2(run_dir / column / name, raw / name)
        (staging / "README.md").write_text(readme_text.about(model, run_dir.name, report.FORMAT))
        old = dest.with_name(".%s.%d.old" % (dest.name, os.getpid()))
        if dest.exists():
            os.replace(dest, old)
        os.replace(staging, dest)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if readme is not None:
        _update_readme(Path(readme), model, dest)
    return html.skipped_lines(skipped)


def _table_place(readme):
    text = readme.read_text()
    if text.count(BEGIN) != 1 or text.count(END) != 1 or text.index(BEGIN) > text.index(END):
        raise ResultsError("%s has no place for the claim table (one line %r, then one line %r)" % (readme, BEGIN, END))
    return text


def _update_readme(readme, model, dest):
    text = _table_place(readme)
    body = readme_text.claim_table(model, os.path.relpath(dest, readme.parent))
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    write_text_atomic(readme, head + BEGIN + "\n" + body + END + tail)
