"""Render verdicts: a Markdown claim table (tabulate) or the JSON report.

JSON report format history (later versions add keys, never remove them):
  1: {"format": 1, "interpreters": [...], "verdicts": [{"claim", "interpreter", "verdict",
     "value", "spread", "note_figure", "why", "evidence"}, ...]}
  2: every verdict adds "interval" ([low, high] of the judged value at 95%, or null for an
     exact fact), "n" (pairs, runs or trials behind it), "provisional" (fewer than 5 pairs),
     "events" (for counts: events of n trials), "metric" (what the value is) and "method"
     (how its interval was made); "spread" is kept, as the interval's half-width.
"""
import json
import math

from tabulate import tabulate

from bench import ledger
from bench.judge.evaluate import describe_value
from bench.judge.load import load
from bench.judge.verdicts import verdicts
from bench.publish.model_section import model_vs_measurement

FORMAT = 2
_LABEL = {"holds": "holds", "contradicted": "CONTRADICTED", "partly": "partly", "within-noise": "~ noise",
           "inconclusive": "? undecided", "n/a": "n/a", "not-measured": "-"}


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
        "started": m.get("started"), "errors": result.errors, "dropped": result.dropped,
        "rounds": m.get("rounds"), "load_start": m.get("load_start"), "load_end": m.get("load_end"),
        "compiler": m.get("compiler"), "mp_start_method": m.get("mp_start_method"),
        "results_format": m.get("format"),
    }


def _round(x):
    """JSON has no infinity or NaN: an unbounded end (or no value) is null."""
    if isinstance(x, float):
        return round(x, 6) if math.isfinite(x) else None
    return x


def to_json(results, table, chapters=None):
    rows = []
    for result in results:
        for claim in ledger.CLAIMS:
            if chapters and claim.chapter not in chapters:
                continue
            v = table[result.id][claim.id]
            interval = [_round(x) for x in v.interval] if v.interval else None
            rows.append({"claim": v.claim, "interpreter": result.id, "verdict": v.verdict, "value": _round(v.value),
                         "spread": _round((v.interval[1] - v.interval[0]) / 2) if v.interval else None,
                         "interval": interval, "n": v.n, "provisional": v.provisional, "events": v.events,
                         "metric": v.metric, "method": v.method, "note_figure": claim.note_figure, "why": v.why,
                         "evidence": v.evidence})
    return {"format": FORMAT, "interpreters": [_interpreter_row(r) for r in results], "verdicts": rows}


def _cell(v):
    text = _LABEL[v.verdict]
    if v.value is None:
        return text
    text += " " + describe_value(v.value, v.interval, v.n, v.events)
    if v.provisional:
        text += " (provisional, n=%d)" % v.n
    return text


def to_markdown(results, table, chapters=None):
    ids = [r.id for r in results]
    lines = ["# gilbench: the study note's claims, measured", ""]
    head = [["interpreter", "build", "mode", "rounds", "CPUs", "load (start, end)", "I/O backend", "configure flags"]]
    for r in results:
        i = _interpreter_row(r)
        load = "%s, %s" % ((i["load_start"] or ["?"])[0], (i["load_end"] or ["?"])[0])
        head.append([i["id"], i["build"], i["mode"], i["rounds"] or "-", i["cpu_count"], load,
                     i["io_backend"] or "none (no I/O workload)",
                     (i["configure_flags"] or "")[:60]])
    lines += [tabulate(head[1:], head[0], tablefmt="github"), ""]
    body = []
    for claim in ledger.CLAIMS:
        if chapters and claim.chapter not in chapters:
            continue
        body.append([claim.id, claim.note_figure or ""] + [_cell(table[rid][claim.id]) for rid in ids])
    lines += [tabulate(body, ["claim", "the note's figure"] + ids, tablefmt="github"), ""]
    lines.append("Cells: verdict, then the value it turned on: a ratio or time with its 95% interval "
                 "[low, high] (paired t over rounds; from fewer than 5 pairs: provisional), or a count "
                 "'k/n (interval of the rate)' (exact Clopper-Pearson). '~ noise': the prediction's bound lies "
                 "inside the interval. '? undecided': too few trials to decide (0/n only bounds a rate). "
                 "'-': not measured. The note's figures are the note's, not ours.")
    lines += _across(ids, table, chapters)
    lines += model_vs_measurement(results, chapters)
    lines += ["", "## Why", ""]
    for rid in ids:
        for claim in ledger.CLAIMS:
            v = table[rid][claim.id]
            if chapters and claim.chapter not in chapters:
                continue
            lines.append("- **%s** on %s: %s — %s" % (v.claim, rid, v.verdict, v.why))
    errors = [(r.id, w, e) for r in results for w, e in r.errors.items()]
    if errors:
        lines += ["", "## Workloads that failed", ""] + ["- %s: %s: %s" % e for e in errors]
    dropped = [(r.id, w, e) for r in results for w, e in r.dropped.items()]
    if dropped:
        lines += ["", "## Values dropped", ""] + ["- %s: %s: %s" % e for e in dropped]
    return "\n".join(lines) + "\n"


def _across(ids, table, chapters):
    """Claims whose verdict differs between interpreters: where each verdict was found."""
    if len(ids) < 2:
        return []
    out = ["", "## Across interpreters", ""]
    for claim in ledger.CLAIMS:
        if chapters and claim.chapter not in chapters:
            continue
        groups = {}
        for rid in ids:
            groups.setdefault(table[rid][claim.id].verdict, []).append(rid)
        if len(groups) > 1:
            out.append("- **%s**: " % claim.id + "; ".join("%s on %s" % (v, ", ".join(r)) for v, r in groups.items()))
    return out if len(out) > 3 else []


def render(run_dir, fmt="md", chapters=None):
    results = load(run_dir)
    table = verdicts(results)
    if fmt == "json":
        return json.dumps(to_json(results, table, chapters), indent=2, default=str) + "\n"
    return to_markdown(results, table, chapters)
