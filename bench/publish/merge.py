"""Several results folders (other machines, docker-compose runners) -> one set of columns.

Columns are keyed by host and interpreter.  Runs are merged only when they can be compared:
the same results format, and the same ledger (the fingerprint of the claims and workloads the
run measured, recorded in meta.json since results format 3).  Anything else is refused with
one line (``ResultsError``), never merged silently.

Column ids: the interpreter's id (``3.13.5t``) when every column comes from one host, else
``host/id`` (``host-a/3.13.5t``), so that two machines' runs of one interpreter stay apart.
Columns are ordered host by host, each host's in version order (each GIL build, then its
free-threaded twin, then the twin's ``PYTHON_GIL=1`` run).
"""
from bench.harness import results_format
from bench.judge.load import ResultsError, load
from bench.judge.verdicts import verdicts
from bench.ledger import versions

_FINGERPRINTED = 3  # the first results format that records its ledger and host


def host_of(result):
    return result.meta.get("host") or ""


def _version_key(meta):
    return versions.sort_key(meta.get("version")), bool(meta.get("free_threaded")), bool(meta.get("gil_enabled"))


def _check_comparable(results, several):
    first = results[0]
    for other in results[1:]:
        if other.meta.get("format") != first.meta.get("format"):
            raise ResultsError(
                "cannot merge %s (results format %s) with %s (results format %s): rerun the older with this "
                "gilbench, or report them separately" % (first.folder, first.meta.get("format"), other.folder,
                                                        other.meta.get("format")))
    if several and (first.meta.get("format") or 0) < _FINGERPRINTED:
        raise ResultsError(
            "cannot merge %s with other folders: results format %s records no ledger fingerprint, so its claims "
            "cannot be checked against theirs (rerun it with this gilbench)" % (first.folder, first.meta.get("format")))
    for other in results[1:]:
        if other.meta.get("ledger") != first.meta.get("ledger"):
            raise ResultsError(
                "cannot merge %s and %s: they were measured with different ledgers (fingerprints %s, %s), so their "
                "claims or workloads differ" % (first.folder, other.folder, first.meta.get("ledger"),
                                                 other.meta.get("ledger")))


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
    """One line when the runs were measured against another ledger than this gilbench's, else None."""
    recorded = results[0].meta.get("ledger")
    if recorded and recorded != results_format.ledger_fingerprint():
        return ("These runs were measured with another ledger (fingerprint %s; this gilbench's is %s): the verdicts "
                "apply this gilbench's claims to them." % (recorded, results_format.ledger_fingerprint()))
    return None
