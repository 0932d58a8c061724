"""Render verdicts: a Markdown claim table (tabulate) or the JSON report.

JSON report format 1: {"format": 1, "interpreters": [...], "verdicts": [{"claim",
"interpreter", "verdict", "value", "note_figure", "why"}, ...]} — later versions add keys,
never remove these.
"""
import json

from tabulate import tabulate

from bench import ledger
from bench.judge.load import load
from bench.judge.verdicts import verdicts

FORMAT = 1
_SYMBOL = {"holds": "holds", "contradicted": "CONTRADICTED", "partly": "partly", "within-noise": "~ noise",
           "n/a": "n/a", "not-measured": "-"}


def _interpreter_row(result):
    m = result.meta
    if m.get("free_threaded"):
        build = "free-threaded, GIL %s at run time" % ("ON" if m.get("gil_enabled") else "off")
    else:
        build = "GIL build"
    return {
        "id": result.id, "version": m.get("version"), "build": build, "executable": m.get("executable"),
        "free_threaded": m.get("free_threaded"), "gil_enabled": m.get("gil_enabled"),
        "python_gil_env": m.get("python_gil_env"), "configure_flags": m.get("configure_flags"),
        "cpu_count": m.get("cpu_count"), "mode": m.get("mode"), "io_backend": m.get("io_backend"),
        "started": m.get("started"), "errors": result.errors,
    }


def _value(v):
    if v.value is None:
        return None
    return round(v.value, 4) if isinstance(v.value, float) else v.value


def to_json(results, table):
    rows = []
    for result in results:
        for v in table[result.id]:
            claim = ledger.get(v.claim)
            rows.append({"claim": v.claim, "interpreter": result.id, "verdict": v.verdict, "value": _value(v),
                         "spread": v.spread, "note_figure": claim.note_figure, "why": v.why,
                         "evidence": v.evidence})
    return {"format": FORMAT, "interpreters": [_interpreter_row(r) for r in results], "verdicts": rows}


def _cell(v):
    text = _SYMBOL[v.verdict]
    if v.value is not None:
        text += " %s" % ("%.3g" % v.value if isinstance(v.value, float) else v.value)
        if v.spread:
            text += " ±%.2g" % v.spread
    return text


def to_markdown(results, table, chapters=None):
    ids = [r.id for r in results]
    lines = ["# gilbench: the study note's claims, measured", ""]
    head = [["interpreter", "build", "mode", "CPUs", "I/O backend", "configure flags"]]
    for r in results:
        i = _interpreter_row(r)
        head.append([i["id"], i["build"], i["mode"], i["cpu_count"], i["io_backend"] or "none (no I/O workload)",
                     (i["configure_flags"] or "")[:60]])
    lines += [tabulate(head[1:], head[0], tablefmt="github"), ""]
    by_claim = {rid: {v.claim: v for v in table[rid]} for rid in ids}
    body = []
    for claim in ledger.CLAIMS:
        if chapters and claim.chapter not in chapters:
            continue
        body.append([claim.id, claim.note_figure or ""] + [_cell(by_claim[rid][claim.id]) for rid in ids])
    lines += [tabulate(body, ["claim", "the note's figure"] + ids, tablefmt="github"), ""]
    lines.append("Cells: verdict, then our measured value (± its standard error for timings). "
                 "'~ noise': the prediction's bound lies within 2 standard errors. "
                 "'-': not measured. The note's figures are the note's, not ours.")
    lines += _across(ids, table, chapters)
    lines += ["", "## Why", ""]
    for rid in ids:
        for v in table[rid]:
            claim = ledger.get(v.claim)
            if chapters and claim.chapter not in chapters:
                continue
            lines.append("- **%s** on %s: %s — %s" % (v.claim, rid, v.verdict, v.why))
    errors = [(r.id, w, e) for r in results for w, e in r.errors.items()]
    if errors:
        lines += ["", "## Workloads that failed", ""] + ["- %s: %s: %s" % e for e in errors]
    return "\n".join(lines) + "\n"


def _across(ids, table, chapters):
    """Claims whose verdict differs between interpreters: where each verdict was found."""
    if len(ids) < 2:
        return []
    out = ["", "## Across interpreters", ""]
    for i, claim in enumerate(ledger.CLAIMS):
        if chapters and claim.chapter not in chapters:
            continue
        groups = {}
        for rid in ids:
            groups.setdefault(table[rid][i].verdict, []).append(rid)
        if len(groups) > 1:
            out.append("- **%s**: " % claim.id + "; ".join("%s on %s" % (v, ", ".join(r)) for v, r in groups.items()))
    return out if len(out) > 3 else []


def render(run_dir, fmt="md", chapters=None):
    results = load(run_dir)
    table = verdicts(results)
    if fmt == "json":
        return json.dumps(to_json(results, table), indent=2, default=str) + "\n"
    return to_markdown(results, table, chapters)
