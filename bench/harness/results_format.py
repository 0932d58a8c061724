"""The files ``gilbench run`` writes into ``OUT/<interpreter-id>/``, shared by writer and reader.

Format history:
  1 (2026-11): meta.json (what produced the run), observations.json ({"format", "observations",
    "errors"}), bench.json (a pyperf BenchmarkSuite).  meta.json and observations.json carry
    "format"; bench.json is pyperf's own format.
  2 (2026-11): timings in rounds: every pyperf run carries "gilbench_round" (runs of one round
    are paired) and "gil_enabled_at_runtime"; meta.json adds rounds, load_start / load_end
    (load averages), compiler and mp_start_method; observations.json adds "dropped" (workload ->
    why its observations were dropped).  Format 1 is still read: its ratios are unpaired.
  3 (2026-11): meta.json adds "host" (the machine's network name, which keys a merge of results
    folders from several machines) and "ledger" (``ledger_fingerprint()``: runs measured
    against other claims or workloads are never merged).  Formats 1 and 2 are still read, alone:
    they record no ledger, so they cannot be merged with other folders.
"""
import dataclasses
import hashlib
import json

from bench import ledger

FORMAT = 3
READABLE = (1, 2, 3)
# The file names live with the checks of what a gilbench folder is (bench.guard.folders).
from bench.guard.folders import BENCH, META, OBSERVATIONS  # noqa: E402,F401
def ledger_fingerprint():
    """A short hash of every claim and workload of the ledger this gilbench carries.

    Canonical JSON (sorted keys, ASCII only), so that every interpreter from 3.9 to a
    free-threaded build computes the same fingerprint from the same ledger.
    """
    data = [[dataclasses.asdict(c) for c in ledger.CLAIMS], [dataclasses.asdict(w) for w in ledger.WORKLOADS]]
    text = json.dumps(data, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]
