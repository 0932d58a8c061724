"""The HTML report: one self-contained page with the tables and the charts of a JSON report.

Rendered from recorded results of a real matrix run (tests/fixtures/matrix-gil; tests/fixtures/README.md);
the charts whose workloads are not built yet (I/O, mp, memory) from a small synthetic report,
marked as such, whose only job is to show those charts get drawn from the keys they read.
"""
import json
import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from bench.children import run_in_group
from bench.cli import main
from bench.publish import charts, html, report

_RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "matrix-gil")


class _Links(HTMLParser):
    def __init__(self):
        HTMLParser.__init__(self)
        self.tags, self.urls, self.imgs, self.figures = [], [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.urls += [v for k, v in attrs.items() if k in ("src", "href", "srcset", "action", "data") and v]
        if tag == "img":
            self.imgs.append(attrs.get("src") or "")
        if tag == "figure":
            self.figures.append(attrs.get("id"))


def _parse(page):
    parser = _Links()
    parser.feed(page)
    return parser


def _report_json(capsys):
    assert main(["report", _RECORDED, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _html(capsys, *extra):
    assert main(["report", _RECORDED, "--format", "html"] + list(extra)) == 0
    captured = capsys.readouterr()
    return captured.out, captured.err


def _assert_self_contained(page):
    parsed = _parse(page)
    assert not [u for u in parsed.urls if u.startswith(("http://", "https://", "//"))], parsed.urls
    assert all(src.startswith("data:image/png;base64,") for src in parsed.imgs), parsed.imgs
    # Nothing to fetch: no link, and the one script is the filter's, inline (no src: the urls above).
    assert parsed.tags.count("script") == 1 and "link" not in parsed.tags
    assert "@import" not in page and "url(" not in page
    return parsed


def test_page_of_a_recorded_matrix_is_self_contained_and_embeds_every_chart_its_data_allows(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    data = _report_json(capsys)
    drawn, skipped = charts.make(data)
    assert main(["report", _RECORDED, "--format", "html", "--charts-dir", str(tmp_path)]) == 0
    page = capsys.readouterr().out
    parsed = _assert_self_contained(page)
    # The run measured the countdown on threads: its scaling chart must be there, and every chart
    # drawn from this report is on the page and in the charts folder; the others say why not.
    names = [c.name for c in drawn]
    assert "cpu-scaling" in names
    if data.get("metrics") is not None:  # format 3 carries every metric, not only the judged ones
        assert {"gil-release", "single-thread"} <= set(names)
    assert parsed.figures == ["chart-" + n for n in names]
    assert len(parsed.imgs) == len(names)
    assert sorted(os.listdir(str(tmp_path))) == sorted(n + ".png" for n in names)
    for s in skipped:
        assert 'id="skipped-%s"' % s.name in page
    # The tables: every column with its GIL state, and the claims with their marks.
    for interpreter in data["interpreters"]:
        assert ">%s<" % (interpreter.get("column") or interpreter["id"]) in page
    assert "gil.countdown-threads-slower" in page and "GIL at run time" in page
    assert "&#10007;" in page and "&#10003;" in page  # contradicted and holds both occur in this run


def test_without_matplotlib_the_page_renders_and_names_the_skipped_charts(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    page, err = _html(capsys)
    parsed = _assert_self_contained(page)
    assert parsed.imgs == []
    assert "matplotlib is not installed" in page and "matplotlib is not installed" in err
    assert 'id="skipped-cpu-scaling"' in page  # the chart this run has data for is named, with why
    assert "gil.countdown-threads-slower" in page


def _synthetic():
    """A made-up report (not measured: it only exercises the drawing) with the keys of the charts
    whose workloads are not built yet."""
    cols = ["3.12.1", "3.13.5t"]
    interpreters = [{"id": "3.12.1", "column": "3.12.1", "free_threaded": False, "gil_enabled": True, "cpu_count": 2,
                     "errors": {"io": "the backend <down>"}},
                    {"id": "3.13.5t", "column": "3.13.5t", "free_threaded": True, "gil_enabled": False,
                     "cpu_count": 2}]
    metrics = []
    for i, col in enumerate(cols):
        for k in (2, 4, 8, 16):
            metrics.append({"interpreter": col, "metric": "io.speedup.threads%d" % k, "value": 1.0 + k / 4.0,
                            "interval": [0.9 + k / 4.0, 1.1 + k / 4.0], "n": 6})
        metrics += [{"interpreter": col, "metric": "io.speedup.asyncio16", "value": 5.0, "interval": None, "n": 6},
                    {"interpreter": col, "metric": "io.ceiling.threads", "value": 4.5, "interval": [4, 5], "n": 6},
                    {"interpreter": col, "metric": "mp.workers.threads2", "value": 1.0 + i, "interval": None, "n": 6},
                    {"interpreter": col, "metric": "mp.workers.processes2", "value": 1.8, "interval": None, "n": 6},
                    {"interpreter": col, "metric": "mp.ft.shared_dict.scaling", "value": 0.5 + i,
                     "interval": [0.4 + i, 0.6 + i], "n": 6},
                    {"interpreter": col, "metric": "mp.ft.private.scaling", "value": 1.9, "interval": None, "n": 6}]
    sizes = [[r, -(-r // 16) * 16 if r <= 512 else None] for r in range(1, 600, 7)]
    rows = [{"workload": "list", "quantity": "arenas", "note_prediction": 4, "real_prediction": 1, "measured": 1,
             "note_error": 3, "real_error": 0}]
    observations = {c: {"format": 3, "errors": {}, "dropped": {},
                        "observations": {"mem.size_classes.measured": sizes, "mem.model.rows": rows}} for c in cols}
    table = [{"claim": "gil.io-threads-faster", "chapter": "gil", "claim_text": "<script>alert(1)</script> & co",
              "note_figure": "x1.78 faster (10.40 s -> 5.85 s)",
              "cells": {"3.12.1": {"verdict": "holds", "value": 1.5, "interval": [1.4, 1.6], "n": 6,
                                   "why": 'a "quoted" <why>'}},
              "changed_at": "3.13.5t", "changed_from": "3.12.1",
              "change": {"version": "3.13", "what": "free-threaded build", "reference": "PEP 703"}}]
    timings = [{"interpreter": "3.12.1", "benchmark": "io[threads=2]", "mean_s": 0.5, "interval": [0.4, 0.6], "n": 3}]
    return {"format": 3, "interpreters": interpreters, "table": table, "metrics": metrics, "timings": timings,
            "observations": observations, "legend": {"holds": "it holds"}}


def test_each_chart_is_drawn_from_the_keys_it_reads():
    pytest.importorskip("matplotlib")
    drawn, skipped = charts.make(_synthetic())
    assert sorted(c.name for c in drawn) == ["ft-patterns", "io-scaling", "model-arenas", "mp-workers",
                                              "size-classes"]
    assert sorted(s.name for s in skipped) == ["cpu-scaling", "gil-release", "single-thread"]
    assert all(s.why == "no data in this report" for s in skipped)
    assert all(c.png.startswith(b"\x89PNG") for c in drawn)


def test_charts_are_deterministic_and_carry_no_software_stamp():
    pytest.importorskip("matplotlib")
    first, _ = charts.make(_synthetic())
    again, _ = charts.make(_synthetic())
    assert [c.png for c in first] == [c.png for c in again]
    assert not any(b"Software" in c.png for c in first)


def test_every_text_of_the_report_is_escaped():
    page, _ = report.page(_synthetic())
    assert page.count("<script>") == 1 and "<script>alert" not in page  # the filter's script, no other
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "a &quot;quoted&quot; &lt;why&gt;" in page
    assert "PEP 703" in page and "3.12.1 &rarr; <b>3.13.5t</b>" in page  # when it stopped being true, and why
    assert "io[threads=2]" in page  # the timing table
    assert "Workloads that failed" in page and "the backend &lt;down&gt;" in page


def test_the_note_figure_comes_from_the_claim_and_is_labelled_as_the_notes():
    plan = charts._io_plan(_synthetic())
    assert plan["note"] == pytest.approx(10.40 / 5.85)
    # GIL off on 2 CPUs: the client's CPU limits threads at 2 x (L + c)/c, not at the GIL's 4.5 (issue 20).
    assert plan["ceiling"]["3.13.5t"] == (9.0, "2 CPUs x (L + c)/c, GIL off")


def test_the_perfect_scaling_line_passes_through_every_tick_and_the_image_says_what_its_bars_are():
    pytest.importorskip("matplotlib")
    from bench.publish import _draw

    plan = charts._io_plan(_synthetic())
    fig = _draw.scaling(plan)
    for ax in fig.axes:
        [line] = [l for l in ax.get_lines() if l.get_label().startswith("perfect scaling")]
        xs, ys = list(line.get_xdata()), list(line.get_ydata())
        assert xs == ys and xs[:3] == [1, 2, 4]  # k workers: xk at every tick, not a chord on the log axis
    assert any(t.get_text() == "error bars: 95% intervals" for t in fig.texts)


def test_charts_dir_without_html_is_refused_in_one_line(capsys, tmp_path):
    assert main(["report", _RECORDED, "--format", "md", "--charts-dir", str(tmp_path)]) != 0
    err = capsys.readouterr().err
    assert "--charts-dir goes with --format html" in err and len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_headless_chromium_renders_the_page(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    page, _ = _html(capsys)
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    shot = tmp_path / "page.png"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=%s" % (tmp_path / "profile"),
           "--screenshot=%s" % shot, "--window-size=1400,4000", path.as_uri()]
    assert run_in_group(cmd, timeout=90, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0
    assert shot.stat().st_size > 10000
    image = pytest.importorskip("PIL.Image").open(str(shot))
    assert image.size == (1400, 4000)
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or range(1 << 20)) > 50  # not a blank page
