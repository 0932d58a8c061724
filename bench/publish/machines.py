"""What depends on the machine: the claims whose decided verdicts differ between hosts for the same
interpreter, and those that agree everywhere.

Computed once from the report model's columns and rows (``compare``, called by ``model.build``) and
rendered by ``to_markdown``; it imports nothing of the judge or the ledger (a renderer's contract).
Only decided verdicts (holds, contradicted, partly) are compared: an undecided or within-noise cell
says nothing about the claim on that machine, so it neither differs nor agrees.  A claim decided on
one host and measured but undecided on another is listed apart ("decided on some machines only"):
the machine decides whether the run can tell, which is itself something that depends on it.
"""
from dataclasses import dataclass
from typing import List, Optional, Tuple

from tabulate import tabulate


@dataclass(frozen=True)
class Machine:
    host: str
    description: str  # CPU model and count, OS (host.describe of a column's run)


@dataclass(frozen=True)
class Comparison:
    """One claim on one interpreter, decided on two hosts or more."""
    claim: str
    unit: Optional[str]
    interpreter: str  # the column's interpreter id (3.13.5t): the same on every host compared
    cells: Tuple[Tuple[str, str, str], ...]  # (host, verdict, the cell as the table shows it), host order


@dataclass(frozen=True)
class MachinesSection:
    machines: List[Machine]
    differ: List[Comparison]  # decided verdicts differ between hosts
    agree: List[Comparison]  # decided on two hosts or more, the same everywhere
    # decided on one host or more, measured but undecided (within noise, inconclusive) on another
    some_only: List[Comparison] = ()


def compare(columns, rows, vocabulary, describe):
    """The section, or None when the columns come from one host.  ``describe(column)``: its machine in words."""
    hosts = list(dict.fromkeys(c.host for c in columns))
    if len(hosts) < 2:
        return None
    machines = [Machine(h, describe(next(c for c in columns if c.host == h))) for h in hosts]
    by_interpreter = {}
    for c in columns:
        by_interpreter.setdefault(c.id, []).append(c)
    differ, agree, some_only = [], [], []
    undecided = (vocabulary.within_noise, vocabulary.inconclusive)
    for row in rows:
        for interpreter, group in by_interpreter.items():
            cells = [(c.host, row.cells[c.column]) for c in group]
            decided = [(h, cell) for h, cell in cells if vocabulary.styles[cell.verdict].decisive]
            if decided and any(cell.verdict in undecided for _, cell in cells):
                some_only.append(_comparison(row, interpreter, [(h, cell) for h, cell in cells if (
                    cell.verdict in undecided or vocabulary.styles[cell.verdict].decisive)]))
            if len({h for h, _ in decided}) < 2:
                continue
            found = _comparison(row, interpreter, decided)
            (differ if len({cell.verdict for _, cell in decided}) > 1 else agree).append(found)
    return MachinesSection(machines, differ, agree, some_only)


def _comparison(row, interpreter, cells):
    return Comparison(row.claim, row.unit, interpreter, tuple((h, cell.verdict, cell.text) for h, cell in cells))


def to_markdown(section):
    """The section's Markdown lines ([] without one)."""
    if section is None:
        return []
    lines = ["## What depends on the machine", "",
             "Each claim decided (holds, contradicted, partly) on two hosts or more for the same interpreter; "
             "undecided and not-measured cells are left out.", ""]
    lines += [tabulate([[m.host, m.description] for m in section.machines], ["host", "machine"],
                       tablefmt="github"), ""]
    if section.differ:
        lines += ["### Verdicts that differ between machines", ""]
        lines += [tabulate([[_claim(c), c.interpreter, _per_host(c)] for c in section.differ],
                           ["claim", "interpreter", "each host's verdict and headline value"], tablefmt="github"), ""]
    else:
        lines += ["No decided verdict differs between the machines.", ""]
    if section.some_only:
        lines += ["### Decided on some machines only", "",
                  "Measured on every host named, decided on some: the others' runs could not tell.", ""]
        lines += ["- %s on %s: %s" % (_claim(c), c.interpreter, _per_host(c)) for c in section.some_only] + [""]
    if section.agree:
        lines += ["### Verdicts the same on every machine that decided them", ""]
        lines += ["- %s on %s: %s" % (_claim(c), c.interpreter, _per_host(c)) for c in section.agree] + [""]
    return lines


def _per_host(c):
    return "; ".join("%s: %s" % (h, text) for h, _, text in c.cells)


def _claim(c):
    return "%s · %s" % (c.claim, c.unit) if c.unit else c.claim
