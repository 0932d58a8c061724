"""What the note's comments say a line prints, set against what that line printed.

Which output line belongs to which ``print`` line: when a script printed exactly as many lines as it
has lines calling ``print``, the k-th output line is the k-th print line's (the usual straight-line
example); otherwise (loops, a failure half-way, a print in an ``except``) the claim is looked for
among all output lines, and said so.  A console statement's output is its own (split at the prompts).
"""
from __future__ import annotations

from bench.snippets.execute import Run
from bench.snippets.extract import WHOLE_OUTPUT, Block, Expectation

SAME, DIFFERS, NOT_PRINTED = "same", "differs", "not printed"


def matches(expected: str, printed: str) -> bool:
    """``printed`` is what ``expected`` says.

    Exact, or: the comment abbreviates with a trailing '...' (``0.459784...``) and the output starts
    with what precedes it; or the comment adds an explanation after the value (``3(foo가 ...)``).
    """
    expected, printed = _normal(expected), _normal(printed)
    if expected == printed:
        return True
    if expected.endswith("...") and expected[:-3] and printed.startswith(expected[:-3].rstrip()):
        return True
    return bool(printed) and expected.startswith(printed) and expected[len(printed):].lstrip().startswith("(")


def _normal(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines())


def compare(block: Block, run: Run) -> list[dict]:
    """One row per expectation: line, code, expected, printed (None when not found) and the verdict."""
    if run.outcome in ("needs-backend", "not-python"):
        return []
    if block.console:
        return [_row(e, _console_printed(e, run)) for e in block.expectations()]
    lines = run.stdout.splitlines()
    positional = len(lines) == len(block.print_lines())
    rows = []
    for e in block.expectations():
        if e.index == WHOLE_OUTPUT:
            rows.append(_whole_output_row(e, run.stdout))
        elif positional and e.index < len(lines):
            rows.append(_row(e, lines[e.index]))
        else:
            found = next((ln for ln in lines if matches(e.expected, ln)), None)
            rows.append(_row(e, found, how="searched the output" if lines else ""))
    return rows


def _whole_output_row(e: Expectation, stdout: str) -> dict:
    """The block's output against the output its closing docstring shows; a difference names its first line."""
    shown, printed = _normal(e.expected).splitlines(), _normal(stdout).splitlines()
    row = _row(e, stdout.rstrip("\n") if stdout else None)
    if row["verdict"] == DIFFERS:
        k = next((i for i, (a, b) in enumerate(zip(shown, printed)) if a != b), min(len(shown), len(printed)))
        row["first_difference"] = "output line %d: %s" % (
            k + 1, printed[k] if k < len(printed) else "(no more output)")
    return row


def _console_printed(e: Expectation, run: Run):
    outputs = run.outputs or []
    if e.index >= len(outputs):
        return None
    return outputs[e.index].rstrip("\n") or None


def _row(e: Expectation, printed, how: str = "") -> dict:
    if printed is None:
        verdict = NOT_PRINTED
    else:
        verdict = SAME if matches(e.expected, printed) else DIFFERS
    row = {"line": e.line, "code": e.code, "expected": e.expected, "printed": printed, "verdict": verdict}
    if how:
        row["how"] = how
    return row
