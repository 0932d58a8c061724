"""Claims judged across interpreters of one run: a column against the column it pairs with.

The ledger declares what is compared (``ledger.CROSS``: the cross ratios by their generated
names, each a benchmark, a pairing of columns and the side that is over the other; see
``bench.ledger.vocabulary.CrossRatio``); this module finds which columns pair and computes
whatever ratios the ledger declares.  Twins are builds of the same source with the same
configure flags but ``--disable-gil`` (and the install prefix), and the same compiler: a distro
build of the same version (PGO/LTO, other flags) is a different program and is never taken for a
twin.  Columns run one after the other cannot be paired round by round: their ratio is unpaired
(Welch on per-run means) and says so.
"""
import dataclasses
import shlex

from bench import ledger
from bench.judge import stats
from bench.judge.evaluate import Verdict, evaluate, headline_of
from bench.ledger.vocabulary import Verdict as V  # V: the words; Verdict: a judged claim

# What a pairing needs, for the why of a claim none of whose ratios could be made.
_NEEDS = {"twin": "a GIL build and its free-threaded twin (same source and flags)",
          "same_binary": "a free-threaded build run with the GIL on and with it off"}


def build_identity(meta):
    """(version, configure flags without --disable-gil and the prefix, compiler)."""
    try:
        flags = shlex.split(meta.get("configure_flags") or "")
    except ValueError:
        flags = (meta.get("configure_flags") or "").split()
    kept = tuple(sorted(f for f in flags if f != "--disable-gil" and not f.startswith("--prefix")))
    return meta.get("version"), kept, meta.get("compiler")


def _pairing(result, other):
    """(pairing, {side: column}) when two columns of one version pair (the sides of
    ``vocabulary._PAIRINGS``), else (None, why they look like twins and are not, or None)."""
    m, o = result.meta, other.meta
    if bool(m.get("free_threaded")) != bool(o.get("free_threaded")):
        ft, gil = (result, other) if m.get("free_threaded") else (other, result)
        if ft.meta.get("gil_enabled"):
            return None, None  # the -gil column of the free-threaded build pairs with its own binary
        if build_identity(ft.meta) != build_identity(gil.meta):
            return None, ("%s and %s are not twins (other configure flags or compiler: %r vs %r)"
                          % (gil.id, ft.id, " ".join(build_identity(gil.meta)[1]),
                             " ".join(build_identity(ft.meta)[1])))
        return "twin", {"free_threaded": ft, "gil": gil}
    if m.get("free_threaded") and m.get("base_executable") == o.get("base_executable") \
            and m.get("gil_enabled") != o.get("gil_enabled"):
        on, off = (result, other) if m.get("gil_enabled") else (other, result)
        return "same_binary", {"gil_on": on, "gil_off": off}
    return None, None


def _cross_metrics(result, results, ratios=None):
    """The cross ratios (``{metric: CrossRatio}``, all of the ledger's by default) comparing this
    column with the columns it pairs with, why a comparison could not be made, and the columns that
    hold a ratio's verdict instead of this one.

    One verdict per pair of columns: a ratio is judged in the column on its ``over`` side (the
    numerator: the free-threaded build of a twin ratio, the GIL-on column of a same-binary one); the
    other column of the pair names that column instead of judging the same number again."""
    ratios = ledger.CROSS if ratios is None else ratios
    out, why, elsewhere = {}, [], []
    for benchmark in dict.fromkeys(spec.benchmark for spec in ratios.values()):
        mine = {name: spec for name, spec in ratios.items() if spec.benchmark == benchmark}
        if benchmark not in result.run_means:
            why.append("no %s timings in %s" % (next(iter(mine.values())).stem, result.id))
            continue
        for other in results:
            if other is result or benchmark not in other.run_means \
                    or other.meta.get("version") != result.meta.get("version"):
                continue
            pairing, sides = _pairing(result, other)
            if pairing is None:
                if sides and any(spec.pairing == "twin" for spec in mine.values()):
                    why.append(sides)
                continue
            for name, spec in mine.items():
                if spec.pairing != pairing:
                    continue
                if sides[spec.over] is not result:
                    elsewhere.append(sides[spec.over].id)
                    continue
                out[name] = stats.unpaired_ratio(sides[spec.over].run_means[benchmark],
                                                 sides[spec.under].run_means[benchmark])
    return out, why, list(dict.fromkeys(elsewhere))


def cross_verdict(claim, result, results, facts):
    """Judge a ``scope="cross"`` claim for ``result``'s column against the other columns."""
    # The headline's too: it may be a ratio no check judges.
    headline = (claim.headline.metric,) if claim.headline is not None else ()
    ratios = {m: ledger.CROSS[m] for m in dict.fromkeys(claim.metrics() + headline) if m in ledger.CROSS}
    metrics, why, elsewhere = _cross_metrics(result, results, ratios)
    present = tuple(c for c in claim.checks if c.metric in metrics)
    if not present and elsewhere:
        return Verdict(claim.id, V.NA, "judged in the %s column: one verdict per pair of columns, in the column "
                       "on the ratio's numerator side" % " and ".join(elsewhere))
    if not present:
        specs = list(ratios.values())
        return Verdict(
            claim.id, V.NOT_MEASURED,
            "needs %s timings of %s of %s in the same run (gilbench matrix)%s"
            % (" and ".join(dict.fromkeys(s.stem for s in specs)), _NEEDS[specs[0].pairing] if specs else "",
               result.meta.get("version"), ": " + "; ".join(why) if why else ""),
            headline=headline_of(claim, metrics))
    # Judged on the checks this run measured; the headline is the whole claim's, measured here or not.
    verdict = evaluate(dataclasses.replace(claim, checks=present, headline=None), metrics, facts)
    verdict.headline = headline_of(claim, metrics)
    absent = [c.metric for c in claim.checks if c not in present]
    if absent:
        verdict.why += "; not measured in this run: %s" % ", ".join(absent)
    # The interval covers the spread inside each column, not the machine's drift between columns
    # run minutes apart: provisional, whatever the number of runs.
    verdict.why += " (columns run one after the other: unpaired, drift between them not covered)"
    verdict.provisional = True
    return verdict
