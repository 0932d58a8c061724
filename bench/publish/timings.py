"""Timing tables: every pyperf benchmark of every column, with pyperf's own statistics.

Each column's bench.json stays pyperf's file (``python -m pyperf compare_to --table A/bench.json
B/bench.json`` reads them); the report model (``model._timings``) reads it with pyperf's API (``BenchmarkSuite.load``,
``Benchmark.mean()``, ``stdev()``, ``get_nvalue()``, ``format_values()``) and this module lays
the numbers out per workload.  The interval is pyperf's "Mean +- std dev": the mean of every value of every
round, plus and minus the standard deviation of those values.  It is the spread of the values,
not a confidence interval of the mean; the verdicts' intervals (``bench.judge.stats``) are.
"""
from tabulate import tabulate

MEANING = ("Times: pyperf's mean ± standard deviation of every value of every round (how many: n in "
           "report.json), read from each column's bench.json with pyperf; the ± is the spread of the values, "
           "not a confidence interval. Compare two columns with pyperf itself: "
           "`python -m pyperf compare_to --table A/bench.json B/bench.json`.")


def to_markdown(timings):
    """Markdown lines: a table per workload, benchmarks down, columns across (``model.Timing`` rows)."""
    cells, columns = {}, []
    for t in timings:
        # A benchmark of no workload (a script's name changed since the run) is still shown.
        cells.setdefault(t.workload or "other", {}).setdefault(t.benchmark, {})[t.interpreter] = t.text
        if t.interpreter not in columns:
            columns.append(t.interpreter)
    if not cells:
        return []
    lines = ["## Timings", "", MEANING, ""]
    for workload, benches in cells.items():
        body = [[name] + [by_column.get(c, "-") for c in columns] for name, by_column in benches.items()]
        lines += ["### %s" % workload, "", tabulate(body, ["benchmark"] + columns, tablefmt="github"), ""]
    return lines
