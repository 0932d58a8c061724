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

from bench.publish import charts as _charts, view
from bench.publish.text import fmt


def _mark(vocabulary, verdict, unknown):
    """(HTML mark, CSS class) of a verdict word of the report, ``unknown`` for a word that is none."""
    v = vocabulary.styles.get(verdict)
    return unknown if v is None else (v.html_mark, v.css)


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:16px;color:#222;
 max-width:1600px}
h1{font-size:1.6em}h2{margin-top:1.6em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 6px;vertical-align:top;text-align:left}
th{background:#f3f3f3;position:sticky;top:0}
tr.chapter th{background:#e4e9f2;text-align:left}
td.cell{min-width:64px;font-size:12px}td.claim{min-width:170px;max-width:260px}td.note{max-width:90px}
table.timings td{font-size:11px}td.changed{min-width:90px;max-width:170px;font-size:12px}
.wide{overflow-x:auto}
.holds{background:#e3f4e1}.contradicted{background:#f9dcdc}.partly{background:#fbf0d2}
.within-noise{background:#eef0f3}.inconclusive{background:#f1ecf7}.na{color:#888}.nm{color:#aaa}
.mark{font-weight:bold;margin-right:4px}.num{font-variant-numeric:tabular-nums}
.iv{color:#555;font-size:10.5px}.prov{color:#a60;font-size:11px}.prob{color:#c00;font-size:11px;font-weight:bold}
.note{font-style:italic;color:#444}small{color:#666}
figure{margin:16px 0}figcaption{font-size:13px;color:#444;max-width:1200px}
img{max-width:100%;height:auto;border:1px solid #eee}
details summary{cursor:pointer;color:#246}details ul{margin:4px 0;padding-left:18px;white-space:normal;
 max-width:900px}
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
             "<title>%s</title><style>%s</style></head><body>" % (_e(title), _CSS), "<h1>%s</h1>" % _e(title),
             "<p><small>JSON report format %s. The note's figures are the note's, not ours; every other number "
             "was measured on that interpreter in this run.</small></p>" % _e(data.get("format"))]
    parts += _interpreters(data) + _claims(data, vocabulary) + _legend(data, vocabulary) + _chart_section(charts, skipped)
    parts += _timings(data) + ["</body></html>"]
    return "\n".join(parts) + "\n", skipped


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
    out = ["<h2>Interpreters</h2>"] + _table(head, rows)
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
    cols = view.columns(data)
    rows = view.table(data)
    head = ["claim", "the note's figure"] + [_e(c) for c in cols] + ["changed at (why)"]
    out = ["<h2>Claims</h2>",
           "<p><small>Each cell: verdict mark, the row's one quantity in its unit with its 95% interval (counts: "
           "events/trials); a cell that could not be judged on its measurement says why in words, with no number. "
           "Hover a cell or open <i>why</i> for the reasons; the legend says what each interval covers.</small></p>",
           '<div class="wide"><table><thead><tr>' + "".join("<th>%s</th>" % h for h in head) + "</tr></thead><tbody>"]
    unmeasured, chapter = [], None
    for row in rows:
        cells = row.get("cells") or {}
        nm = vocabulary.not_measured
        if all((cells.get(c) or {}).get("verdict", nm) == nm for c in cols):
            unmeasured.append(row)
            continue
        if row.get("chapter") != chapter:
            chapter = row.get("chapter")
            out.append('<tr class="chapter"><th colspan="%d">%s</th></tr>' % (len(head), _e(chapter)))
        whys = "".join("<li><b>%s</b>: %s &mdash; %s</li>" % (_e(c), _e((cells.get(c) or {}).get("verdict")),
                                                                _e((cells.get(c) or {}).get("why")))
                       for c in cols if cells.get(c))
        unit = ' <small class="unit">(cells: %s)</small>' % _e(row["unit"]) if row.get("unit") else ""
        first = ('<td class="claim"><b>%s</b>%s<br>%s<details><summary>why</summary><ul>%s</ul></details></td>'
                 % (_e(row.get("claim")), unit, _e(row.get("claim_text")), whys))
        change = row.get("change") or {}
        reason = ""
        if change:
            reason = "<br><small>%s: %s (%s)</small>" % (
                _e(change.get("version")), _e(change.get("what")), _e(change.get("reference")))
        out.append("<tr>" + first + '<td class="note">%s</td>' % _e(row.get("note_figure") or "")
                   + "".join(_cell(cells.get(c), vocabulary) for c in cols)
                   + '<td class="changed">%s%s</td></tr>' % (_changed(row), reason))
    out.append("</tbody></table></div>")
    if unmeasured:
        names = ", ".join('<span title="%s">%s</span>' % (_e(r.get("claim_text")), _e(r.get("claim")))
                          for r in unmeasured)
        out.append("<p><b>Not measured on any interpreter in this run</b> (%d claims): %s</p>"
                   % (len(unmeasured), names))
    return out


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
    return ["<h2>Legend</h2>", stated, "<ul>%s</ul>" % "".join(items)]


def _chart_section(charts, skipped):
    out = ["<h2>Charts</h2>"]
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


def _timings(data):
    timings = view.timings(data)
    out = ["<h2>Timings</h2>"]
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
            row.append("&ndash;" if not t or t.get("mean_s") is None else
                       '<span class="num">%s s</span><br>%s <small>n=%s</small>'
                       % (_num(t["mean_s"]), _interval(t.get("interval")), _e(t.get("n"))))
        rows.append(row)
    return out + ["<p><small>pyperf's timings: mean seconds, [low, high] as the report gives them (format 3: mean "
                  "&plusmn; standard deviation of the n values).</small></p>"] + _table(
        ["benchmark"] + [_e(c) for c in cols], rows, "timings")
