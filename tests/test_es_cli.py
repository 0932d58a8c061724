"""``gilbench es start|stop|status`` when two run at once, and on a service that hangs."""
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from services import backend

_ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path):
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path))  # a state file of the test's own
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_ROOT), env.get("PYTHONPATH")]))
    env.pop("ES_URL", None)
    return env


def _es(tmp_path, *args):
    return subprocess.run([sys.executable, "-m", "bench", "es"] + list(args), env=_env(tmp_path),
                          capture_output=True, text=True, timeout=60)


def _services_of(tmp_path):
    """Pids of the search services started with this test's XDG_CACHE_HOME (they inherit it)."""
    marker = ("XDG_CACHE_HOME=%s\0" % tmp_path).encode()
    found = []
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                if b"services.search_service" not in f.read():
                    continue
            with open("/proc/%s/environ" % entry, "rb") as f:
                if marker in f.read():
                    found.append(int(entry))
        except (OSError, ValueError):
            continue
    return found


def _kill_all(tmp_path):
    # Whatever failed above: nothing this test started may outlive it.
    for pid in _services_of(tmp_path):
        for sig in (signal.SIGCONT, signal.SIGKILL):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        backend.wait_until_gone(pid, 10)


def test_two_starts_at_once_make_one_service(tmp_path):
    cmd = [sys.executable, "-m", "bench", "es", "start", "--service-ms", "0"]
    try:
        starts = [subprocess.Popen(cmd, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True) for _ in range(2)]
        outs = [p.communicate(timeout=60) for p in starts]
        assert [p.returncode for p in starts] == [0, 0], outs
        urls = {out.strip() for out, _ in outs}
        assert len(urls) == 1, outs  # both name the same service
        url = urls.pop()
        assert any("already running at %s" % url in err for _, err in outs), outs
        pids = _services_of(tmp_path)
        state = json.loads((tmp_path / "gilbench" / "local-search-service.json").read_text())
        assert pids == [state["pid"]] and state["url"] == url
        status = _es(tmp_path, "status")
        assert status.returncode == 0 and url in status.stdout
        stop = _es(tmp_path, "stop")
        assert stop.returncode == 0 and "stopped the local search service" in stop.stderr
        assert backend.wait_until_gone(pids[0], 10) and _services_of(tmp_path) == []
        status = _es(tmp_path, "status")
        assert status.returncode == 1 and status.stdout.strip() == "not running"
    finally:
        _kill_all(tmp_path)


def test_a_hung_service_is_named_as_such_and_stop_kills_it(tmp_path):
    try:
        assert _es(tmp_path, "start", "--service-ms", "0").returncode == 0
        pid = json.loads((tmp_path / "gilbench" / "local-search-service.json").read_text())["pid"]
        os.kill(pid, signal.SIGSTOP)  # alive, and answers nothing
        status = _es(tmp_path, "status")
        assert status.returncode == 1 and status.stdout == ""
        lines = status.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in status.stderr, status.stderr
        assert ("the local search service (pid %d) runs but did not answer GET / within 5 s; stop it with "
                "`gilbench es stop` (it is killed if it does not stop)" % pid) in lines[0]
        assert "docker" not in lines[0] and "ES_URL" not in lines[0]  # not the advice for a real Elasticsearch
        again = _es(tmp_path, "start", "--service-ms", "0")  # its URL would send a client nowhere
        assert again.returncode == 1 and again.stdout == "" and "did not answer GET /" in again.stderr
        stop = _es(tmp_path, "stop")  # still stopped: SIGTERM waits, so it takes SIGKILL
        assert stop.returncode == 0 and "killed it (SIGKILL)" in stop.stderr, stop.stderr
        assert backend.wait_until_gone(pid, 10) and _services_of(tmp_path) == []
        assert _es(tmp_path, "status").stdout.strip() == "not running"
    finally:
        _kill_all(tmp_path)


def test_stop_after_a_continued_service_is_a_plain_stop(tmp_path):
    try:
        start = _es(tmp_path, "start", "--service-ms", "0")
        assert start.returncode == 0
        state = json.loads((tmp_path / "gilbench" / "local-search-service.json").read_text())
        pid = state["pid"]
        assert start.stderr == ("gilbench: local search service, 0 ms service time, at %s, pid %d; stop it with "
                                "`gilbench es stop`\n" % (state["url"], pid))
        os.kill(pid, signal.SIGSTOP)
        os.kill(pid, signal.SIGCONT)
        stop = _es(tmp_path, "stop")
        assert stop.returncode == 0 and "stopped the local search service" in stop.stderr
        assert "SIGKILL" not in stop.stderr
        assert backend.wait_until_gone(pid, 10)
    finally:
        _kill_all(tmp_path)


def test_a_bad_service_time_is_one_line_and_exit_2(tmp_path):
    try:
        for value in ("-1", "nan", "inf"):
            start = _es(tmp_path, "start", "--service-ms", value)
            assert (start.returncode, start.stdout) == (2, ""), start.stderr
            assert start.stderr == ("gilbench: error: --service-ms must be a number of milliseconds, 0 or more, "
                                    "not %g\n" % float(value))
        assert _services_of(tmp_path) == []
    finally:
        _kill_all(tmp_path)


def test_a_service_that_exits_at_once_is_one_line_naming_its_log(tmp_path, monkeypatch, capsys):
    from bench.cli import es, main

    # A "python" that says why on stderr and exits, as the service does on an argument it refuses.
    broken = tmp_path / "python"
    broken.write_text("#!/bin/sh\necho 'search service: cannot serve' >&2\nexit 2\n")
    broken.chmod(0o755)
    monkeypatch.setattr(sys, "executable", str(broken))
    state = tmp_path / "local-search-service.json"
    monkeypatch.setattr(es, "_STATE", str(state))
    monkeypatch.setattr(es, "_LOCK", str(tmp_path / "local-search-service.lock"))
    assert main(["es", "start"]) == 1  # the service failed: exit 1
    out, err = capsys.readouterr()
    log = tmp_path / "local-search-service.log"
    assert out == "" and err == ("gilbench: error: the local search service exited at once with status 2; its "
                                 "errors are in %s\n" % log)
    assert log.read_text() == "search service: cannot serve\n" and not state.exists()
