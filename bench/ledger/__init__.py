"""The ledger: every claim of the study note, as data, one module per chapter.

No claim carries verdict code: ``bench.judge.evaluate`` turns (prediction, measured value,
its spread) into a verdict for every claim alike.  A chapter module holds that chapter's
claims and the workloads that measure them; a new claim is one entry plus one observed key.
The words an entry is written in are in ``bench.ledger.vocabulary``.
"""
from bench.ledger import gc, gil, io, mem, mp, slow

# Selection names for ``--only``; "io" holds the I/O workloads of the GIL chapter's
# io-threads claim once they are built.
CHAPTERS = ("mem", "gc", "slow", "gil", "mp", "io")

CLAIMS = mem.CLAIMS + gc.CLAIMS + slow.CLAIMS + gil.CLAIMS + mp.CLAIMS
WORKLOADS = mem.WORKLOADS + gc.WORKLOADS + slow.WORKLOADS + gil.WORKLOADS + mp.WORKLOADS + io.WORKLOADS

_BY_ID = {c.id: c for c in CLAIMS}
_WORKLOADS_BY_NAME = {w.name: w for w in WORKLOADS}


def get(claim_id):
    return _BY_ID[claim_id]


def workload(name):
    """The workload called ``name`` (KeyError when there is none)."""
    return _WORKLOADS_BY_NAME[name]


def producer(metric):
    """The workload whose observations or benchmarks yield ``metric`` (None: not built)."""
    for w in WORKLOADS:
        if metric.startswith(w.prefix):
            return w
    return None
