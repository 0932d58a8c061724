"""Timing tables: every pyperf benchmark of every column, with pyperf's own statistics.

Each column's bench.json stays pyperf's file (``python -m pyperf compare_to --table A/bench.json
B/bench.json`` reads them); this module only reads it with pyperf's API (``BenchmarkSuite.load``,
``Benchmark.mean()``, ``stdev()``, ``get_nvalue()``, ``format_values()``) and lays the numbers
out per workload.  The interval is pyperf's "Mean +- std dev": the mean of every value of every
round, plus and minus the standard deviation of those values.  It is the spread of the values,
not a confidence interval of the mean; the verdicts' intervals (``bench.judge.stats``) are.
"""
import os

from tabulate import tabulate

from bench import ledger
from bench.harness import results_format
from bench.judge.load import ResultsError
from bench.publish.table import json_interval, json_number

MEANING = ("Times: pyperf's mean ± standard deviation of every value of every round (how many: n in "
           "report.json), read from each column's bench.json with pyperf; the ± is the spread of the values, "
           "not a confidence interval. Compare two columns with pyperf itself: "
           "`python -m pyperf compare_to --table A/bench.json B/bench.json`.")


def _suite(result):
    import pyperf  # lazy: a report without timings needs no pyperf

    path = os.path.join(result.folder, results_format.BENCH)
    if not os.path.exists(path):
        return None
    try:
        return pyperf.BenchmarkSuite.load(path)
    except Exception as exc:
        raise ResultsError("%s: not a pyperf result (%s)" % (path, exc))


def _workload_of(benchmark):
    """The ledger's workload of a benchmark (``bench.ledger.workload_of_benchmark``), None: no workload's."""
    return ledger.workload_of_benchmark(benchmark)


def _benchmarks(results):
    """[(column, pyperf Benchmark)] of every column that has timings, in column order."""
    out = []
    for result in results:
        suite = _suite(result)
        if suite is not None:
            out += [(result.id, bench) for bench in suite.get_benchmarks() if bench.get_unit() == "second"]
    return out


def _interval(bench):
    if bench.get_nvalue() < 2:
        return None  # one value has no spread
    mean, stdev = bench.mean(), bench.stdev()
    return json_interval((mean - stdev, mean + stdev))


def rows(results, workloads=None):
    """The JSON report's "timings": one row per column and pyperf benchmark."""
    return [{"interpreter": column, "benchmark": bench.get_name(), "workload": _workload_of(bench.get_name()),
             "mean_s": json_number(bench.mean()), "interval": _interval(bench), "n": bench.get_nvalue()}
            for column, bench in _benchmarks(results)
            if workloads is None or _workload_of(bench.get_name()) in workloads]


def _text(bench):
    if bench.get_nvalue() < 2:
        return "%s (n=1)" % bench.format_value(bench.mean())
    return "%s ± %s" % bench.format_values([bench.mean(), bench.stdev()])


def to_markdown(results, workloads=None):
    """Markdown lines: a table per workload, benchmarks down, columns across."""
    cells, columns = {}, []
    for column, bench in _benchmarks(results):
        name = bench.get_name()
        if workloads is not None and _workload_of(name) not in workloads:
            continue
        # A benchmark of no workload (a script's name changed since the run) is still shown.
        cells.setdefault(_workload_of(name) or "other", {}).setdefault(name, {})[column] = _text(bench)
        if column not in columns:
            columns.append(column)
    if not cells:
        return []
    lines = ["## Timings", "", MEANING, ""]
    for workload, benches in cells.items():
        body = [[name] + [by_column.get(c, "-") for c in columns] for name, by_column in benches.items()]
        lines += ["### %s" % workload, "", tabulate(body, ["benchmark"] + columns, tablefmt="github"), ""]
    return lines
