"""Claims judged across interpreters of one run: a column against its twin of the same version."""
import dataclasses

from bench.judge.evaluate import Verdict, evaluate
from bench.judge.stats import ratio


def _cross_metrics(result, results):
    """Metrics that compare this column with its twin in the same run (same version)."""
    out = {}
    mine = result.metrics.get("fib.seconds")
    if mine is None:
        return out
    m = result.meta
    for other in results:
        theirs = other.metrics.get("fib.seconds")
        o = other.meta
        if other is result or theirs is None or o.get("version") != m.get("version"):
            continue
        ft, gil = (result, other) if m.get("free_threaded") else (other, result)
        if ft.meta.get("free_threaded") and not ft.meta.get("gil_enabled") and not gil.meta.get("free_threaded"):
            out["fib.free_threaded_over_gil"] = ratio(ft.metrics["fib.seconds"], gil.metrics["fib.seconds"])
            out["fib.gil_over_free_threaded"] = ratio(gil.metrics["fib.seconds"], ft.metrics["fib.seconds"])
        same_binary = m.get("free_threaded") and o.get("free_threaded") and \
            m.get("base_executable") == o.get("base_executable")
        if same_binary and m.get("gil_enabled") != o.get("gil_enabled"):
            on, off = (result, other) if m.get("gil_enabled") else (other, result)
            out["fib.gil_on_over_off"] = ratio(on.metrics["fib.seconds"], off.metrics["fib.seconds"])
    return out


def cross_verdict(claim, result, results, facts):
    """Judge a ``scope="cross"`` claim for ``result``'s column against the other columns."""
    metrics = _cross_metrics(result, results)
    present = tuple(c for c in claim.checks if c.metric in metrics)
    if not present:
        return Verdict(
            claim.id, "not-measured",
            "needs fib timings of the GIL build and the free-threaded build of %s in the same run "
            "(gilbench matrix with both twins)" % result.meta.get("version"))
    return evaluate(dataclasses.replace(claim, checks=present), metrics, facts)
