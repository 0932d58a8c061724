"""Interpreter discovery, probing and the build's failure path (no real build: too slow)."""

import argparse
import io
import json
import os
import sys
import sysconfig
import tarfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from bench.interpreters import build as build_mod
from bench.interpreters.discover import COMPLETE_MARKER, Interpreter, InterpreterError, _assign_ids, discover, probe, resolve

RUNNING_VERSION = "%d.%d.%d" % sys.version_info[:3]
RUNNING_FT = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("GILBENCH_CACHE", str(cache))
    return cache


def _needs_discovery():
    pytest.importorskip("python_discovery", reason="python-discovery is not installed for this interpreter")


def _make_tarball(path: Path, files: dict) -> Path:
    src = path.parent / (path.name + ".d")
    for name, (text, mode) in files.items():
        f = src / "top" / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text)
        f.chmod(mode)
    with tarfile.open(path, "w:gz") as tf:
        tf.add(src / "top", arcname="Python-fake")
    return path


def _fake_prefix(cache: Path, name: str, complete: bool) -> Path:
    prefix = cache / "pythons" / name
    (prefix / "bin").mkdir(parents=True)
    (prefix / "bin" / "python3").symlink_to(os.path.realpath(sys.executable))
    if complete:
        (prefix / COMPLETE_MARKER).write_text("{}\n")
    return prefix


def test_probe_reads_the_running_interpreter():
    interp = probe(sys.executable)
    assert interp.version == RUNNING_VERSION
    assert interp.implementation == "CPython"
    assert interp.free_threaded is RUNNING_FT
    assert interp.id == RUNNING_VERSION + ("t" if RUNNING_FT else "")
    assert interp.configure_flags == (sysconfig.get_config_var("CONFIG_ARGS") or "")
    assert interp.origin == "given"


def test_identity_and_dict():
    a = Interpreter("/x/python3", "3.13.5", "CPython", True, "'--disable-gil'", "cache")
    b = Interpreter("/x/python3", "3.13.5", "CPython", False, "", "cache")
    assert a.id == "3.13.5t" and b.id == "3.13.5"
    assert len(a.identity_hash()) == 12 and a.identity_hash() != b.identity_hash()
    assert a.identity_hash() == Interpreter("/x/python3", "3.13.5", "CPython", True, "'--disable-gil'", "pyenv").identity_hash()
    d = a.to_dict()
    assert d["id"] == "3.13.5t" and d["build"] == "free-threaded" and d["identity_hash"] == a.identity_hash()
    json.dumps(d)


def test_clashing_ids_are_numbered_deterministically():
    x = Interpreter("/opt/b/python3", "3.11.7", "CPython", False, "", "path")
    y = Interpreter("/root/.pyenv/versions/3.11.7/bin/python3", "3.11.7", "CPython", False, "", "pyenv")
    z = Interpreter("/opt/a/python3", "3.11.7", "CPython", False, "", "path")
    for order in ([x, y, z], [z, y, x]):
        ids = {i.path: i.id for i in _assign_ids(order)}
        assert ids == {y.path: "3.11.7", z.path: "3.11.7-2", x.path: "3.11.7-3"}


@pytest.mark.parametrize("kind", ["true", "text", "script", "missing", "directory"])
def test_probe_rejects_what_is_not_python(tmp_path, kind):
    if kind == "true":
        target = "/bin/true"
        if not os.path.exists(target):
            pytest.skip("no /bin/true here")
    elif kind == "text":
        target = tmp_path / "notes.txt"
        target.write_text("not a program\n")
    elif kind == "script":
        target = tmp_path / "python3"
        target.write_text("#!/bin/sh\necho Python 3.13.5\n")
        target.chmod(0o755)
    elif kind == "missing":
        target = tmp_path / "nothing-here"
    else:
        target = tmp_path
    with pytest.raises(InterpreterError) as err:
        probe(target)
    message = str(err.value)
    assert "\n" not in message
    assert str(target) in message
    assert "not a Python interpreter" in message or "no such file" in message


def test_probe_rejects_old_python(tmp_path):
    fake = tmp_path / "python3"
    fake.write_text(
        "#!/bin/sh\n"
        'echo \'{"gilbench_probe": 1, "implementation": "CPython", "version": "3.8.18", '
        '"free_threaded": false, "configure_flags": "", "executable": "x"}\'\n'
    )
    fake.chmod(0o755)
    with pytest.raises(InterpreterError, match=r"Python 3\.8 is older than 3\.9, the oldest gilbench measures"):
        probe(fake)


def test_discover_finds_the_running_interpreter():
    _needs_discovery()
    found = discover()
    real = os.path.realpath(sys.executable)
    mine = [i for i in found if os.path.realpath(i.path) == real]
    assert len(mine) == 1, [i.path for i in found]
    assert mine[0].version == RUNNING_VERSION
    assert mine[0].free_threaded is RUNNING_FT
    assert all(i.implementation == "CPython" and i.version_tuple[:2] >= (3, 9) for i in found)
    assert len({i.id for i in found}) == len(found)
    assert len({os.path.realpath(i.path) for i in found}) == len(found)
    keys = [(i.version_tuple, i.free_threaded) for i in found]
    assert keys == sorted(keys)


def test_discover_takes_only_complete_cache_builds(private_cache):
    _needs_discovery()
    _fake_prefix(private_cache, "half-built", complete=False)
    assert not [i for i in discover() if i.origin == "cache"]
    prefix = _fake_prefix(private_cache, "done", complete=True)
    cached = [i for i in discover() if i.origin == "cache"]
    assert [i.path for i in cached] == [str(prefix / "bin" / "python3")]


def test_resolve_ids_and_paths():
    _needs_discovery()
    found = discover()
    assert resolve([found[0].id]) == [found[0]]
    by_path = resolve([sys.executable])
    assert os.path.realpath(by_path[0].path) == os.path.realpath(sys.executable)
    with pytest.raises(InterpreterError, match=r"unknown interpreter id '2\.7\.99' \(known: "):
        resolve(["2.7.99"])


def test_build_rejects_a_tarball_that_is_not_cpython(tmp_path, private_cache):
    tarball = _make_tarball(tmp_path / "junk.tar.gz", {"README": ("hello\n", 0o644)})
    lines = []
    with pytest.raises(InterpreterError) as err:
        build_mod.build("3.13", twin=True, source=str(tarball), progress=lines.append)
    message = str(err.value)
    assert "not a CPython source tarball" in message and "\n" not in message
    logs = list((private_cache / "logs").glob("*.log"))
    assert len(logs) == 1 and str(logs[0]) in message
    assert not list((private_cache / "pythons").glob("*")) if (private_cache / "pythons").exists() else True
    assert not (private_cache / "build").exists()


def test_failed_build_leaves_nothing_half_installed(tmp_path, private_cache, monkeypatch):
    # A source tree that looks like CPython 3.13.5 but whose configure fails.
    monkeypatch.setattr(build_mod, "_check_toolchain", lambda *a: None)
    tarball = _make_tarball(tmp_path / "Python-3.13.5.tgz", {
        "configure": ("#!/bin/sh\necho 'checking for a working compiler... no' >&2\nexit 1\n", 0o755),
        "Include/patchlevel.h": ('#define PY_VERSION "3.13.5"\n', 0o644),
    })
    with pytest.raises(InterpreterError) as err:
        build_mod.build("3.13", twin=True, source=str(tarball), progress=lambda line: None)
    message = str(err.value)
    assert "configure 3.13.5 failed" in message and "\n" not in message
    log = Path(message.rsplit("build log: ", 1)[1])
    assert log.is_file() and "working compiler" in log.read_text()
    pythons = private_cache / "pythons"
    assert not pythons.exists() or not list(pythons.iterdir())
    assert not (private_cache / "build").exists()


def test_build_wrong_version_in_tarball(tmp_path):
    tarball = _make_tarball(tmp_path / "Python-3.12.0.tgz", {
        "configure": ("#!/bin/sh\nexit 0\n", 0o755),
        "Include/patchlevel.h": ('#define PY_VERSION "3.12.0"\n', 0o644),
    })
    with pytest.raises(InterpreterError, match=r"holds CPython 3\.12\.0, not 3\.13"):
        build_mod.build("3.13", source=str(tarball), progress=lambda line: None)


def test_build_again_builds_nothing(private_cache, monkeypatch):
    def must_not_fetch(*args, **kwargs):
        raise AssertionError("an already built interpreter was fetched again")

    monkeypatch.setattr(build_mod, "_try_uv", must_not_fetch)
    monkeypatch.setattr(build_mod, "_fetch", must_not_fetch)
    _fake_prefix(private_cache, RUNNING_VERSION, complete=True)
    _fake_prefix(private_cache, RUNNING_VERSION + "t", complete=True)
    lines = []
    minor = "%d.%d" % sys.version_info[:2]
    got = build_mod.build(minor, twin=True, progress=lines.append)
    assert [Path(i.path).parent.parent.name for i in got] == [RUNNING_VERSION, RUNNING_VERSION + "t"]
    assert all(i.origin == "cache" for i in got)
    assert any("nothing to do" in line for line in lines)


def test_a_cached_twin_is_reused_only_if_built_from_the_same_source_with_todays_flags(private_cache):
    import json
    import shlex

    tarball = Path("/src/python3.13_3.13.5.orig.tar.xz")
    for ident, ft in (("3.13.5", False), ("3.13.5t", True)):
        prefix = _fake_prefix(private_cache, ident, complete=True)
        flags = " ".join(shlex.quote(f) for f in build_mod._flags(prefix, ft))
        (prefix / COMPLETE_MARKER).write_text(json.dumps({"source": str(tarball), "configure_flags": flags}))
    assert build_mod._built_as_now("3.13.5", False, tarball) and build_mod._built_as_now("3.13.5", True, tarball)
    assert not build_mod._built_as_now("3.13.5", True, Path("/src/other.tar.xz"))
    # A GIL twin built before the test modules were left out does not pair with one built now.
    old = private_cache / "pythons" / "3.13.5"
    (old / COMPLETE_MARKER).write_text(json.dumps({"source": str(tarball), "configure_flags": "'--prefix=%s' "
                                                   "'--with-ensurepip=install'" % old}))
    assert not build_mod._built_as_now("3.13.5", False, tarball)


def test_build_rejects_a_bad_version():
    with pytest.raises(InterpreterError, match="not like 3.13"):
        build_mod.build("three", progress=lambda line: None)


def _cli(*argv):
    from bench.cli import pythons

    parser = argparse.ArgumentParser(prog="gilbench")
    sub = parser.add_subparsers(dest="command", required=True)
    pythons.register(sub)
    args = parser.parse_args(list(argv))
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        rc = args.func(args)
    return rc, out.getvalue(), err.getvalue()


def test_cli_lists_pythons_as_json():
    _needs_discovery()
    pytest.importorskip("tabulate")
    rc, out, _ = _cli("pythons", "--json")
    assert rc == 0
    rows = json.loads(out)
    assert rows and {"id", "version", "build", "origin", "path", "free_threaded"} <= set(rows[0])
    rc, out, _ = _cli("pythons")
    assert rc == 0 and "origin" in out.splitlines()[0]


def test_cli_build_error_is_one_line_and_exit_2(tmp_path):
    rc, _, err = _cli("pythons", "build", "3.13", "--source", str(tmp_path / "missing.tar.xz"))
    assert rc == 2
    assert err.startswith("gilbench: error: ") and err.count("\n") == 1
    assert "missing.tar.xz: no such source tarball" in err


def test_a_minor_version_selects_its_one_interpreter(monkeypatch):
    from bench.interpreters import discover as d

    known = [Interpreter("/a", "3.9.18", "CPython", False, "", "pyenv"),
             Interpreter("/b", "3.11.2", "CPython", False, "", "path"),
             Interpreter("/c", "3.11.7", "CPython", False, "", "pyenv"),
             Interpreter("/d", "3.13.5", "CPython", False, "", "cache"),
             Interpreter("/e", "3.13.5", "CPython", True, "'--disable-gil'", "cache")]
    monkeypatch.setattr(d, "discover", lambda: known)
    assert [i.id for i in d.resolve(["3.9", "3.13", "3.13t", "3.11.7"])] == ["3.9.18", "3.13.5", "3.13.5t", "3.11.7"]
    with pytest.raises(d.InterpreterError, match="ambiguous interpreter id '3.11' .*3.11.2, 3.11.7"):
        d.resolve(["3.11"])
    with pytest.raises(d.InterpreterError, match="unknown interpreter id '3.8'"):
        d.resolve(["3.8"])
