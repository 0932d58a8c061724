"""One self-contained HTML page of a JSON report: opens from disk, fetches nothing.

CSS is inline, charts are PNGs embedded as data: URIs, no font, script or link leaves the file.
Every text that comes from the report is escaped (``html.escape``).  The page renders from the
report dict alone (the newest format: ``report.page`` migrates an older one first; read through
``view``) and the verdict words' marks (``model.VOCABULARY``); charts come from ``charts`` and,
without matplotlib, the page lists the charts it skipped and why.
"""
import base64
import html
import math
import os

from bench.publish import _page_summary as _summary, charts as _charts, view
from bench.publish import text
from bench.publish.text import fmt


def _mark(vocabulary, verdict, unknown):
    """(HTML mark, CSS class) of a verdict word of the report, ``unknown`` for a word that is none."""
    v = vocabulary.styles.get(verdict)
    return unknown if v is None else (v.html_mark, v.css)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans","Noto Sans CJK KR","NanumGothic",sans-serif;
 margin:16px;color:#222;max-width:1600px}
p,li,dd,dt,figcaption,summary{overflow-wrap:anywhere}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:separate;border-spacing:0;font-size:13px;margin:8px 0}
th,td{border-right:1px solid #ddd;border-bottom:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
tr>:first-child{border-left:1px solid #ddd}thead th{background:#f3f3f3;border-top:1px solid #ddd}
.wide{overflow-x:auto;max-width:100%}.wide td{min-width:4.5em}
table.machines td:nth-child(4),table.machines td:nth-child(11){min-width:9em}table.machines td:nth-child(10){min-width:16em}
.scroll{overflow:auto;max-width:100%;max-height:85vh;border:1px solid #ccc}
.scroll table{margin:0}
#claims-table thead th{position:sticky;top:0;z-index:2}
#claims-table .claim{position:sticky;left:0;z-index:1;background:#fff;min-width:170px;max-width:260px}
#claims-table thead th.claim{z-index:3;background:#f3f3f3}
#claims-table tbody th.claim{font-weight:normal}
#claims-table tr.chapter,#claims-table tbody.claim{scroll-margin-top:3.5em}
tr.chapter th{background:#e4e9f2;text-align:left;font-size:14px}#claims-table tr.chapter th span{position:sticky;left:6px}
tr.why td{background:#fafafa;padding:1px 6px}
#claims-table .whybox{position:sticky;left:6px;max-width:min(900px,85vw)}
td.cell{min-width:64px;font-size:12px}td.note{max-width:90px}
table.timings td{font-size:11px}td.changed{min-width:90px;max-width:170px;font-size:12px}
.ko{display:block;color:#444;margin-top:2px}
.holds{background:#e3f4e1}.contradicted{background:#f9dcdc}.partly{background:#fbf0d2}
.within-noise{background:#eef0f3}.inconclusive{background:#f1ecf7}.na{color:#888}.nm{color:#aaa}
.mark{font-weight:bold;margin-right:4px}.num{font-variant-numeric:tabular-nums}
.iv{color:#555;font-size:10.5px}.prov{color:#a60;font-size:11px}.prob{color:#c00;font-size:11px;font-weight:bold}
.note{font-style:italic;color:#444}small{color:#666}
#summary dt{font-weight:bold;margin-top:10px}#summary dd{margin-left:16px}#summary dd p{margin:4px 0}
#summary ul,#contents ol ol{margin:2px 0;padding-left:18px;font-size:13px}
#contents{font-size:14px}#contents ol{padding-left:20px}#filter{margin:6px 0;font-size:14px}
figure{margin:16px 0}figcaption{font-size:13px;color:#444;max-width:1200px}
img{max-width:100%;height:auto;border:1px solid #eee}
details summary{cursor:pointer;color:#246}details ul{margin:4px 0;padding-left:18px;white-space:normal}
@media (max-width:600px){body{margin:8px}#claims-table .claim{min-width:110px;max-width:140px}}
"""

# The filter: shows the claim groups (a <tbody> each) that carry the chosen data attribute, and a
# chapter's heading only while one of its claims shows.  Without JavaScript the form stays hidden
# and every claim shows.
_FILTER_JS = """
(function(){var f=document.getElementById('filter');if(!f)return;f.hidden=false;
f.addEventListener('change',function(){var show=f.querySelector('input:checked').value,seen={};
document.querySelectorAll('#claims-table tbody.claim').forEach(function(b){
var on=show==='all'||b.getAttribute('data-'+show)==='1';b.hidden=!on;if(on)seen[b.getAttribute('data-chapter')]=1;});
document.querySelectorAll('#claims-table tbody.chapter').forEach(function(b){
b.hidden=!seen[b.getAttribute('data-chapter')];});});})();
"""


def render(data, vocabulary, charts_dir=None):
    """(page, skipped charts): the HTML text, and the charts.Skipped list (also shown on the page).

    ``data``: a JSON report dict of the newest format; ``vocabulary``: the verdict words' marks.
    With ``charts_dir`` the PNGs are written there as well (<name>.png), for a README to link."""
    charts, skipped = _charts.make(data)
    if charts_dir:
        os.makedirs(charts_dir, exist_ok=True)
        for chart in charts:
            with open(os.path.join(charts_dir, chart.name + ".png"), "wb") as f:
                f.write(chart.png)
    title = "gilbench: the study note's claims, measured"
    parts = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>%s</title><style>%s</style></head><body>" % (_e(title), _CSS), "<h1>%s</h1>" % _e(title),
             "<p><small>JSON report format %s. The note's figures are the note's, not ours; every other number "
             "was measured on that interpreter in this run.</small></p>" % _e(data.get("format"))]
    parts += _summary.render(data, vocabulary) + _contents(data, charts or skipped)
    parts += _legend(data, vocabulary) + _claims(data, vocabulary) + _interpreters(data)
    parts += _chart_section(charts, skipped) + _timings(data)
    parts += ["<script>%s</script>" % _FILTER_JS, "</body></html>"]
    return "\n".join(parts) + "\n", skipped


def _contents(data, has_charts):
    """The table of contents: the sections, a link per chapter and per claim."""
    chapters = {}
    for row in view.table(data):
        chapters.setdefault(row.get("chapter"), []).append(row)
    claims = "".join('<li><a href="#%s">%s</a>: %s</li>' % (_e(chapter), _e(chapter), ", ".join(
        _claim_link(r) for r in rows)) for chapter, rows in chapters.items())
    sections = [("summary", "Summary", ""), ("legend", "Legend", ""), ("claims", "Claims", "<ol>%s</ol>" % claims),
                ("interpreters", "Interpreters", "")] + ([("charts", "Charts", "")] if has_charts else [])
    items = "".join('<li><a href="#%s">%s</a>%s</li>' % (a, t, sub) for a, t, sub in sections + [
        ("timings", "Timings", "")])
    return ['<nav id="contents"><h2>Contents</h2><ol>%s</ol></nav>' % items]


def _claim_link(row):
    return '<a href="#%s" title="%s">%s</a>' % (_e(_summary.claim_anchor(row.get("claim"))), _e(row.get("claim_text")),
                                                _e(row.get("claim")))


def skipped_lines(skipped):
    """One line per reason, naming the charts it kept off the page (for stderr)."""
    reasons = {}
    for s in skipped:
        reasons.setdefault(s.why, []).append(s.name)
    return ["charts skipped (%s): %s" % (why, ", ".join(names)) for why, names in reasons.items()]


def _e(x):
    return html.escape("" if x is None else str(x), quote=True)


def _num(x):
    """A number as the Markdown spells it (``bench.numbers.fmt``: never e-notation)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "&infin;" if isinstance(x, float) and x > 0 else "?"
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return _e(x)
    return _e(fmt(x))


def _interval(iv):
    if not iv:
        return ""
    return '<span class="iv num">[%s, %s]</span>' % (_num(iv[0]), _num(iv[1] if len(iv) > 1 else None))


def _table(head, rows, css=""):
    out = ['<div class="wide"><table class="%s"><thead><tr>' % css
           + "".join("<th>%s</th>" % h for h in head) + "</tr></thead><tbody>"]
    out += ["<tr>" + "".join("<td>%s</td>" % c for c in row) + "</tr>" for row in rows]
    return out + ["</tbody></table></div>"]


def _interpreters(data):
    rows = []
    for i in data.get("interpreters") or []:
        gil = i.get("gil_enabled")
        gil_text = "ON" if gil else ("off" if gil is False else "?")
        rows.append([_e(view.column(i)), _e(i.get("version")), _e(i.get("host") or "this machine"), _e(i.get("build")),
                     "free-threaded" if i.get("free_threaded") else "GIL build", _e(gil_text),
                     _e(i.get("cpu_count")), _e(_load(i)), _e(i.get("mode")),
                     _e(i.get("io_backend") or "none (no I/O workload)"), _e(i.get("started"))])
    head = ["column", "version", "host", "build", "kind", "GIL at run time", "CPUs", "load (start, end)", "mode",
            "I/O backend", "started"]
    out = ['<h2 id="interpreters">Interpreters</h2>'] + _table(head, rows, "machines")
    libraries = text.libraries([(view.column(i), i.get("libraries")) for i in data.get("interpreters") or []])
    out.append("<p>Libraries: %s</p>" % "; ".join(_e(line) for line in libraries))
    # What a run could not measure, as the Markdown report lists it: a failed workload, dropped values.
    for key, title in (("errors", "Workloads that failed"), ("dropped", "Values dropped")):
        items = ["<li><b>%s</b>: %s: %s</li>" % (_e(view.column(i)), _e(w), _e(why))
                 for i in data.get("interpreters") or [] for w, why in sorted((i.get(key) or {}).items())]
        if items:
            out += ["<h3>%s</h3>" % title, "<ul>%s</ul>" % "".join(items)]
    return out


def _load(interpreter):
    """The 1-minute load average at the column's start and end, as the Markdown's machine table gives it."""
    return "%s, %s" % ((interpreter.get("load_start") or ["?"])[0], (interpreter.get("load_end") or ["?"])[0])


def _cell(cell, vocabulary):
    if not cell:
        return '<td class="cell nm">&ndash;</td>'
    verdict = cell.get("verdict") or vocabulary.not_measured
    mark, css = _mark(vocabulary, verdict, ("?", vocabulary.styles[vocabulary.inconclusive].css))
    body = '<span class="mark">%s</span>' % mark
    if cell.get("shown"):
        # The model's spelling (format 4 reports carry it): the value in the row's unit, or why there is none.
        body += '<span class="num">%s</span>' % _e(cell["shown"].rstrip("*"))
    elif cell.get("value") is not None:
        if cell.get("events") is not None and cell.get("n"):
            body += '<span class="num">%s/%s</span> ' % (_e(cell["events"]), _e(cell["n"]))
        else:
            body += '<span class="num">%s</span> ' % _num(cell["value"])
        body += "<br>" + _interval(cell.get("interval"))
    if cell.get("provisional") and cell.get("value") is not None:
        body += '<br><span class="prov">provisional, n=%s</span>' % _e(cell.get("n"))
    if cell.get("problem"):  # a figure of the row beyond what physics allows (bench.judge.physics)
        body += '<br><span class="prob" title="%s">&#9888; measurement problem</span>' % _e(cell["problem"])
    return '<td class="cell %s" title="%s">%s</td>' % (css, _e("%s: %s" % (verdict, cell.get("why") or "")), body)


def _claims(data, vocabulary):
    """The claim table: a <tbody> per claim (its row and its why row) carrying the filter's data attributes,
    inside a scroll container that is the sticky header's and claim column's context."""
    cols = view.columns(data)
    head = ['<th class="claim">claim</th>', "<th>the note's figure</th>"] + ["<th>%s</th>" % _e(c) for c in cols] + [
        "<th>changed at (why)</th>"]
    out = ['<h2 id="claims">Claims</h2>',
           "<p><small>Each cell: verdict mark, the row's one quantity in its unit with its 95% interval (counts: "
           "events/trials); a cell that could not be judged on its measurement says why in words, with no number. "
           "Hover a cell or open <i>why</i> under a row for the reasons; the legend above says what each interval "
           "covers. The header row and the claim column stay in view while the table scrolls.</small></p>",
           '<form id="filter" hidden>Show: <label><input type="radio" name="show" value="all" checked> every claim'
           '</label> <label><input type="radio" name="show" value="contradicted"> contradicted on some column'
           '</label> <label><input type="radio" name="show" value="changed"> changed between columns</label></form>',
           '<div class="scroll"><table id="claims-table"><thead><tr>%s</tr></thead>' % "".join(head)]
    unmeasured, chapter = [], None
    for row in view.table(data):
        if row.get("chapter") != chapter:
            chapter = row.get("chapter")
            out.append('<tbody class="chapter" data-chapter="%s"><tr class="chapter" id="%s"><th colspan="%d">'
                       "<span>%s</span></th></tr></tbody>" % (_e(chapter), _e(chapter), len(head), _e(chapter)))
        cells = row.get("cells") or {}
        if all((cells.get(c) or {}).get("verdict", vocabulary.not_measured) == vocabulary.not_measured for c in cols):
            unmeasured.append(row)
            continue
        out.append(_claim_rows(row, cols, vocabulary, len(head)))
    out.append("</table></div>")
    if unmeasured:
        names = ", ".join('<span id="%s" title="%s">%s</span>' % (
            _e(_summary.claim_anchor(r.get("claim"))), _e(r.get("claim_text")), _e(r.get("claim"))) for r in unmeasured)
        out.append("<p><b>Not measured on any interpreter in this run</b> (%d claims): %s</p>"
                   % (len(unmeasured), names))
    return out


def _claim_rows(row, cols, vocabulary, width):
    """One claim's <tbody>: the claim (id, unit, English claim, the note's Korean words), its cells, then a
    row spanning the table whose details say why each cell is what it is."""
    cells = row.get("cells") or {}
    contradicted = any((cells.get(c) or {}).get("verdict") == vocabulary.contradicted for c in cols)
    unit = ' <small class="unit">(cells: %s)</small>' % _e(row["unit"]) if row.get("unit") else ""
    phrase = '<span class="ko" lang="ko">&ldquo;%s&rdquo;</span>' % _e(row["phrase"]) if row.get("phrase") else ""
    first = '<th scope="row" class="claim"><b>%s</b>%s<br>%s%s</th>' % (
        _e(row.get("claim")), unit, _e(row.get("claim_text")), phrase)
    change = row.get("change") or {}
    reason = "<br><small>%s: %s (%s)</small>" % (_e(change.get("version")), _e(change.get("what")),
                                                 _e(change.get("reference"))) if change else ""
    whys = "".join("<li><b>%s</b>: %s &mdash; %s</li>" % (_e(c), _e((cells.get(c) or {}).get("verdict")),
                                                        _e((cells.get(c) or {}).get("why")))
                   for c in cols if cells.get(c))
    return ('<tbody class="claim" id="%s" data-chapter="%s" data-contradicted="%d" data-changed="%d">'
            % (_e(_summary.claim_anchor(row.get("claim"))), _e(row.get("chapter")), contradicted,
               bool(row.get("changed_at")))
            + "<tr>" + first + '<td class="note">%s</td>' % _e(row.get("note_figure") or "")
            + "".join(_cell(cells.get(c), vocabulary) for c in cols)
            + '<td class="changed">%s%s</td></tr>' % (_changed(row), reason)
            + '<tr class="why"><td colspan="%d"><div class="whybox"><details><summary>why: %s</summary><ul>%s</ul>'
              "</details></div></td></tr></tbody>" % (width, _e(row.get("claim")), whys))


def _changed(row):
    if not row.get("changed_at"):
        return ""
    if row.get("changed_from"):
        return "%s &rarr; <b>%s</b>" % (_e(row["changed_from"]), _e(row["changed_at"]))
    return "<b>%s</b>" % _e(row["changed_at"])


def _legend(data, vocabulary):
    items = []
    for verdict, meaning in view.legend(data, vocabulary).items():
        mark, css = _mark(vocabulary, verdict, ("", ""))
        items.append('<li><span class="%s mark">%s</span> <b>%s</b>: %s</li>' % (css, mark, _e(verdict), _e(meaning)))
    stated = "".join("<p><small>%s</small></p>" % _e(line) for line in data.get("statistics") or [])
    return ['<h2 id="legend">Legend</h2>', stated, "<ul>%s</ul>" % "".join(items)]


def _chart_section(charts, skipped):
    out = ['<h2 id="charts">Charts</h2>']
    for chart in charts:
        uri = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
        out.append('<figure id="chart-%s"><img src="%s" alt="%s"><figcaption><b>%s.</b> %s</figcaption></figure>'
                   % (_e(chart.name), uri, _e(chart.title), _e(chart.title), _e(chart.caption)))
    if skipped:
        out.append("<p><b>Charts skipped</b></p><ul>%s</ul>" % "".join(
            '<li id="skipped-%s"><b>%s</b> (%s): %s <small>(drawn from %s)</small></li>'
            % (_e(s.name), _e(s.title), _e(s.name), _e(s.why), _e(", ".join(s.needs)))
            for s in skipped))
    return out


def _duration(mean, sd):
    """'24.0 ± 5.31 ms': pyperf's mean and standard deviation in one unit chosen by the mean (never e-notation,
    never a negative time: mean - sd is not a time anything took)."""
    for scale, unit in ((1.0, "s"), (1e-3, "ms"), (1e-6, "\u00b5s")):
        if abs(mean) >= scale or unit == "\u00b5s":
            break
    shown = fmt(float("%.4g" % (mean / scale)))
    if sd is not None:
        shown += " &plusmn; " + fmt(float("%.3g" % (sd / scale)))
    return "%s %s" % (shown, unit)


def _timings(data):
    timings = view.timings(data)
    out = ['<h2 id="timings">Timings</h2>']
    if not timings:
        return out + ["<p>This report holds no timing table (JSON report format %s)." % _e(data.get("format"))
                      + " The per-interpreter bench.json files are pyperf's: <code>pyperf compare_to --table</code>"
                        " reads them.</p>"]
    cols = view.columns(data)
    by_bench = {}
    for t in timings:
        by_bench.setdefault(t.get("benchmark"), {})[t.get("interpreter")] = t
    rows = []
    for bench in sorted(by_bench, key=str):
        row = [_e(bench)]
        for c in cols:
            t = by_bench[bench].get(c)
            if not t or t.get("mean_s") is None:
                row.append("&ndash;")
                continue
            iv = t.get("interval")  # [mean - sd, mean + sd] (report.py's format history)
            sd = (iv[1] - iv[0]) / 2 if iv and None not in iv[:2] else None
            row.append('<span class="num">%s</span> <small>n=%s</small>' % (_duration(t["mean_s"], sd), _e(t.get("n"))))
        rows.append(row)
    return out + ["<p><small>pyperf's timings: the mean &plusmn; the standard deviation of the n values of every "
                  "round (the spread of the values, not a confidence interval), in seconds (s), milliseconds (ms) "
                  "or microseconds (&micro;s).</small></p>"] + _table(["benchmark"] + [_e(c) for c in cols], rows,
                                                                     "timings")
