"""docker-compose.yml, checked without a Docker engine: the Compose Specification's own JSON schema
(check-jsonschema's vendored ``vendor.compose-spec``), then what a schema cannot say."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parent.parent
_COMPOSE = _ROOT / "docker-compose.yml"
_DOCKERFILE = _ROOT / "docker" / "runner.Dockerfile"
# An image reference pinned to a version: name:1.2.3[-suffix] (a digest would do too).
_PINNED = re.compile(r"^[\w./-]+:\d+\.\d+\.\d+[\w.-]*$|@sha256:[0-9a-f]{64}$")


def _check_jsonschema():
    exe = Path(sys.executable).parent / "check-jsonschema"
    return str(exe) if exe.exists() else shutil.which("check-jsonschema")


def test_compose_file_matches_the_compose_specification():
    exe = _check_jsonschema()
    if exe is None:
        pytest.skip("check-jsonschema is not installed (pip install -e .[lint]; make venv does)")
    proc = subprocess.run([exe, "--builtin-schema", "vendor.compose-spec", str(_COMPOSE)],
                          capture_output=True, text=True, timeout=100)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def compose():
    yaml = pytest.importorskip("ruamel.yaml", reason="ruamel.yaml comes with check-jsonschema (the lint extra)")
    # Safe loading resolves the x-runner anchors and merge keys as Compose does.
    return yaml.YAML(typ="safe", pure=True).load(_COMPOSE.read_text())


def _runners(compose):
    return {name: svc for name, svc in compose["services"].items() if name.startswith("runner-")}


def test_elasticsearch_is_pinned_single_node_unsecured_with_a_heap(compose):
    es = compose["services"]["elasticsearch"]
    assert es["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:")
    assert _PINNED.search(es["image"]), es["image"]
    env = es["environment"]
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] == "false"
    assert re.search(r"-Xms\d+[mg]", env["ES_JAVA_OPTS"]) and re.search(r"-Xmx\d+[mg]", env["ES_JAVA_OPTS"])


def test_elasticsearch_version_is_one_the_installed_client_talks_to(compose):
    from services import backend

    major = backend.client_major()
    if major is None:
        pytest.skip("the elasticsearch client is not installed")
    server = int(compose["services"]["elasticsearch"]["image"].rsplit(":", 1)[1].split(".")[0])
    assert major <= server <= major + 1


def test_elasticsearch_health_is_checked_on_cluster_health_yellow(compose):
    check = compose["services"]["elasticsearch"]["healthcheck"]
    test = " ".join(check["test"]) if isinstance(check["test"], list) else check["test"]
    assert "_cluster/health?wait_for_status=yellow" in test
    assert check["retries"] >= 1


def test_elasticsearch_port_is_published_on_loopback_only(compose):
    for port in compose["services"]["elasticsearch"]["ports"]:
        assert str(port).startswith("127.0.0.1:"), port
    for name, svc in compose["services"].items():
        for port in svc.get("ports", ()):
            assert str(port).startswith("127.0.0.1:"), (name, port)


def test_runners_cover_several_pythons_one_free_threaded(compose):
    runners = _runners(compose)
    assert len(runners) >= 3
    args = [svc["build"].get("args", {}) for svc in runners.values()]
    for a in args:
        assert _PINNED.search(a["PYTHON_IMAGE"]), a
    assert any(str(a.get("UV_PYTHON", "")).endswith("t") for a in args), "no free-threaded runner"
    versions = {a.get("UV_PYTHON") or a["PYTHON_IMAGE"].split(":")[1].rsplit(".", 1)[0] for a in args}
    assert len(versions) >= 3


def test_runners_wait_for_health_and_write_to_the_results_folder(compose):
    for name, svc in _runners(compose).items():
        assert svc["depends_on"]["elasticsearch"]["condition"] == "service_healthy", name
        assert svc["environment"]["ES_URL"] == "http://elasticsearch:9200", name
        out = svc["command"][svc["command"].index("--out") + 1]
        mounts = [v.split(":") for v in svc["volumes"]]
        assert any(host.startswith("./results") and target == out for host, target in mounts), name
        assert svc["build"]["dockerfile"] == "docker/runner.Dockerfile"


def test_runner_image_installs_a_free_threaded_python_when_asked():
    text = _DOCKERFILE.read_text()
    assert re.search(r"^FROM \$\{PYTHON_IMAGE\}$", text, re.M)
    assert re.search(r"^FROM ghcr\.io/astral-sh/uv:\d+\.\d+\.\d+ AS uv$", text, re.M)  # uv pinned
    assert 'uv python install "$UV_PYTHON"' in text
    assert 'ENTRYPOINT ["/venv/bin/gilbench"]' in text
