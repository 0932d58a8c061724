"""report.json has a JSON schema (bench/publish/report.schema.json, shipped as package data);
the published run's report and the recorded fixtures' reports are valid against it."""
import json
import os
import subprocess
import sys

import pytest

from bench.publish import report

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (pip install -e '.[lint]')")

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_FIXTURES = os.path.join(_ROOT, "tests", "fixtures")
_ENV = dict(os.environ, PYTHONPATH=_ROOT)


def _validator():
    with open(report.SCHEMA) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def _errors(doc):
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in _validator().iter_errors(doc)]


def test_the_schema_is_a_valid_schema_of_the_current_format():
    with open(report.SCHEMA) as f:
        schema = json.load(f)
    _validator()
    assert schema["properties"]["format"] == {"const": report.FORMAT}


def test_the_published_runs_report_from_the_command_is_valid():
    proc = subprocess.run([sys.executable, "-m", "bench", "report", os.path.join(_ROOT, "docs", "results", "raw"),
                           "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=120, env=_ENV)
    assert proc.returncode == 0, proc.stderr
    assert _errors(json.loads(proc.stdout)) == []


@pytest.mark.parametrize("folders", [("matrix-gil",), ("run-a", "run-b")], ids="+".join)
def test_a_fixture_runs_report_is_valid(folders):
    doc = json.loads(report.render([os.path.join(_FIXTURES, f) for f in folders], "json"))
    assert _errors(doc) == []


def test_the_schema_catches_a_report_missing_its_measured_fingerprint():
    doc = json.loads(report.render([os.path.join(_FIXTURES, "run-a")], "json"))
    del doc["interpreters"][0]["measured"]
    doc["table"][0]["cells"] = {"x": {"verdict": "holds"}}
    errors = _errors(doc)
    assert any("'measured' is a required property" in e for e in errors)
    assert any(e.startswith("table/0/cells/x") for e in errors)


def test_check_jsonschema_accepts_a_fixture_report(tmp_path):
    tool = os.path.join(os.path.dirname(sys.executable), "check-jsonschema")
    if not os.path.exists(tool):
        pytest.skip("check-jsonschema is not installed (pip install -e '.[lint]')")
    path = tmp_path / "report.json"
    path.write_text(report.render([os.path.join(_FIXTURES, "matrix-gil")], "json"))
    proc = subprocess.run([tool, "--schemafile", report.SCHEMA, str(path)], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=120)
    assert proc.returncode == 0, proc.stdout
