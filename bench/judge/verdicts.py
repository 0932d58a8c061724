"""Judge the whole ledger on every interpreter of a loaded run."""
from bench import ledger
from bench.judge.cross import cross_verdict
from bench.judge.evaluate import Verdict, evaluate


def _facts(result):
    return {k: result.meta.get(k) for k in ("version", "gil_enabled", "free_threaded", "pymalloc", "cpus_usable")}


def _not_built_reason(claim):
    missing = [m for m in claim.metrics() if ledger.producer(m) is None]
    if missing:
        return "no observation: the %s workload is not built yet (needs %s)" % (
            missing[0].split(".")[0], ", ".join(sorted(set(missing))))
    return None


def verdicts(results):
    """Every claim on every interpreter, as Verdict objects keyed by interpreter id."""
    out = {}
    for result in results:
        row = []
        for claim in ledger.CLAIMS:
            if claim.scope == "cross":
                row.append(cross_verdict(claim, result, results, _facts(result)))
                continue
            reason = _not_built_reason(claim)
            if reason:
                row.append(Verdict(claim.id, "not-measured", reason))
                continue
            verdict = evaluate(claim, result.metrics, _facts(result))
            if verdict.verdict == "not-measured":
                failed = sorted({ledger.producer(m).name for m in claim.metrics()} & set(result.errors))
                if failed:
                    verdict.why += " (workload %s failed: %s)" % (failed[0], result.errors[failed[0]])
                else:
                    verdict.why += " (its workload was not in this run's selection)"
            row.append(verdict)
        out[result.id] = row
    return out
