"""A matrix writes its reports into its own results folder: report.md, report.json and report.html
(issue 18 item 2), made from one report model, and says where they are.

The measuring is replaced by the recorded columns of a real matrix run (tests/fixtures/matrix-gil):
what is tested is the report step after it, not a measurement.
"""
import json
import os
import shutil
import sys

from bench.cli import main
from bench.interpreters import matrix
from bench.publish import report

_RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "matrix-gil")


def test_render_files_gives_the_three_reports_of_one_model():
    files, skipped = report.render_files(_RECORDED)
    assert sorted(files) == ["report.html", "report.json", "report.md"]
    assert files["report.md"] == report.render(_RECORDED)
    assert json.loads(files["report.json"]) == json.loads(report.render(_RECORDED, "json"))
    assert files["report.html"].startswith("<!DOCTYPE html>") and 'id="summary"' in files["report.html"]
    assert all(isinstance(line, str) for line in skipped)


def test_the_matrix_writes_md_json_and_html_into_its_folder_and_names_them(tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"

    def recorded_run(chosen, out_dir, *args, **kwargs):
        for column in sorted(os.listdir(_RECORDED)):
            shutil.copytree(os.path.join(_RECORDED, column), os.path.join(str(out_dir), column))
        return [matrix.Outcome(c, True, 1.0) for c in sorted(os.listdir(_RECORDED))]

    monkeypatch.setattr(matrix, "run_matrix", recorded_run)
    assert main(["matrix", "--fast", "--no-build", "--pythons", sys.executable, "--only", "switching",
                 "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert sorted(p for p in os.listdir(str(out)) if p.startswith("report")) == [
        "report.html", "report.json", "report.md"]
    assert captured.out == (out / "report.md").read_text(encoding="utf-8")  # stdout: the Markdown report only
    assert json.loads((out / "report.json").read_text(encoding="utf-8"))["format"] == report.FORMAT
    assert "<meta name=\"viewport\"" in (out / "report.html").read_text(encoding="utf-8")
    written = [line for line in captured.err.splitlines() if "reports written" in line]
    assert written and all(str(out / name) in written[0] for name in ("report.md", "report.json", "report.html"))


def test_a_page_that_cannot_be_drawn_costs_neither_the_markdown_nor_the_json(monkeypatch):
    from bench.publish import report

    def broken(data):
        raise RuntimeError("a chart failed")

    monkeypatch.setattr(report, "page", broken)
    files, skipped = report.render_files(_RECORDED)
    assert set(files) == {"report.md", "report.json"}
    assert skipped == ["report.html not written: RuntimeError: a chart failed (report.md and report.json are)"]
