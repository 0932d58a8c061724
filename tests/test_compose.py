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
    # gilbench through docker/run-column.sh: a partial column (exit 1) lets the chain go on
    assert 'ENTRYPOINT ["/bin/sh", "/gilbench/docker/run-column.sh"]' in text
    script = (_DOCKERFILE.parent / "run-column.sh").read_text()
    assert '/venv/bin/gilbench "$@"' in script and '"$status" -eq 1' in script


def _chain(compose):
    """The runners in the order they run: each waits for the one before it to complete."""
    runners = _runners(compose)
    before = {}
    for name, svc in runners.items():
        waits = [d for d, c in svc["depends_on"].items() if d in runners]
        assert len(waits) <= 1, (name, waits)
        if waits:
            assert svc["depends_on"][waits[0]]["condition"] == "service_completed_successfully", name
            before[name] = waits[0]
    firsts = [n for n in runners if n not in before]
    assert len(firsts) == 1, "runners that start together compete for the CPUs: %s" % firsts
    order, after = firsts, {b: a for a, b in before.items()}
    assert len(after) == len(before), "two runners wait for the same one: they would run together"
    while order[-1] in after:
        order.append(after[order[-1]])
    assert sorted(order) == sorted(runners), "runners outside the chain: %s" % (set(runners) - set(order))
    return order


def test_runners_run_one_after_another(compose):
    order = _chain(compose)
    assert order[0] == "runner-3.9" and len(order) == len(_runners(compose))


def test_runners_run_the_whole_suite_under_one_host_label(compose):
    labels = {svc["environment"]["GILBENCH_HOST"] for svc in _runners(compose).values()}
    assert labels == {"${GILBENCH_HOST:-compose}"}
    for name, svc in _runners(compose).items():
        assert "--only" not in svc["command"] and svc["command"][0] == "run", name


def _build(svc):
    return svc["build"]["args"]


def test_each_free_threaded_runner_also_runs_with_the_gil_forced_on(compose):
    runners = _runners(compose)
    free = {n: s for n, s in runners.items() if str(_build(s).get("UV_PYTHON", "")).endswith("t")}
    gil_off = [s for s in free.values() if "PYTHON_GIL" not in s["environment"]]
    gil_on = [s for s in free.values() if s["environment"].get("PYTHON_GIL") == "1"]
    assert gil_off and len(gil_on) == len(gil_off)
    # The same binary: the same build arguments as a GIL-off runner (one image, PYTHON_GIL=1 at run time).
    assert sorted(map(str, map(_build, gil_on))) == sorted(map(str, map(_build, gil_off)))


def test_runners_include_the_3_14_pair_and_twins_from_one_build_set(compose):
    uv = {str(_build(s).get("UV_PYTHON")) for s in _runners(compose).values()}
    for version in ("3.13.5", "3.14.0"):
        assert {version, version + "t"} <= uv, uv


def test_the_last_service_merges_every_column_into_one_report(compose):
    merge = compose["services"]["merge"]
    last = _chain(compose)[-1]
    assert merge["depends_on"] == {last: {"condition": "service_completed_successfully"}}
    script = " ".join(merge["command"])
    assert "gilbench report /results > " in script and "/results/report.md" in script
    runner_volume = next(iter(_runners(compose).values()))["volumes"]
    assert merge["volumes"] == runner_volume


def test_the_readme_compose_command_names_the_merge_service(compose):
    readme = (_ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^\s*(docker compose up[^\n]*)$", readme, re.M)
    assert commands, "the README gives no docker compose command"
    for command in commands:
        services = [w for w in command.split()[3:] if not w.startswith("-")]
        assert services and all(s in compose["services"] for s in services), command
        assert "--abort-on-container-exit" not in command, command
