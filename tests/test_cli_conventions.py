"""The command line's conventions: --version, exit statuses (2: a wrong command line, 1: failed
work), help for every argument, --json beside --format json, `python -m bench` = `gilbench`, and
`report` without a folder (the newest run) or with a published folder (its raw/)."""
import argparse
import json
import shutil
import subprocess
import sys

import pytest
from _helpers import ROOT, child_env

_RUN = ROOT / "tests" / "fixtures" / "run-a"


def _gilbench(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "bench"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300, env=child_env(), cwd=cwd)


def test_version_is_the_installed_packages():
    from importlib import metadata

    proc = _gilbench("--version")
    assert proc.returncode == 0 and proc.stdout.strip() == "gilbench %s" % metadata.version("gilbench")


def _actions(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _actions(sub)
        else:
            yield parser.prog, action


def test_every_argument_has_help():
    from bench.cli import _parser

    missing = [(prog, action.dest) for prog, action in _actions(_parser())
               if not action.help or action.help == argparse.SUPPRESS]
    assert missing == []


def test_every_format_json_has_json():
    from bench.cli import _parser

    by_prog = {}
    for prog, action in _actions(_parser()):
        by_prog.setdefault(prog, set()).update(action.option_strings)
    with_format = [prog for prog, action in _actions(_parser()) if "--format" in action.option_strings
                   and "json" in (action.choices or ())]
    assert with_format and all("--json" in by_prog[prog] for prog in with_format)


@pytest.mark.parametrize("args,status", [
    (("demo", "no-such-demo"), 2),           # an unknown name
    (("report", "--no-such-option"), 2),     # argparse's own
    (("report", "/nonexistent/results"), 2),  # a path that names nothing
    (("run", "--only", "nonsense"), 2),
])
def test_a_wrong_command_line_exits_2(args, status):
    assert _gilbench(*args).returncode == status


def test_results_that_cannot_be_read_exit_1(tmp_path):
    bad = tmp_path / "run" / "3.x"
    bad.mkdir(parents=True)
    (bad / "meta.json").write_text("{not json")
    proc = _gilbench("report", str(tmp_path / "run"))
    assert proc.returncode == 1 and "malformed JSON" in proc.stderr


def test_json_is_format_json():
    assert _gilbench("report", str(_RUN), "--json").stdout == _gilbench("report", str(_RUN), "--format", "json").stdout


def test_report_without_a_folder_reads_the_newest_run(tmp_path):
    for name in ("20260101-000000", "20260102-000000"):
        shutil.copytree(str(_RUN), str(tmp_path / "results" / name))
    (tmp_path / "results" / "20260101-000000" / "3.11.7" / "meta.json").write_text("{not json")  # the older one
    proc = _gilbench("report", "--json", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == _gilbench("report", str(tmp_path / "results" / "20260102-000000"), "--json").stdout
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = _gilbench("report", cwd=str(empty))
    assert proc.returncode == 2 and "no run under results/" in proc.stderr


def test_report_of_a_published_folder_reads_its_raw_files(tmp_path):
    from bench.publish import folder

    folder.publish(str(_RUN), tmp_path / "published", None)
    published = _gilbench("report", str(tmp_path / "published"), "--json")
    assert published.returncode == 0, published.stderr
    assert json.loads(published.stdout)["verdicts"] == json.loads(
        _gilbench("report", str(tmp_path / "published" / "raw"), "--json").stdout)["verdicts"]
