"""Claims judged across interpreters of one run: a column against its twin.

Twins are builds of the same source with the same configure flags but ``--disable-gil``
(and the install prefix), and the same compiler: a distro build of the same version (PGO/LTO,
other flags) is a different program and is never taken for a twin.  Columns run one after the
other cannot be paired round by round: their ratio is unpaired (Welch on per-run means) and
says so.  The metrics made here are the ledger's ``CROSS_METRICS`` (the only ones a cross claim
may name).
"""
import dataclasses
import shlex

from bench.judge import stats
from bench.judge.evaluate import Verdict, evaluate
from bench.ledger.vocabulary import Verdict as V  # V: the words; Verdict: a judged claim

_FIB = "fib[n=25]"


def build_identity(meta):
    """(version, configure flags without --disable-gil and the prefix, compiler)."""
    try:
        flags = shlex.split(meta.get("configure_flags") or "")
    except ValueError:
        flags = (meta.get("configure_flags") or "").split()
    kept = tuple(sorted(f for f in flags if f != "--disable-gil" and not f.startswith("--prefix")))
    return meta.get("version"), kept, meta.get("compiler")


def _fib_ratio(num, den):
    return stats.unpaired_ratio(num.run_means[_FIB], den.run_means[_FIB])


def _cross_metrics(result, results):
    """Metrics comparing this column with its twin, and why a comparison could not be made."""
    out, why = {}, []
    if _FIB not in result.run_means:
        return out, ["no fib timings in %s" % result.id]
    m = result.meta
    for other in results:
        o = other.meta
        if other is result or _FIB not in other.run_means or o.get("version") != m.get("version"):
            continue
        if bool(m.get("free_threaded")) != bool(o.get("free_threaded")):
            ft, gil = (result, other) if m.get("free_threaded") else (other, result)
            if ft.meta.get("gil_enabled"):
                continue  # the -gil column of the free-threaded build is compared with its own binary below
            if build_identity(ft.meta) != build_identity(gil.meta):
                why.append("%s and %s are not twins (other configure flags or compiler: %r vs %r)"
                           % (gil.id, ft.id, " ".join(build_identity(gil.meta)[1]), " ".join(build_identity(ft.meta)[1])))
                continue
            out["fib.free_threaded_over_gil"] = _fib_ratio(ft, gil)
            out["fib.gil_over_free_threaded"] = _fib_ratio(gil, ft)
        elif m.get("free_threaded") and m.get("base_executable") == o.get("base_executable") \
                and m.get("gil_enabled") != o.get("gil_enabled"):
            on, off = (result, other) if m.get("gil_enabled") else (other, result)
            out["fib.gil_on_over_off"] = _fib_ratio(on, off)
    return out, why


def cross_verdict(claim, result, results, facts):
    """Judge a ``scope="cross"`` claim for ``result``'s column against the other columns."""
    metrics, why = _cross_metrics(result, results)
    present = tuple(c for c in claim.checks if c.metric in metrics)
    if not present:
        return Verdict(
            claim.id, V.NOT_MEASURED,
            "needs fib timings of a GIL build and its free-threaded twin (same source and flags) of %s in the "
            "same run (gilbench matrix)%s" % (result.meta.get("version"), ": " + "; ".join(why) if why else ""))
    verdict = evaluate(dataclasses.replace(claim, checks=present), metrics, facts)
    absent = [c.metric for c in claim.checks if c not in present]
    if absent:
        verdict.why += "; not measured in this run: %s" % ", ".join(absent)
    # The interval covers the spread inside each column, not the machine's drift between columns
    # run minutes apart: provisional, whatever the number of runs.
    verdict.why += " (columns run one after the other: unpaired, drift between them not covered)"
    verdict.provisional = True
    return verdict
