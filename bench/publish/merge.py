"""Several results folders (other machines, docker-compose runners) -> one set of columns.

Columns are keyed by host and interpreter.  Runs are merged only when they can be compared:
folders of every results format are read in the newest (``bench.judge.migrate``), and their
ledgers must be the same as far as measurements and verdicts go: the same measured fingerprint
(``results_format.ledger_fingerprint``, in meta.json since results format 4), so runs whose
claims differ only in their prose merge.  A format-3 run recorded a fingerprint of the prose too:
where ``migrate.FORMAT3_LEDGERS`` knows its ledger it has that ledger's measured fingerprint,
otherwise it merges only with runs of the same format-3 fingerprint.  Runs of formats 1 and 2
recorded no ledger: each is reported alone.  Anything else is refused with one line
(``ResultsError``), never merged silently.

Column ids: the interpreter's id (``3.13.5t``) when every column comes from one host, else
``host/id`` (``host-a/3.13.5t``), so that two machines' runs of one interpreter stay apart.
Columns are ordered host by host, each host's in version order (each GIL build, then its
free-threaded twin, then the twin's ``PYTHON_GIL=1`` run).
"""
from bench.harness import results_format
from bench.judge.load import ResultsError, load
from bench.judge.verdicts import verdicts
from bench.ledger import versions

def host_of(result):
    return result.meta.get("host") or ""


def _version_key(meta):
    return versions.sort_key(meta.get("version")), bool(meta.get("free_threaded")), bool(meta.get("gil_enabled"))


def _fingerprint(meta):
    """The fingerprint two runs must share to be merged, in words, or None when the run recorded none."""
    if meta.get("measured"):
        return "measured %s" % meta["measured"]
    if meta.get("ledger"):
        return "%s (results format 3, prose included)" % meta["ledger"]
    return None


def _check_comparable(results, several):
    unknown = [r for r in results if _fingerprint(r.meta) is None]
    if several and unknown:
        raise ResultsError(
            "cannot merge %s with other folders: results format %s records no ledger fingerprint, so its claims "
            "cannot be checked against theirs (rerun it with this gilbench)" % (
                unknown[0].folder, unknown[0].meta.get("recorded_format")))
    first = results[0]
    for other in results[1:]:
        if _fingerprint(other.meta) != _fingerprint(first.meta):
            raise ResultsError(
                "cannot merge %s and %s: they were measured with different ledgers (fingerprints %s, %s), so their "
                "claims or workloads differ" % (first.folder, other.folder, _fingerprint(first.meta),
                                                 _fingerprint(other.meta)))


def load_all(run_dirs):
    """The interpreter results of every folder, merged; ``result.id`` becomes the column id."""
    if isinstance(run_dirs, str):
        run_dirs = [run_dirs]
    results = [r for d in run_dirs for r in load(d)]
    _check_comparable(results, several=len(run_dirs) > 1)
    several_hosts = len({host_of(r) for r in results}) > 1
    seen = {}
    for r in results:
        column = "%s/%s" % (host_of(r), r.id) if several_hosts else r.id
        if column in seen:
            raise ResultsError(
                "cannot merge %s and %s: both hold interpreter %s of host %s (rerun one with --id, or report them "
                "separately)" % (seen[column], r.folder, r.id, host_of(r) or "(not recorded)"))
        seen[column] = r.folder
        r.id = column
    return sorted(results, key=lambda r: (host_of(r), _version_key(r.meta), r.id))


def judge(results):
    """{column: {claim: Verdict}}, each host judged on its own columns.

    Claims judged across columns (a GIL build against its free-threaded twin) must never pair
    two machines' runs.
    """
    table = {}
    for host in sorted({host_of(r) for r in results}):
        table.update(verdicts([r for r in results if host_of(r) == host]))
    return table


def ledger_note(results):
    """One line when the runs were measured against another ledger than this gilbench's (or one it
    cannot compare with its own), else None."""
    meta, ours = results[0].meta, results_format.ledger_fingerprint()
    if meta.get("measured") and meta["measured"] != ours:
        return ("These runs were measured with another ledger (measured fingerprint %s; this gilbench's is %s): the "
                "verdicts apply this gilbench's claims to them." % (meta["measured"], ours))
    if not meta.get("measured") and meta.get("ledger"):
        return ("These runs were measured with a ledger this gilbench cannot compare with its own (results format 3 "
                "fingerprint %s, which hashed the claims' prose too; this gilbench's measured fingerprint is %s): the "
                "verdicts apply this gilbench's claims to them." % (meta["ledger"], ours))
    return None
