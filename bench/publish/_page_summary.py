"""The page's summary: the headline questions (issue 18) answered from the report's verdicts.

Nothing here is typed in: each answer is worked out from the table's cells of the JSON report dict
(``view``) and the interpreters' GIL state and versions, and names the claims and columns it rests on.
The questions:
  - the report's "questions" (``model.QUESTIONS``: do GIL builds serialise CPU-bound threads?): the
    verdicts of the claims that answer one, on GIL-on columns and on GIL-off columns;
  - what changed at 3.10: the verdicts that differ between the last GIL build before 3.10 and the first
    3.10 one, per host;
  - what changed on the free-threaded build: the same between a GIL build and its free-threaded twins;
  - which claims never held: no column holds, some column decided (contradicted or partly).
"""
import html

from bench.publish import view


def _e(x):
    return html.escape("" if x is None else str(x), quote=True)


def claim_anchor(claim_id):
    """The id of a claim's row on the page (the table of contents and the summary link to it)."""
    return "claim-" + str(claim_id)


def _link(row):
    return '<a href="#%s" title="%s">%s</a>' % (_e(claim_anchor(row.get("claim"))), _e(row.get("claim_text")),
                                                _e(row.get("claim")))


def _verdict(row, column, vocabulary):
    return _cell(row, column).get("verdict") or vocabulary.not_measured


def _decisive(vocabulary, verdict):
    style = vocabulary.styles.get(verdict)
    return bool(style and style.decisive)


def _groups(row, columns, vocabulary):
    """'holds on 3.9.18, 3.10.13; contradicted on 3.13.5t': the row's verdicts on ``columns``, decided first;
    not-measured cells are left out."""
    by = {}
    for c in columns:
        v = _verdict(row, c, vocabulary)
        if v != vocabulary.not_measured:
            by.setdefault(v, []).append(c)
    order = sorted(by, key=lambda v: (not _decisive(vocabulary, v), list(vocabulary.styles).index(v)
                                      if v in vocabulary.styles else 99))
    return "; ".join("<b>%s</b> on %s" % (_e(v), _e(", ".join(_marked(row, c) for c in by[v]))) for v in order) \
        or "not measured"


def _cell(row, column):
    return (row.get("cells") or {}).get(column) or {}


def _marked(row, column):
    """The column's name as the table marks its cell: * provisional, ⚠ a measurement problem."""
    cell = _cell(row, column)
    return column + ("*" if cell.get("provisional") else "") + (" \u26a0" if cell.get("problem") else "")


def _caveat(rows, columns):
    """What the table's marks say about the cells a lead rests on, or ""."""
    cells = [_cell(r, c) for r in rows for c in columns]
    said = []
    if any(c.get("provisional") for c in cells):
        said.append("* provisional (fewer rounds behind the value than a settled figure needs)")
    if any(c.get("problem") for c in cells):
        said.append("\u26a0 a measurement problem (a figure physics forbids: see the cell)")
    return " Marked: %s." % "; ".join(said) if said else ""


def _version(interpreter):
    """(major, minor) of a column's version, None when unreadable."""
    try:
        return tuple(int(p) for p in str(interpreter.get("version")).split(".")[:2])
    except ValueError:
        return None


def _gil_question(question, rows, interpreters, vocabulary):
    """A question of the report's "questions": each claim's verdicts with the GIL on and off, and a lead
    word from the decided verdicts on GIL-on columns."""
    on = [c for c, i in interpreters.items() if i.get("gil_enabled")]
    off = [c for c, i in interpreters.items() if i.get("gil_enabled") is False]
    by_id = {r.get("claim"): r for r in rows}
    shown = [by_id[c] for c in question.get("claims") or [] if c in by_id]
    decided = {_verdict(r, c, vocabulary) for r in shown for c in on} & {
        v for v in vocabulary.styles if _decisive(vocabulary, v)}
    holds = vocabulary.holds
    if not decided:
        lead = "Not decided in this run on any GIL-on column."
    elif decided == {holds}:
        lead = "<b>Yes</b>: every GIL-on column that decided these claims says they hold."
    elif holds not in decided:
        lead = "<b>No</b>: no GIL-on column that decided these claims says they hold."
    else:
        lead = "<b>Not everywhere</b>: the GIL-on columns disagree."
    lead += _e(_caveat(shown, on))
    items = ["<li>%s (%s): GIL on: %s%s</li>" % (
        _link(r), _e(r.get("claim_text")), _groups(r, on, vocabulary),
        "; GIL off: %s" % _groups(r, off, vocabulary) if off else "") for r in shown]
    return _entry(question.get("question"), [lead, "<ul>%s</ul>" % "".join(items)])


def _step(before, after, rows, vocabulary):
    """(changed, one-sided) between column ``before`` and ``after``: '<li>' lines of the claims decided on both
    sides with another verdict (and the ledger's change behind it), and {(verdict, verdict): [claim links]}
    of those decided on one side only.  Not-measured cells say nothing."""
    changed, half = [], {}
    for r in rows:
        a, b = _verdict(r, before, vocabulary), _verdict(r, after, vocabulary)
        if a == b or vocabulary.not_measured in (a, b):
            continue
        if _decisive(vocabulary, a) and _decisive(vocabulary, b):
            change = r.get("change") or {}
            why = " <small>(%s: %s; %s)</small>" % (_e(change.get("version")), _e(change.get("what")), _e(
                change.get("reference"))) if change and r.get("changed_at") == after else ""
            changed.append("<li>%s: %s &rarr; <b>%s</b>%s</li>" % (_link(r), _e(a), _e(b), why))
        elif _decisive(vocabulary, a) or _decisive(vocabulary, b):
            half.setdefault((a, b), []).append(_link(r))
    return changed, half


def _pairs_text(pairs, rows, vocabulary, none_text):
    if not pairs:
        return [none_text]
    out = []
    for before, after, label in pairs:
        changed, half = _step(before, after, rows, vocabulary)
        head = "<b>%s &rarr; %s</b>%s: %d claims change verdict%s" % (
            _e(before), _e(after), _e(label), len(changed), ", %d more are decided on one side only" % sum(
                map(len, half.values())) if half else "")
        out.append(head + ("<ul>%s</ul>" % "".join(changed) if changed else "."))
        if half:
            out.append("<small>Decided on one side only: %s.</small>" % "; ".join(
                "%s &rarr; %s: %s" % (_e(a), _e(b), ", ".join(links)) for (a, b), links in half.items()))
    return out


def _at_3_10(interpreters):
    """(last GIL build before 3.10, first 3.10 GIL build, "") per host, in column order."""
    pairs, by_host = [], {}
    for c, i in interpreters.items():
        if not i.get("free_threaded") and _version(i):
            by_host.setdefault(i.get("host") or "", []).append((c, _version(i)))
    for cols in by_host.values():
        before = [c for c, v in cols if v < (3, 10)]
        at = [c for c, v in cols if v == (3, 10)]
        if before and at:
            pairs.append((before[-1], at[0], ""))
    return pairs


def _free_threaded(interpreters):
    """Pairs (column, free-threaded column, what the latter is): each free-threaded column after its GIL build
    (same version and host); a GIL-off one also after the same binary with the GIL on, where only the GIL
    differs (that GIL-on column is then no pair of its own)."""
    def twin(i, free_threaded, gil):
        return [c for c, j in interpreters.items() if bool(j.get("free_threaded")) == free_threaded
                and (gil is None or j.get("gil_enabled") == gil) and j.get("version") == i.get("version")
                and (j.get("host") or "") == (i.get("host") or "")]
    pairs = []
    for c, i in interpreters.items():
        if not i.get("free_threaded") or (i.get("gil_enabled") and twin(i, True, False)):
            continue  # a GIL-on free-threaded column with a GIL-off twin is that twin's "before"
        label = " (free-threaded, GIL %s)" % ("ON" if i.get("gil_enabled") else "off")
        pairs += [(g, c, label) for g in twin(i, False, None)[:1]]
        if i.get("gil_enabled") is False:
            pairs += [(g, c, label + ", only the GIL switched") for g in twin(i, True, True)[:1]]
    return pairs


def _never_held(rows, columns, vocabulary):
    never, undecided = [], []
    for r in rows:
        verdicts = [_verdict(r, c, vocabulary) for c in columns]
        if vocabulary.holds in verdicts:
            continue
        if any(_decisive(vocabulary, v) for v in verdicts):
            never.append("<li>%s: %s</li>" % (_link(r), _groups(r, columns, vocabulary)))
        elif any(v != vocabulary.not_measured for v in verdicts):
            undecided.append(_link(r))
    out = ["%d claims hold on no column and were decided on at least one:<ul>%s</ul>" % (len(never), "".join(never))
           if never else "Every claim decided on some column holds on at least one."]
    if undecided:
        out.append("Measured but decided on no column (within noise, undecided or n/a everywhere): %s."
                   % ", ".join(undecided))
    return out


def _counts(rows, columns, vocabulary):
    counts = {}
    for r in rows:
        for c in columns:
            v = _verdict(r, c, vocabulary)
            counts[v] = counts.get(v, 0) + 1
    spelled = ", ".join("%d %s" % (counts[v], _e(v)) for v in vocabulary.styles if counts.get(v))
    return "<p>%d claims on %d columns (%s): %s cells.</p>" % (len(rows), len(columns), _e(", ".join(columns)),
                                                               spelled)


def _entry(question, answer_lines):
    return "<dt>%s</dt><dd>%s</dd>" % (_e(question), "".join("<p>%s</p>" % a if not a.startswith("<ul")
                                                            else a for a in answer_lines))


def render(data, vocabulary):
    """HTML lines of the summary section (id "summary")."""
    rows, columns, interpreters = view.table(data), view.columns(data), view.interpreters(data)
    entries = [_gil_question(q, rows, interpreters, vocabulary) for q in data.get("questions") or []]
    entries.append(_entry("What changed at 3.10?", _pairs_text(
        _at_3_10(interpreters), rows, vocabulary, "This run has no GIL build of 3.10 and one before it.")))
    entries.append(_entry("What changed on the free-threaded build?", _pairs_text(
        _free_threaded(interpreters), rows, vocabulary, "This run has no free-threaded column beside its GIL twin.")))
    entries.append(_entry("Which claims never held on any column?", _never_held(rows, columns, vocabulary)))
    return ['<section id="summary"><h2>Summary</h2>',
            "<p><small>Worked out from the verdicts below when the page was made: each answer names the claims "
            "and columns it rests on.</small></p>", _counts(rows, columns, vocabulary),
            '<dl class="answers">%s</dl></section>' % "".join(entries)]
