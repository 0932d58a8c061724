"""Two runs side by side (``gilbench compare``): per claim and column, the verdict and the headline
value of each run with its interval, the rows whose verdict changed first.

A renderer: it reads two report models (``model.build`` of each run on its own, never merged, so
that two runs of the same interpreter on the same host do not clash: each side is labelled by its
run instead) and imports nothing of the judge or the ledger.
"""
from dataclasses import dataclass
from typing import List, Optional, Tuple

from tabulate import tabulate


@dataclass
class Pair:
    """A column of the base run and the column of the new run it is compared with."""
    base: str
    new: str

    @property
    def label(self):
        return self.base if self.base == self.new else "%s -> %s" % (self.base, self.new)


@dataclass
class Line:
    claim: str
    unit: Optional[str]
    pair: Pair
    base: Optional[dict]  # the base run's cell (verdict, value, interval, n, events, text); None: no such row
    new: Optional[dict]
    changed: bool


def _kind(column):
    """What makes two columns comparable when their ids differ: minor version, build, GIL state."""
    minor = ".".join((column.version or "").split(".")[:2])
    return (minor, bool(column.free_threaded), bool(column.gil_enabled))


def pairs(base, new):
    """The columns compared: the same id in both runs, else the base column of the same minor
    version, build and GIL state (3.12.1 -> 3.12.3); and the columns of either run left without one."""
    base_ids = {c.column: c for c in base.columns}
    by_kind = {}
    for column in base.columns:
        by_kind.setdefault(_kind(column), column.column)
    out, alone_new = [], []
    for column in new.columns:
        match = column.column if column.column in base_ids else by_kind.get(_kind(column))
        if match is None:
            alone_new.append(column.column)
        else:
            out.append(Pair(match, column.column))
    paired = {p.base for p in out}
    alone_base = [c for c in base_ids if c not in paired]
    return out, alone_base, alone_new


def _cell(row, column):
    cell = row.cells.get(column) if row is not None else None
    if cell is None:
        return None
    return {"verdict": cell.verdict, "value": cell.value, "interval": cell.interval, "n": cell.n,
            "events": cell.events, "provisional": cell.provisional, "text": cell.text}


def lines(base, new, column_pairs):
    """One line per claim and compared column, the changed verdicts first (ledger order within)."""
    base_rows = {r.claim: r for r in base.rows}
    new_rows = {r.claim: r for r in new.rows}
    claims = [r.claim for r in new.rows] + [c for c in base_rows if c not in new_rows]
    out = []
    for claim in claims:
        b_row, n_row = base_rows.get(claim), new_rows.get(claim)
        unit = (n_row or b_row).unit
        for pair in column_pairs:
            b, n = _cell(b_row, pair.base), _cell(n_row, pair.new)
            if n is None or n["verdict"] == "not-measured":
                continue  # the new run did not measure it: nothing to compare (a run of one chapter)
            changed = b is None or b["verdict"] != n["verdict"]
            out.append(Line(claim, unit, pair, b, n, changed))
    return sorted(out, key=lambda line: not line.changed)  # stable: ledger order within each group


def _text(cell):
    return cell["text"] if cell is not None else "(no such claim)"


def to_markdown(base_name, new_name, base, new, timings: List[Tuple[str, str]], show_all=False):
    """The comparison as text: the columns compared, the changed verdicts, then (``show_all``) the
    rest, then pyperf's comparison of each pair's timings (``timings``: (label, pyperf's output))."""
    column_pairs, alone_base, alone_new = pairs(base, new)
    out = ["# %s against %s" % (new_name, base_name), "",
           "base: %s (%s); new: %s (%s). Each run is judged on its own; a cell is its verdict and the claim's "
           "headline value with its 95%% interval." % (base_name, _machines(base), new_name, _machines(new)), ""]
    if not column_pairs:
        return "\n".join(out + ["No column of %s has a counterpart in %s (same id, or same minor version and build)."
                                % (new_name, base_name), ""]) + "\n"
    out.append("Columns compared: %s." % ", ".join(p.label for p in column_pairs))
    for run, alone in ((base_name, alone_base), (new_name, alone_new)):
        if alone:
            out.append("Only in %s: %s." % (run, ", ".join(alone)))
    for run, report in ((base_name, base), (new_name, new)):
        for column, errors in _failures(report).items():
            out.append("Failed in %s, %s: %s (what they measure is not compared there)."
                       % (run, column, "; ".join("%s: %s" % e for e in sorted(errors.items()))))
    all_lines = lines(base, new, column_pairs)
    changed = [line for line in all_lines if line.changed]
    out += ["", "## Changed verdicts (%d of %d compared cells)" % (len(changed), len(all_lines)), ""]
    out += _table(changed) if changed else ["None: every verdict the new run measured is the base run's.", ""]
    if show_all:
        same = [line for line in all_lines if not line.changed]
        out += ["## Same verdict (%d)" % len(same), ""] + (_table(same) if same else [])
    else:
        out += ["%d cells have the same verdict in both runs (`--all` lists them)." % (len(all_lines) - len(changed)),
                ""]
    for label, text in timings:
        out += ["## Timings %s (pyperf compare_to: base -> new)" % label, "", "```", text.rstrip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _table(selected):
    rows = [[line.claim + (" · " + line.unit if line.unit else ""), line.pair.label, _text(line.base),
             _text(line.new)] for line in selected]
    return [tabulate(rows, ["claim · unit", "column", "base", "new"], tablefmt="github"), ""]


def _failures(report):
    """{column: {workload: why}} of the workloads a run recorded as failed: a comparison must not read
    as a clean match where one side measured nothing."""
    return {c.id: dict(c.errors) for c in report.columns if c.errors}


def _machines(report):
    hosts = sorted({c.host for c in report.columns})
    cpus = sorted({str(c.cpu_count) for c in report.columns})
    started = min((c.started or "" for c in report.columns), default="")
    return "%s, %s CPU(s), %s" % (", ".join(hosts), "/".join(cpus), started[:16] or "time not recorded")


def to_dict(base_name, new_name, base, new, timings):
    """The comparison as a JSON-ready dict (``--json``)."""
    column_pairs, alone_base, alone_new = pairs(base, new)
    return {"base": base_name, "new": new_name,
            "pairs": [{"base": p.base, "new": p.new} for p in column_pairs],
            "only_in_base": alone_base, "only_in_new": alone_new,
            "failed": {"base": _failures(base), "new": _failures(new)},
            "lines": [{"claim": line.claim, "unit": line.unit, "base_column": line.pair.base,
                       "new_column": line.pair.new, "changed": line.changed, "base": line.base, "new": line.new}
                      for line in lines(base, new, column_pairs)],
            "timings": [{"pair": label, "pyperf": text} for label, text in timings]}
