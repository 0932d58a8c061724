"""The files ``gilbench run`` writes into ``OUT/<interpreter-id>/``, shared by writer and reader.

Format history (``bench.judge.migrate`` brings every older folder up to the newest when it is read):
  1 (2026-11): meta.json (what produced the run), observations.json ({"format", "observations",
    "errors"}), bench.json (a pyperf BenchmarkSuite).  meta.json and observations.json carry
    "format"; bench.json is pyperf's own format.
  2 (2026-11): timings in rounds: every pyperf run carries "gilbench_round" (runs of one round
    are paired) and "gil_enabled_at_runtime"; meta.json adds rounds, load_start / load_end
    (load averages), compiler and mp_start_method; observations.json adds "dropped" (workload ->
    why its observations were dropped).
  3 (2026-11): meta.json adds "host" (the machine's network name, which keys a merge of results
    folders from several machines) and "ledger" (a hash of every field of the ledger, its prose
    included: runs measured against other claims or workloads are never merged).
  4 (2026-12): meta.json records "measured" (``ledger_fingerprint()``: a hash of only what decides
    measurements and verdicts) instead of "ledger", so that runs whose claims differ only in their
    prose merge.
  5 (2026-12): meta.json's "host" is a label a person chooses (``--host``, ``GILBENCH_HOST``; the
    node name by default), and it adds the machine (``memory_bytes``; "machine_fingerprint": CPU
    model and count, OS, architecture, memory, ``bench.harness.host``) and "measured_workloads"
    (``workload_fingerprints()`` of the workloads run), so that runs of two ledgers whose common
    workloads measure the same way can be compared machine against machine.
"""
import dataclasses
import hashlib
import json
import math

from bench import ledger
from bench.harness import selection
# The file names live with the checks of what a gilbench folder is.
from bench.guard.folders import BENCH, META, OBSERVATIONS  # noqa: F401

FORMAT = 5
READABLE = (1, 2, 3, 4, 5)

# The fields of the ledger's entries that decide what a run measures and how it is judged.  Every
# other field is prose or presentation (a claim's text, section, the note's phrase and figure, the
# whys, departures, CPython changes, context metrics shown unjudged, headlines, chapters): editing one must not
# make two runs unmergeable.  tests/test_fingerprint.py makes a new field take a side.
MEASURED_FIELDS = {
    "Claim": ("id", "checks", "given", "unless", "applies", "scope"),
    # optional decides whether a run without the metric is judged on the claim's other checks.
    # versus: the count a two-sample prediction compares with; machine_bound: judged against the
    # machine where its parallelism is not shown (evaluate._against_machine).
    "Check": ("metric", "prediction", "when", "optional", "versus", "machine_bound"),
    "Workload": ("name", "prefix", "demo", "script", "params", "script_args", "derived", "grid", "options",
                 "start_method", "isolated", "service", "observes", "more_rounds"),
    "MoreRounds": ("rounds", "benchmarks"),
    # A grid decides which benchmarks are timed and their names; an option's help is prose.
    "Grid": ("stem", "blocks", "bare", "subsets"),
    "Option": ("flag", "type", "default", "choices", "env"),
    # What a claim's row shows (a metric it already reads, its unit and reading) decides no verdict:
    # prose, like Claim.headline that holds it.
    "Headline": (),
}
# Predictions and conditions are shown as their str() (a typed object or a string alike): hashing
# that text keeps the fingerprint what reports show, whatever class holds it.
_AS_TEXT = ("prediction", "when", "applies")


def _entry(value, names):
    """The measured fields of one ledger entry.  A field at its default is left out: a field added
    later whose default keeps what the ledger meant before leaves older fingerprints as they were."""
    out = {}
    for f in dataclasses.fields(value):
        if f.name not in names:
            continue
        got = getattr(value, f.name)
        if f.default is not dataclasses.MISSING and got == f.default:
            continue
        out[f.name] = str(got) if f.name in _AS_TEXT else _canonical(got)
    return out


def _canonical(value):
    """``value`` as plain JSON data: measured fields of ledger entries, lists for tuples."""
    names = MEASURED_FIELDS.get(type(value).__name__) if dataclasses.is_dataclass(value) else None
    if names is not None:
        return _entry(value, names)
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def ledger_fingerprint(claims=None, workloads=None):
    """A short hash of what the ledger measures and how it judges it (``MEASURED_FIELDS``).

    Canonical JSON (sorted keys, ASCII only), so that every interpreter from 3.9 to a
    free-threaded build computes the same fingerprint from the same ledger.
    """
    claims = ledger.CLAIMS if claims is None else claims
    workloads = ledger.WORKLOADS if workloads is None else workloads
    data = [[_canonical(c) for c in claims], [_canonical(w) for w in workloads]]
    if any(w.script for w in workloads):  # how its timings are taken: rounds, and pyperf's settings of each
        data.append(_canonical({"rounds": selection.ROUNDS, "pyperf": selection.PYPERF_ARGS,
                                "processes": [selection.ONE_PROCESS, selection.WORKER_PER_BENCHMARK]}))
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


def workload_fingerprints(workloads=None):
    """{workload name: the fingerprint of that workload alone}: what it measures (its grid, script,
    parameters, derived metrics), whatever claims judge it.  Two runs whose ledgers differ elsewhere
    measured a workload they share the same way when its fingerprints agree."""
    workloads = ledger.WORKLOADS if workloads is None else workloads
    return {w.name: ledger_fingerprint(claims=(), workloads=(w,)) for w in workloads}


def first_non_finite(data, where=""):
    """Where the first NaN or infinity in ``data`` is (json reads them, and 1e400, as floats), as
    ``observations['k'][2]``; None when there is none.  JSON has no such numbers: a run drops them,
    the report refuses them."""
    if isinstance(data, float) and not math.isfinite(data):
        return where or "the value"
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, (list, tuple)) else ()
    for key, value in items:
        found = first_non_finite(value, "%s[%r]" % (where, key) if where else str(key))
        if found:
            return found
    return None
