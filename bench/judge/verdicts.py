"""Judge the whole ledger on every interpreter of a loaded run, with true reasons for every gap."""
from bench import ledger
from bench.judge import physics
from bench.judge.cross import cross_verdict
from bench.judge.evaluate import Verdict, evaluate
from bench.ledger.vocabulary import MACHINE_PARALLELISM, Verdict as V  # V: the words


def facts_of(result):
    """What the evaluator may know of an interpreter: its build, and the machine in this run."""
    facts = {k: result.meta.get(k) for k in ("version", "gil_enabled", "free_threaded", "pymalloc", "allocator",
                                          "cpus_usable")}
    facts["machine_parallelism"] = result.metrics.get(MACHINE_PARALLELISM)
    return facts


def _not_built_reason(claim):
    missing = [m for m in claim.metrics() if ledger.producer(m) is None]
    if missing:
        return "no observation: the %s workload is not built yet (needs %s)" % (
            missing[0].split(".")[0], ", ".join(sorted(set(missing))))
    return None


def _why_missing(claim, result):
    """The real cause of a missing metric: failed, dropped, not selected, or not taken by its probe."""
    for metric in claim.metrics():
        if metric in result.unmeasured and metric not in result.metrics:
            return "not measured: " + result.unmeasured[metric]
    producers = sorted({ledger.producer(m).name for m in claim.metrics()})
    for name in producers:
        if name in result.errors:
            return "workload %s failed: %s" % (name, result.errors[name])
        if name in result.dropped:
            return "workload %s: %s" % (name, result.dropped[name])
    selection = result.meta.get("selection")
    if selection is not None and not set(producers) <= set(selection):
        return "workload %s was not in this run's selection (%s)" % (
            ", ".join(sorted(set(producers) - set(selection))), ", ".join(selection) or "none")
    return "its workload ran but did not produce it (results from an older gilbench?)"


def _read(claim):
    """Every metric a claim's row shows or judges: a flagged one marks its cell."""
    headline = (claim.headline.metric,) if claim.headline is not None else ()
    return dict.fromkeys(claim.metrics() + claim.context + headline)


def verdicts(results):
    """Every claim on every interpreter: {interpreter id: {claim id: Verdict}}; a verdict that reads a
    figure physics forbids in its column carries it (``Verdict.problems``) and is provisional."""
    out = {}
    for result in results:
        row = {}
        facts = facts_of(result)
        found = physics.problems(result.metrics, facts)
        for claim in ledger.CLAIMS:
            if claim.scope == "cross":
                row[claim.id] = cross_verdict(claim, result, results, facts)
                continue
            reason = _not_built_reason(claim)
            if reason:
                row[claim.id] = Verdict(claim.id, V.NOT_MEASURED, reason)
                continue
            verdict = evaluate(claim, result.metrics, facts)
            if verdict.verdict == V.NOT_MEASURED and any(m not in result.metrics for m in claim.metrics()):
                verdict.why += " (%s)" % _why_missing(claim, result)
            row[claim.id] = physics.flag(verdict, _read(claim), found)
        out[result.id] = row
    return out
