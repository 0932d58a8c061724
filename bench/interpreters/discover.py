"""Find the Python interpreters gilbench can measure.

Candidates come from python-discovery (PATH, pyenv shims, uv-managed installs, the running
interpreter), every pyenv version (python-discovery only resolves the *active* pyenv shim), and
gilbench's own cache of interpreters built from source (``<cache>/pythons/<id>/bin/python3``,
see ``bench.interpreters.build``). Each candidate is then probed by running it: its file name is never trusted.

Ids are ``<version>`` or ``<version>t`` (free-threaded build). When two distinct interpreters share
an id, the first in origin order (cache, pyenv, uv, path, given), then path order, keeps the plain id
and the others get ``-2``, ``-3``, ... in that order, so ids are stable while the set of installed
interpreters does not change.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from bench.atomic import write_text_atomic
from bench.ledger import versions

MIN_VERSION = (3, 9)
COMPLETE_MARKER = ".gilbench-complete"
_PROBE_TIMEOUT_S = 30
# Bump when the probe script or the facts it returns change, so stale cache entries are ignored.
_PROBE_FORMAT = 1
# Lower rank wins when the same real path is found twice, and keeps the plain id on a clash.
_ORIGIN_RANK = {"cache": 0, "pyenv": 1, "uv": 2, "path": 3, "given": 4}

# Runs inside the target, which may be any Python (2.7 included): keep it 2.7-syntax, stdlib only.
_PROBE_SCRIPT = r"""
import json, platform, sys
try:
    import sysconfig
    cv = sysconfig.get_config_var
except ImportError:
    cv = lambda name: None
print(json.dumps({
    "gilbench_probe": 1,
    "implementation": platform.python_implementation(),
    "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
    "releaselevel": sys.version_info[3],
    "free_threaded": bool(cv("Py_GIL_DISABLED")),
    "configure_flags": cv("CONFIG_ARGS") or "",
    "executable": sys.executable,
}))
"""


class InterpreterError(Exception):
    """An interpreter cannot be found, probed or built; the message is one actionable line."""


@dataclass(frozen=True)
class Interpreter:
    path: str
    version: str
    implementation: str
    free_threaded: bool
    configure_flags: str
    origin: str
    # Set by discover() only when another interpreter already holds the plain id.
    id_suffix: str = ""

    @property
    def id(self) -> str:
        return self.version + ("t" if self.free_threaded else "") + self.id_suffix

    @property
    def version_tuple(self) -> tuple[int, ...]:
        return versions.key(self.version)

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["id_suffix"]
        data["id"] = self.id
        data["build"] = "free-threaded" if self.free_threaded else "GIL"
        data["identity_hash"] = self.identity_hash()
        return data

    def identity_hash(self) -> str:
        key = "\0".join([self.path, self.version, self.configure_flags, str(self.free_threaded)])
        return hashlib.sha256(key.encode()).hexdigest()[:12]


def cache_dir() -> Path:
    env = os.environ.get("GILBENCH_CACHE")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "gilbench"


def pythons_dir() -> Path:
    return cache_dir() / "pythons"


def probe(path: str | os.PathLike, *, origin: str = "given") -> Interpreter:
    """Run *path* to learn what it is; InterpreterError unless it is CPython >= 3.9."""
    shown = str(path)
    exe = Path(path).expanduser()
    if not exe.exists():
        raise InterpreterError(f"{shown}: no such file")
    if exe.is_dir() or not os.access(exe, os.X_OK):
        raise InterpreterError(f"{shown}: not a Python interpreter (not an executable file)")
    exe = Path(os.path.abspath(exe))
    facts = _probe_facts(exe)
    if facts is None:
        raise InterpreterError(f"{shown}: not a Python interpreter")
    if facts["implementation"] != "CPython":
        raise InterpreterError(f"{shown}: {facts['implementation']} is not CPython, the only implementation gilbench measures")
    try:
        version = versions.minor(facts["version"])
    except ValueError as exc:
        raise InterpreterError(f"{shown}: {exc}")
    if version[:2] < MIN_VERSION:
        raise InterpreterError(
            f"{shown}: Python {version[0]}.{version[1]} is older than "
            f"{MIN_VERSION[0]}.{MIN_VERSION[1]}, the oldest gilbench measures"
        )
    return Interpreter(
        path=str(exe),
        version=facts["version"],
        implementation=facts["implementation"],
        free_threaded=facts["free_threaded"],
        configure_flags=facts["configure_flags"],
        origin=origin,
    )


def _probe_facts(exe: Path) -> dict | None:
    # Cached by real path + mtime + size: probing a dozen interpreters costs ~1 s cold.
    real = Path(os.path.realpath(exe))
    try:
        st = real.stat()
    except OSError:
        return None
    stamp = [_PROBE_FORMAT, str(real), st.st_mtime_ns, st.st_size]
    entry = cache_dir() / "probe" / (hashlib.sha256(str(exe).encode()).hexdigest()[:24] + ".json")
    try:
        cached = json.loads(entry.read_text())
        if cached.get("stamp") == stamp:
            return cached["facts"]
    except (OSError, ValueError, AttributeError):
        pass
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    try:
        proc = subprocess.run(
            [str(exe), "-E", "-s", "-c", _PROBE_SCRIPT],
            capture_output=True, text=True, timeout=_PROBE_TIMEOUT_S, env=env, stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return None
    except OSError:
        return None
    facts = None
    for line in reversed(proc.stdout.splitlines()):
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and data.get("gilbench_probe") == 1:
            facts = data
            break
    if proc.returncode != 0 or facts is None:
        return None
    facts = {k: facts[k] for k in ("implementation", "version", "free_threaded", "configure_flags")}
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomic(entry, json.dumps({"stamp": stamp, "facts": facts}))
    except OSError:
        pass  # a read-only cache only costs speed
    return facts


def _pyenv_root() -> Path:
    env = os.environ.get("PYENV_ROOT")
    return Path(env).expanduser() if env else Path.home() / ".pyenv"


def _uv_roots() -> list[Path]:
    if env := os.environ.get("UV_PYTHON_INSTALL_DIR"):
        return [Path(env).expanduser()]
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return [Path(data) / "uv" / "python"]


def _origin_of(real_path: str) -> str:
    path = Path(real_path)

    def under(root: Path) -> bool:
        try:
            return path.is_relative_to(Path(os.path.realpath(root))) or path.is_relative_to(Path(os.path.abspath(root)))
        except (OSError, ValueError):
            return False

    if under(pythons_dir()):
        return "cache"
    if under(_pyenv_root() / "versions"):
        return "pyenv"
    if any(under(root) for root in _uv_roots()):
        return "uv"
    return "path"


def _cached_builds() -> list[Path]:
    """Executables of complete builds in the cache (a prefix without the marker is ignored)."""
    root = pythons_dir()
    if not root.is_dir():
        return []
    return sorted(
        prefix / "bin" / "python3"
        for prefix in root.iterdir()
        if (prefix / COMPLETE_MARKER).is_file() and (prefix / "bin" / "python3").exists()
    )


def _pyenv_pythons() -> list[Path]:
    versions = _pyenv_root() / "versions"
    if not versions.is_dir():
        return []
    return sorted(p / "bin" / "python3" for p in versions.iterdir() if (p / "bin" / "python3").exists())


def _candidates() -> list[str]:
    """Executable paths worth probing, found by python-discovery plus pyenv versions and the cache."""
    from python_discovery import DiskCache, iter_interpreters

    first = [str(p) for p in _cached_builds() + _pyenv_pythons()]
    found: list[str] = []
    pd_cache = DiskCache(cache_dir() / "python-discovery")
    for info in iter_interpreters("cpython", try_first_with=first, cache=pd_cache):
        exe = info.system_executable or info.executable
        if exe:
            found.append(exe)
    # python-discovery collapses a venv onto its base interpreter; keep our own list too in case
    # a cached build is found under a name it does not propose.
    return found + first


def discover() -> list[Interpreter]:
    """Every CPython >= 3.9 on this machine, deduplicated by real path, sorted by version then build."""
    by_real: dict[str, Interpreter] = {}
    for exe in _candidates():
        real = os.path.realpath(exe)
        # A cache build's bin/python3 may link outside the cache (or a pyenv link into it): most specific wins.
        origin = min(_origin_of(exe), _origin_of(real), key=_ORIGIN_RANK.__getitem__)
        if real in by_real and _ORIGIN_RANK[by_real[real].origin] <= _ORIGIN_RANK[origin]:
            continue
        try:
            interp = probe(exe, origin=origin)
        except InterpreterError:
            continue
        # Report the cache's stable bin/python3 name; elsewhere the real file is the clearest name.
        shown = exe if origin == "cache" else real
        by_real[real] = replace(interp, path=shown)
    return _assign_ids(by_real.values())


def _assign_ids(interpreters) -> list[Interpreter]:
    ordered = sorted(interpreters, key=lambda i: (_ORIGIN_RANK.get(i.origin, 9), i.path))
    seen: dict[str, int] = {}
    named = []
    for interp in ordered:
        n = seen.get(interp.id, 0) + 1
        seen[interp.id] = n
        named.append(replace(interp, id_suffix=f"-{n}" if n > 1 else ""))
    return sorted(named, key=lambda i: (i.version_tuple, i.free_threaded, i.id_suffix != "", i.id_suffix, i.path))


def resolve(selection: list[str]) -> list[Interpreter]:
    """Turn ids (as listed by discover()) or paths into interpreters, in the order given."""
    known: list[Interpreter] | None = None
    chosen: list[Interpreter] = []
    for item in selection:
        if os.sep in item or item.startswith("."):
            found = probe(item)
            if known is None:
                known = discover()
            real = os.path.realpath(found.path)
            match = [i for i in known if os.path.realpath(i.path) == real]
            chosen.append(match[0] if match else found)
            continue
        if known is None:
            known = discover()
        match = [i for i in known if i.id == item] or _same_minor(item, known)
        if len(match) != 1:
            listed = ", ".join(i.id for i in (match or known)) or "none found"
            what = "ambiguous" if match else "unknown"
            raise InterpreterError(f"{what} interpreter id {item!r} ({'one of' if match else 'known'}: {listed})")
        chosen.append(match[0])
    return chosen


def _same_minor(item: str, known: list[Interpreter]) -> list[Interpreter]:
    """``3.9`` or ``3.13t``: the interpreters of that minor version and build (one, or it is ambiguous)."""
    free_threaded = item.endswith("t")
    minor = item[:-1] if free_threaded else item
    if minor.count(".") != 1:
        return []
    return [i for i in known if i.free_threaded == free_threaded and i.version.startswith(minor + ".")
            and i.id.startswith(minor + ".")]


__all__ = ["Interpreter", "InterpreterError", "cache_dir", "discover", "probe", "pythons_dir", "resolve"]


if __name__ == "__main__":  # pragma: no cover - manual check
    for interp in discover():
        print(interp.id, interp.origin, interp.path, file=sys.stdout)
