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
from bench.harness import host, results_format
from bench.judge.load import ResultsError, load
from bench.judge.verdicts import verdicts
from bench.ledger import versions


def host_of(result):
    """The host a column belongs to: its label, with its machine when one label covers two machines."""
    return result.meta.get("host_key", result.meta.get("host") or "")


def _version_key(meta):
    return versions.sort_key(meta.get("version")), bool(meta.get("free_threaded")), bool(meta.get("gil_enabled"))


def _fingerprint(meta):
    """The fingerprint two runs must share to be merged, in words, or None when the run recorded none."""
    if meta.get("measured"):
        return "measured %s" % meta["measured"]
    if meta.get("ledger"):
        return "%s (results format 3, prose included)" % meta["ledger"]
    return None


def _workloads_agree(a, b):
    """The workloads two runs both measured, when each is measured the same way in both (their
    per-workload fingerprints agree), else None."""
    wa, wb = a.meta.get("measured_workloads"), b.meta.get("measured_workloads")
    if not wa or not wb:
        return None
    common = sorted(set(wa) & set(wb))
    return common if common and all(wa[w] == wb[w] for w in common) else None


def _check_comparable(results, several):
    unknown = [r for r in results if _fingerprint(r.meta) is None]
    if several and unknown:
        raise ResultsError(
            "cannot merge %s with other folders: results format %s records no ledger fingerprint, so its claims "
            "cannot be checked against theirs (rerun it with this gilbench)" % (
                unknown[0].folder, unknown[0].meta.get("recorded_format")))
    for i, first in enumerate(results):
        for other in results[i + 1:]:
            _check_pair(first, other)


def _check_pair(first, other):
    if _fingerprint(other.meta) == _fingerprint(first.meta):
        return
    # Each host is judged on its own columns: two hosts' ledgers may differ in workloads that not
    # both measured, but one host's columns are compared with each other (twins) and must agree.
    if host_of(other) != host_of(first) and _workloads_agree(first, other):
        return
    raise ResultsError(
        "cannot merge %s and %s: they were measured with different ledgers (fingerprints %s, %s), so their "
        "claims or workloads differ%s" % (first.folder, other.folder, _fingerprint(first.meta),
                                          _fingerprint(other.meta), "" if host_of(other) != host_of(first) else
                                          " (runs of one host are compared with each other)"))


def _set_host_keys(results, labels):
    """Each result's host key: its label (``labels``: {folder given: label} replaces the recorded one,
    which stays in meta["recorded_host"]), split by machine only where one label covers two machines
    that both ran one interpreter (a duplicate only when label and machine both match)."""
    for r in results:
        r.meta["recorded_host"] = r.meta.get("host") or ""
        if r.source in labels:
            r.meta["host"] = labels[r.source]
    by_label = {}
    for r in results:
        by_label.setdefault(r.meta.get("host") or "", []).append(r)
    for label, group in by_label.items():
        machines = {host.machine_fingerprint(r.meta) for r in group}
        ids = [r.id for r in group]
        split = len(machines) > 1 and len(set(ids)) < len(ids)
        for r in group:
            r.meta["host_key"] = "%s~%s" % (label, host.machine_fingerprint(r.meta)[:6]) if split else label


def load_all(run_dirs, labels=None):
    """The interpreter results of every folder, merged; ``result.id`` becomes the column id.
    ``labels``: {folder as given: host label} for runs whose recorded label is to be replaced."""
    if isinstance(run_dirs, str):
        run_dirs = [run_dirs]
    labels = dict(labels or {})
    unknown = sorted(set(labels) - set(run_dirs))
    if unknown:
        raise ResultsError("--relabel %s: not one of the folders reported (%s)" % (unknown[0], ", ".join(run_dirs)))
    results = []
    for d in run_dirs:
        for r in load(d):
            r.source = d
            results.append(r)
    _set_host_keys(results, labels)
    _check_comparable(results, several=len(run_dirs) > 1)
    several_hosts = len({host_of(r) for r in results}) > 1
    seen = {}
    for r in results:
        column = "%s/%s" % (host_of(r), r.id) if several_hosts else r.id
        if column in seen:
            raise ResultsError(
                "cannot merge %s and %s: both hold interpreter %s of host %s on the same machine (rerun one with "
                "--id or --host, relabel one with --relabel DIR=LABEL, or report them separately)"
                % (seen[column], r.folder, r.id, host_of(r) or "(not recorded)"))
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
    ours = results_format.ledger_fingerprint()
    by_host = {}
    for r in results:
        by_host.setdefault(_fingerprint(r.meta), []).append(host_of(r))
    if len(by_host) > 1:
        return ("The hosts were measured with different ledgers (%s); each workload that two of them measured is "
                "measured the same way in both (its fingerprint agrees), and the verdicts apply this gilbench's claims "
                "(measured fingerprint %s) to all." % ("; ".join(
                    "%s: %s" % (", ".join(sorted(set(hosts))), fp) for fp, hosts in sorted(by_host.items())), ours))
    meta = results[0].meta
    if meta.get("measured") and meta["measured"] != ours:
        return ("These runs were measured with another ledger (measured fingerprint %s; this gilbench's is %s): the "
                "verdicts apply this gilbench's claims to them." % (meta["measured"], ours))
    if not meta.get("measured") and meta.get("ledger"):
        return ("These runs were measured with a ledger this gilbench cannot compare with its own (results format 3 "
                "fingerprint %s, which hashed the claims' prose too; this gilbench's measured fingerprint is %s): the "
                "verdicts apply this gilbench's claims to them." % (meta["ledger"], ours))
    return None
