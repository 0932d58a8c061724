"""The architecture holds: import contracts kept (and each one able to fail), modules kept small."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from _helpers import child_env

_ROOT = Path(__file__).resolve().parent.parent
_PACKAGES = ("bench", "demos", "services")


def _lint_imports(root):
    pytest.importorskip("importlinter", reason="import-linter is not installed for this interpreter")
    env = child_env(root)
    # Run from `root` with it first on the path, so the tree analysed is the one in `root`.
    return subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
                               "sys.exit(lint_imports_command())", "--no-cache"],
        cwd=str(root), env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True,
        timeout=120)


def test_import_contracts_are_kept():
    proc = _lint_imports(_ROOT)
    assert proc.returncode == 0, proc.stdout
    assert "0 broken" in proc.stdout


# One forbidden import per contract of .importlinter: each must make lint-imports fail.
@pytest.mark.parametrize("module,line,contract", [
    ("demos/race.py", "import bench.ledger", "demos import nothing of bench or services"),
    ("demos/fib.py", "import pyperf", "demos import nothing of bench or services"),
    ("services/__init__.py", "import demos", "services import nothing of bench or demos"),
    ("bench/harness/runner.py", "import bench.judge.load", "the harness (runs inside measured interpreters)"),
    ("bench/harness/pyperf_script.py", "import tabulate", "the harness (runs inside measured interpreters)"),
    # The one ignored import (bm_io -> services.io_workload) opens nothing else: the client stays
    # out of the harness's own modules, and bm_io may not import it directly.
    ("bench/harness/runner.py", "import services.io_workload", "the harness (runs inside measured interpreters)"),
    ("bench/harness/benchmarks/bm_io.py", "import elasticsearch", "the harness (runs inside measured interpreters)"),
    ("bench/ledger/gil.py", "import bench.progress", "the ledger imports nothing but its own vocabulary"),
    ("bench/judge/load.py", "import bench.publish.report", "layers only point down"),
    ("bench/publish/table.py", "import bench.ledger.vocabulary", "renderers import nothing from judge or ledger"),
    ("bench/publish/html.py", "import bench.publish.model", "renderers import nothing from judge or ledger"),
    ("bench/interpreters/matrix.py", "import bench.harness.runner", "layers only point down"),
])
def test_each_contract_fails_when_broken(tmp_path, module, line, contract):
    for package in _PACKAGES:
        shutil.copytree(str(_ROOT / package), str(tmp_path / package),
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(str(_ROOT / ".importlinter"), str(tmp_path / ".importlinter"))
    with open(str(tmp_path / module), "a") as f:
        f.write("\n%s  # deliberately broken contract\n" % line)
    proc = _lint_imports(tmp_path)
    assert proc.returncode != 0, proc.stdout
    assert _status(proc.stdout, contract) == "BROKEN", proc.stdout


def _status(report, contract):
    """KEPT or BROKEN: the word after the contract's name in lint-imports' summary (names wrap)."""
    report = re.sub(r"\x1b\[[0-9;]*m", "", report)  # older import-linters colour their output
    summary = " ".join(report.split()).split("Contracts: ")[0]
    after = summary[summary.index(contract) + len(contract):].split()
    return next(word for word in after if word in ("KEPT", "BROKEN"))


def _modules(folder):
    return [p for p in (_ROOT / folder).rglob("*.py") if "__pycache__" not in p.parts]


@pytest.mark.parametrize("package", _PACKAGES)
def test_no_module_over_400_lines(package):
    long = ["%s (%d lines)" % (p.relative_to(_ROOT), n) for p in _modules(package)
            for n in [len(p.read_text(encoding="utf-8").splitlines())] if n > 400]
    assert not long, "split these modules: " + ", ".join(long)


def test_bench_top_level_stays_small():
    top = sorted(p.name for p in (_ROOT / "bench").glob("*.py"))
    assert len(top) <= 6, "bench/ holds %d modules; the rest belong in its subpackages: %s" % (len(top), top)
