"""Host identity (a label and the machine) and the report's "what depends on the machine"."""
import json
import os
import shutil

import pytest

from bench.harness import host, results_format
from bench.judge.load import ResultsError
from bench.publish import machines, merge, model
from bench.publish.model_types import Cell, Column, Row

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_RUN_A = os.path.join(_ROOT, "tests", "fixtures", "run-a")
# The 2-vCPU run of the 16-core run's week (the same workloads; docs/results/raw may have moved on).
_TWO_VCPU = os.path.join(_ROOT, "docs", "results-2vcpu-20261126", "raw")
_SIXTEEN = os.path.join(_ROOT, "docs", "results-16core", "raw")


def _copy(src, dst, **meta):
    shutil.copytree(src, str(dst))
    for name in os.listdir(str(dst)):
        path = os.path.join(str(dst), name, results_format.META)
        if os.path.exists(path):
            with open(path) as f:
                data = json.load(f)
            data.update(meta)
            with open(path, "w") as f:
                json.dump(data, f)
    return str(dst)


def test_the_label_is_the_option_then_the_environment_then_the_node(monkeypatch):
    monkeypatch.setenv(host.LABEL_ENV, "from-env")
    assert host.label("given") == "given" and host.label() == "from-env"
    monkeypatch.delenv(host.LABEL_ENV)
    monkeypatch.setattr(host.platform, "node", lambda: "my laptop")
    assert host.label() == "my-laptop"  # a node name is made usable, not refused
    with pytest.raises(ValueError, match="host label"):
        host.label("../etc")


def test_the_machine_fingerprint_reads_what_a_run_recorded():
    meta = {"cpu_model": "AMD EPYC", "cpu_count": 2, "platform": "Linux-x", "machine": "x86_64"}
    same = dict(meta, version="3.9.18", host="other")  # neither the Python nor the label is the machine
    assert host.machine_fingerprint(meta) == host.machine_fingerprint(same)
    assert host.machine_fingerprint(meta) != host.machine_fingerprint(dict(meta, cpu_count=16))
    assert "2 CPUs" in host.describe(meta) and "AMD EPYC" in host.describe(meta)


def test_one_label_on_one_machine_twice_is_refused(tmp_path):
    a, b = _copy(_RUN_A, tmp_path / "a"), _copy(_RUN_A, tmp_path / "b")
    with pytest.raises(ResultsError, match="same machine"):
        merge.load_all([a, b])


def test_one_label_on_two_machines_is_kept_apart(tmp_path):
    a, b = _copy(_RUN_A, tmp_path / "a"), _copy(_RUN_A, tmp_path / "b", cpu_count=64)
    hosts = {merge.host_of(r) for r in merge.load_all([a, b])}
    assert len(hosts) == 2 and all(h.startswith("vm~") for h in hosts), hosts


def test_relabel_files_a_folder_under_another_host(tmp_path):
    a, b = _copy(_RUN_A, tmp_path / "a"), _copy(_RUN_A, tmp_path / "b")
    results = merge.load_all([a, b], {a: "left", b: "right"})
    assert sorted(r.id for r in results) == ["left/3.11.7", "right/3.11.7"]
    assert {r.meta["recorded_host"] for r in results} == {"vm"}
    with pytest.raises(ResultsError, match="--relabel"):
        merge.load_all([a], {b: "x"})


def test_two_ledgers_merge_across_hosts_only_where_their_common_workloads_agree(tmp_path):
    ours = results_format.workload_fingerprints()
    a = _copy(_RUN_A, tmp_path / "a", format=5, measured="a" * 16, measured_workloads=ours, host="one")
    b = _copy(_RUN_A, tmp_path / "b", format=5, measured="b" * 16, measured_workloads=ours, host="two")
    assert len(merge.load_all([a, b])) == 2
    changed = dict(ours, race="0" * 16)
    c = _copy(_RUN_A, tmp_path / "c", format=5, measured="c" * 16, measured_workloads=changed, host="three")
    with pytest.raises(ResultsError, match="different ledgers"):
        merge.load_all([a, c])
    # One host (label and machine): its columns are compared with each other, so one ledger.
    d = _copy(_RUN_A, tmp_path / "d", format=5, measured="d" * 16, measured_workloads=ours, host="one")
    with pytest.raises(ResultsError, match="runs of one host"):
        merge.load_all([a, d])


def test_the_published_runs_compare_machine_against_machine():
    report = model.build([_TWO_VCPU, _SIXTEEN], labels={_TWO_VCPU: "epyc-2vcpu", _SIXTEEN: "xeon-16core"})
    section = report.machines
    assert [m.host for m in section.machines] == ["epyc-2vcpu", "xeon-16core"]
    assert "2 CPUs" in section.machines[0].description and "16 CPUs" in section.machines[1].description
    compared = {(c.claim, c.interpreter): c for c in section.differ + section.agree}
    # Thread scaling, decided on both machines, with both machines' values.
    key = ("gil.threads-no-benefit", "3.13.5t")
    assert [h for h, _, _ in compared[key].cells] == ["epyc-2vcpu", "xeon-16core"], key
    # The fib ratio (free-threaded over GIL build): within noise of x1.5 on 2 CPUs, x3.03 on 16 cores.
    some = {(c.claim, c.interpreter): c for c in section.some_only}
    fib = some[("gil.freethreading-2x-slower", "3.13.5t")]
    assert [(h, v) for h, v, _ in fib.cells] == [("epyc-2vcpu", "within-noise"), ("xeon-16core", "contradicted")]
    lines = "\n".join(machines.to_markdown(section))
    assert "## What depends on the machine" in lines and "gil.freethreading-2x-slower" in lines


def _column(host_, ident):
    return Column(ident, "%s/%s" % (host_, ident), host_, ident[:6], "GIL build", None, False, True, None, None,
                  2, "fast", None, None, {}, {}, 6, None, None, None, None, 5, None, None)


def _cell(verdict, text):
    return Cell(verdict, None, None, None, False, "", None, text)


def test_differing_agreeing_and_undecided_verdicts_are_told_apart():
    columns = [_column("a", "3.13.5"), _column("b", "3.13.5"), _column("c", "3.13.5")]
    rows = [Row("x.differs", "gil", "", "", None, {"a/3.13.5": _cell("holds", "holds 2"),
                                                   "b/3.13.5": _cell("contradicted", "CONTRADICTED 1"),
                                                   "c/3.13.5": _cell("inconclusive", "? 1")}, None, None, None, "x"),
            Row("x.agrees", "gil", "", "", None, {"a/3.13.5": _cell("holds", "holds 2"),
                                                  "b/3.13.5": _cell("holds", "holds 3"),
                                                  "c/3.13.5": _cell("not-measured", "-")}, None, None, None),
            Row("x.once", "gil", "", "", None, {"a/3.13.5": _cell("holds", "holds 2"),
                                                "b/3.13.5": _cell("inconclusive", "?"),
                                                "c/3.13.5": _cell("not-measured", "-")}, None, None, None)]
    section = machines.compare(columns, rows, model.VOCABULARY, lambda c: "machine " + c.host)
    assert [(c.claim, [h for h, _, _ in c.cells]) for c in section.differ] == [("x.differs", ["a", "b"])]
    assert [c.claim for c in section.agree] == ["x.agrees"]  # x.once was decided on one host only
    assert machines.compare(columns[:1], rows, model.VOCABULARY, str) is None
