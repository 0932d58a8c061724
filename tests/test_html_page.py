"""The page's structure (issue 18 item 7): a summary worked out from the verdicts, a table of
contents with an anchor per chapter and claim, the legend before the table, sticky header and claim
column outside any overflow container but their own bounded scroll container, a filter on data
attributes, the note's Korean words in each row and the why under it, a viewport, timings as
mean ± sd.

The synthetic report below is made up (not measured): it only fixes the verdicts the summary must
follow; the recorded fixture (tests/fixtures/matrix-gil) checks the same structure on a real run.
"""
import copy
import html
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from bench import ledger
from bench.children import run_in_group
from bench.publish import model, report

_RECORDED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "matrix-gil")
_VOID = {"meta", "br", "img", "input", "hr", "link"}


class _Tree(HTMLParser):
    """Each element's tag, attributes, ancestors (tag, attrs) and text, in document order."""

    def __init__(self):
        HTMLParser.__init__(self)
        self.elements, self._stack, self.style = [], [], ""

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "ancestors": list(self._stack), "text": []}
        self.elements.append(element)
        if tag not in _VOID:
            self._stack.append(element)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._stack:
            element["text"].append(data)
        if self._stack and self._stack[-1]["tag"] == "style":
            self.style += data

    def find(self, tag=None, **attrs):
        return [e for e in self.elements if (tag is None or e["tag"] == tag)
                and all(e["attrs"].get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())]


def _tree(page):
    tree = _Tree()
    tree.feed(page)
    return tree


def _text(element):
    return re.sub(r"\s+", " ", "".join(element["text"]))


def _classes(element):
    return (element["attrs"].get("class") or "").split()


def _rules(css):
    """{selector: {property: value}} of the page's CSS (one level: media queries' insides included)."""
    out = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        decls = dict(d.split(":", 1) for d in body.split(";") if ":" in d)
        for selector in selectors.split(","):
            out.setdefault(selector.strip(), {}).update({k.strip(): v.strip() for k, v in decls.items()})
    return out


def _cell(verdict):
    return {"verdict": verdict, "value": None, "interval": None, "n": None, "provisional": False,
            "why": "because", "events": None, "text": verdict}


def _synthetic():
    """Five columns (three GIL builds, a free-threaded binary with the GIL off and on) and three claims."""
    cols = [("3.9.18", "3.9.18", False, True), ("3.10.13", "3.10.13", False, True), ("3.13.5", "3.13.5", False, True),
            ("3.13.5t", "3.13.5", True, False), ("3.13.5t-gil", "3.13.5", True, True)]
    interpreters = [{"id": c, "column": c, "version": v, "host": "", "free_threaded": ft, "gil_enabled": gil,
                     "cpu_count": 2} for c, v, ft, gil in cols]

    def row(claim, chapter, verdicts, changed=None):
        return {"claim": claim, "chapter": chapter, "section": "S", "claim_text": "the claim %s" % claim,
                "note_figure": None, "unit": "x (ratio)", "phrase": "한국어 %s" % claim,
                "cells": {c[0]: _cell(v) for c, v in zip(cols, verdicts)},
                "changed_at": changed and changed[1], "changed_from": changed and changed[0],
                "change": changed and {"version": "3.10", "what": "the change", "reference": "bpo-1"}}
    table = [row("mem.pool-size", "mem", ["holds", "contradicted", "contradicted", "n/a", "n/a"],
                 ("3.9.18", "3.10.13")),
             row("gil.one-thread-at-a-time", "gil", ["holds", "holds", "holds", "contradicted", "holds"],
                 ("3.13.5", "3.13.5t")),
             row("gil.countdown-threads-1.85x", "gil", ["contradicted"] * 5)]
    timings = [{"interpreter": "3.9.18", "benchmark": "tiny", "workload": "w", "mean_s": 2e-05,
                "interval": [-1e-05, 5e-05], "n": 12},
               {"interpreter": "3.10.13", "benchmark": "tiny", "workload": "w", "mean_s": 1.5,
                "interval": [1.25, 1.75], "n": 12}]
    questions = [{"question": "Do GIL builds serialise CPU-bound threads?", "claims": ["gil.one-thread-at-a-time"]}]
    return {"format": 4, "interpreters": interpreters, "verdicts": [], "table": table, "metrics": [],
            "timings": timings, "observations": {}, "legend": {"holds": "it holds"}, "questions": questions}


def _summary(data):
    tree = _tree(report.page(data)[0])
    (section,) = tree.find("section", id="summary")
    answers = {}
    for dt in (e for e in tree.elements if e["tag"] == "dt" and section in e["ancestors"]):
        answers[_text(dt)] = None
    dds = [e for e in tree.elements if e["tag"] == "dd" and section in e["ancestors"]]
    return dict(zip(answers, (_text(d) for d in dds)))


def test_the_summary_answers_each_question_from_the_verdicts_and_follows_them():
    data = _synthetic()
    answers = _summary(data)
    assert list(answers) == ["Do GIL builds serialise CPU-bound threads?", "What changed at 3.10?",
                             "What changed on the free-threaded build?", "Which claims never held on any column?"]
    serialise = answers["Do GIL builds serialise CPU-bound threads?"]
    assert serialise.startswith("Yes") and "holds on 3.9.18, 3.10.13, 3.13.5, 3.13.5t-gil" in serialise
    assert "GIL off: contradicted on 3.13.5t" in serialise
    assert "3.9.18 → 3.10.13: 1 claims change verdict" in answers["What changed at 3.10?"]
    assert "mem.pool-size: holds → contradicted (3.10: the change; bpo-1)" in answers["What changed at 3.10?"]
    free = answers["What changed on the free-threaded build?"]
    assert "3.13.5 → 3.13.5t (free-threaded, GIL off): 1 claims change verdict" in free
    assert "3.13.5t-gil → 3.13.5t" in free and "gil.one-thread-at-a-time: holds → contradicted" in free
    assert "mem.pool-size" in free and "contradicted → n/a" in free  # decided on one side only, said so
    never = answers["Which claims never held on any column?"]
    assert "gil.countdown-threads-1.85x" in never and "gil.one-thread-at-a-time" not in never

    # Change verdicts: the answers change with them (nothing is typed in).
    changed = copy.deepcopy(data)
    changed["table"][1]["cells"]["3.10.13"]["verdict"] = "contradicted"
    changed["table"][2]["cells"]["3.13.5"]["verdict"] = "holds"
    answers = _summary(changed)
    assert answers["Do GIL builds serialise CPU-bound threads?"].startswith("Not everywhere")
    assert "gil.one-thread-at-a-time: holds → contradicted" in answers["What changed at 3.10?"]
    assert "gil.countdown-threads-1.85x" not in answers["Which claims never held on any column?"]
    for row in changed["table"]:
        row["cells"]["3.13.5t"]["verdict"] = "holds" if row["claim"].startswith("gil.one") else "n/a"
    assert _summary(changed)["Do GIL builds serialise CPU-bound threads?"].startswith("Not everywhere")


def test_a_run_without_the_columns_a_question_needs_says_so():
    data = _synthetic()
    data["interpreters"] = [i for i in data["interpreters"] if i["column"] in ("3.13.5",)]
    answers = _summary(data)
    assert answers["What changed at 3.10?"] == "This run has no GIL build of 3.10 and one before it."
    assert answers["What changed on the free-threaded build?"].startswith("This run has no free-threaded column")


def _recorded_page():
    return report.page(report.report_dict([_RECORDED]))[0]


def test_contents_link_every_chapter_and_claim_to_an_anchor_and_the_legend_comes_before_the_table():
    data = report.report_dict([_RECORDED])
    page = report.page(data)[0]
    tree = _tree(page)
    ids = [e["attrs"]["id"] for e in tree.elements if "id" in e["attrs"]]
    assert len(ids) == len(set(ids)), "duplicate ids"
    (nav,) = tree.find("nav", id="contents")
    links = {e["attrs"]["href"][1:] for e in tree.elements if e["tag"] == "a" and nav in e["ancestors"]}
    rows = data["table"]
    assert {r["chapter"] for r in rows} <= links and {"claim-" + r["claim"] for r in rows} <= links
    assert links <= set(ids)  # every link of the contents lands somewhere
    for e in (e for e in tree.elements if e["tag"] == "a" and e["attrs"].get("href", "").startswith("#")):
        assert e["attrs"]["href"][1:] in ids, e["attrs"]["href"]
    order = [i for i in ids if i in ("summary", "contents", "legend", "claims")]
    assert order == ["summary", "contents", "legend", "claims"]


def test_the_sticky_header_and_claim_column_have_no_overflow_ancestor_but_their_bounded_scroll_box():
    page = _recorded_page()
    tree = _tree(page)
    rules = _rules(tree.style)
    sticky = [s for s, d in rules.items() if d.get("position") == "sticky"]
    assert "#claims-table thead th" in sticky and "#claims-table .claim" in sticky
    overflowing = {s[1:] for s, d in rules.items() if s.startswith(".") and " " not in s
                   and any(k.startswith("overflow") and v != "visible" for k, v in d.items())}
    (table,) = tree.find("table", id="claims-table")
    boxes = [c for a in table["ancestors"] for c in _classes(a) if c in overflowing]
    # One scroll container, scrolling both ways with a bounded height: the sticky cells' own context.
    assert boxes == ["scroll"]
    assert rules[".scroll"]["overflow"] == "auto" and rules[".scroll"]["max-height"].endswith("vh")
    # Every sticky rule is one of the claim table's (a sticky cell elsewhere would sit in another overflow box).
    assert all(s.startswith("#claims-table ") for s in sticky), sticky


def test_viewport_filter_attributes_and_the_page_without_javascript():
    data = _synthetic()
    tree = _tree(report.page(data)[0])
    assert tree.find("meta", name="viewport")[0]["attrs"]["content"].startswith("width=device-width")
    (form,) = tree.find("form", id="filter")
    assert "hidden" in form["attrs"]  # without JavaScript: no control that does nothing, every claim shown
    values = [e["attrs"]["value"] for e in tree.elements if e["tag"] == "input" and form in e["ancestors"]]
    assert values == ["all", "contradicted", "changed"]
    groups = {e["attrs"]["id"]: e for e in tree.elements if e["tag"] == "tbody" and "claim" in _classes(e)}
    assert not [g for g in groups.values() if "hidden" in g["attrs"]]
    assert {k: (g["attrs"]["data-contradicted"], g["attrs"]["data-changed"]) for k, g in groups.items()} == {
        "claim-mem.pool-size": ("1", "1"), "claim-gil.one-thread-at-a-time": ("1", "1"),
        "claim-gil.countdown-threads-1.85x": ("1", "0")}
    data["table"][1]["cells"]["3.13.5t"]["verdict"] = "holds"
    data["table"][1]["changed_at"] = None
    tree = _tree(report.page(data)[0])
    group = tree.find("tbody", id="claim-gil.one-thread-at-a-time")[0]["attrs"]
    assert (group["data-contradicted"], group["data-changed"]) == ("0", "0")


def test_each_row_shows_the_notes_words_and_the_claim_with_the_why_under_it():
    tree = _tree(report.page(_synthetic())[0])
    (table,) = tree.find("table", id="claims-table")
    heads = len([e for e in tree.elements if e["tag"] == "th" and table in e["ancestors"]
                 and any(a["tag"] == "thead" for a in e["ancestors"])])
    for group in (e for e in tree.elements if e["tag"] == "tbody" and "claim" in _classes(e)):
        claim = group["attrs"]["id"][len("claim-"):]
        (th,) = [e for e in tree.elements if e["tag"] == "th" and group in e["ancestors"]]
        assert "the claim %s" % claim in _text(th) and "한국어 %s" % claim in _text(th)
        assert not [e for e in tree.elements if e["tag"] == "details" and th in e["ancestors"]]
        (why,) = [e for e in tree.elements if e["tag"] == "tr" and group in e["ancestors"] and "why" in _classes(e)]
        (td,) = [e for e in tree.elements if e["tag"] == "td" and why in e["ancestors"]]
        assert int(td["attrs"]["colspan"]) == heads
        assert [e for e in tree.elements if e["tag"] == "details" and why in e["ancestors"]]


def _timings_text(page):
    """The timing cells' text (each row's first cell, the benchmark's name, left out)."""
    tree = _tree(page)
    (h2,) = tree.find("h2", id="timings")
    cells, seen = [], set()
    for e in tree.elements[tree.elements.index(h2):]:
        if e["tag"] == "td":
            row = id(e["ancestors"][-1])
            if row in seen:
                cells.append(_text(e))
            seen.add(row)
    return " ".join(cells)


def test_timings_read_mean_plus_minus_sd_in_a_unit_never_brackets_negative_times_or_e_notation():
    text = _timings_text(report.page(_synthetic())[0])
    assert "20 ± 30 µs" in text and "1.5 ± 0.25 s" in text
    recorded = _timings_text(_recorded_page())
    for t in (text, recorded):
        assert "[" not in t and not re.search(r"\d[eE][+-]?\d", t) and not re.search(r"(^|\s)-\d", t)
    assert re.search(r"\d ± \d[\d.]* (s|ms|µs) n=\d", recorded)


def test_the_model_carries_the_notes_words_and_the_summarys_questions_from_the_ledger():
    built = model.build([_RECORDED])
    for row in built.rows:
        assert row.phrase == ledger.get(row.claim).phrase and row.phrase
    assert [q.question for q in built.questions] == [q for q, _ in model.QUESTIONS]
    for question, ids in model.QUESTIONS:
        assert [ledger.get(i).id for i in ids] == list(ids)  # every claim a question names is the ledger's


# Scrolls the claim table's box down to the GIL chapter and sideways, then records where the header
# row and the claim column sit relative to the box (0: in view at its edge).
_PROBE = """<script>window.addEventListener('load',function(){var s=document.querySelector('.scroll');
s.scrollTop=document.getElementById('gil').offsetTop;s.scrollLeft=400;var b=s.getBoundingClientRect(),
h=document.querySelector('#claims-table thead th').getBoundingClientRect(),
c=document.querySelector('#claims-table tbody.claim th.claim').getBoundingClientRect();
document.body.setAttribute('data-probe',JSON.stringify([s.scrollTop,s.scrollLeft,h.top-b.top,c.left-b.left]));});
</script></body>"""


def _probe(chromium, page, tmp_path):
    path = tmp_path / "probe.html"
    path.write_text(page.replace("</body>", _PROBE), encoding="utf-8")
    dom = tmp_path / "dom.html"
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--user-data-dir=%s" % (tmp_path / "profile"), "--window-size=400,900", "--virtual-time-budget=3000",
           "--dump-dom", path.as_uri()]
    with open(str(dom), "w") as out:
        assert run_in_group(cmd, timeout=90, stdout=out, stderr=subprocess.DEVNULL) == 0
    found = re.search(r'data-probe="([^"]*)"', dom.read_text(encoding="utf-8"))
    assert found, "the probe did not run"
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.slow
def test_in_chromium_at_400px_the_header_and_claim_column_stay_in_view_while_the_table_scrolls(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("chromium is not installed (Debian: apt-get install chromium)")
    page = _recorded_page()  # a real run's table: taller than its box, and wider than 400 px
    top, left, header, column = _probe(chromium, page, tmp_path)
    assert top > 0 and left > 0  # the box scrolled both ways (the table is wider than 400 px)
    assert 0 <= header <= 2 and 0 <= column <= 2
    # Control: the same page without its sticky rules scrolls them out of view (the probe can fail).
    _, _, header, column = _probe(chromium, page.replace("position:sticky", "position:static"), tmp_path)
    assert header < -1 and column < -1
