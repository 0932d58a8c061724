"""Build CPython from source into gilbench's cache (``<cache>/pythons/<id>``).

A free-threaded build and its GIL twin come from the same source tree with the same configure
flags; the only differences are ``--disable-gil`` and the install prefix. Where the source comes
from, in order: the tarball or URL the user gives; ``uv python install`` when uv is on PATH and can
download (prebuilt, not from source); Debian's pristine upstream tarball (``.orig.tar.xz``) fetched
with ``apt-get source --download-only`` under a private sources list and state directory.

A build is installed into a staging directory (``make install DESTDIR=...``) and moved into its
final prefix only when ``make`` and ``make install`` both succeeded; the completion marker is
written last, and discovery ignores any prefix without it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import tarfile
import time
import urllib.parse
from pathlib import Path
from typing import Callable

from bench.interpreters.discover import COMPLETE_MARKER, Interpreter, InterpreterError, cache_dir, probe, pythons_dir
from bench.interpreters.sources import fetch as _fetch, matches as _matches, run_logged as _run
from bench.atomic import write_text_atomic as _write_text_atomic
from bench.progress import progress as _default_progress
from bench.ledger import versions


# (module, header that configure looks for, Debian package, needed by): ssl+zlib for pip, ffi for
# ctypes (multiprocessing.sharedctypes); the others only warn.
_HEADERS = [
    ("ssl", "openssl/ssl.h", "libssl-dev", True),
    ("zlib", "zlib.h", "zlib1g-dev", True),
    ("ctypes", "ffi.h", "libffi-dev", True),
    ("lzma", "lzma.h", "liblzma-dev", False),
    ("sqlite3", "sqlite3.h", "libsqlite3-dev", False),
    ("bz2", "bzlib.h", "libbz2-dev", False),
    ("readline", "readline/readline.h", "libreadline-dev", False),
    ("uuid", "uuid/uuid.h", "uuid-dev", False),
]


def build(
    version: str,
    *,
    free_threaded: bool = False,
    twin: bool = False,
    source: str | None = None,
    progress: Callable[[str], None] = _default_progress,
    jobs: int | None = None,
) -> list[Interpreter]:
    """Build (or find already built) CPython *version*; returns the GIL build first when twin."""
    jobs = jobs or os.cpu_count() or 1
    if not re.fullmatch(r"3\.\d+(\.\d+)?", version):
        raise InterpreterError(f"version {version!r} is not like 3.13 or 3.13.5")
    variants = [False, True] if twin else [free_threaded]
    if source and urllib.parse.urlparse(source).scheme not in ("http", "https", "ftp"):
        if not Path(source).expanduser().is_file():
            raise InterpreterError(f"{source}: no such source tarball")

    if source is None:
        done = _already_built(version, variants)
        if done:
            progress("already built: " + ", ".join(i.id for i in done) + " (nothing to do)")
            return done
        via_uv = _try_uv(version, variants, progress)
        if via_uv:
            return via_uv

    logs = cache_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log_path = logs / f"build-{version}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    work = cache_dir() / "build" / f"{version}-{os.getpid()}"
    with open(log_path, "a", buffering=1) as log:
        progress(f"build log: {log_path}")
        try:
            return _build_from_source(version, source, variants, twin, work, jobs, progress, log, log_path)
        except InterpreterError as exc:
            log.write(f"\nFAILED: {exc}\n")
            msg = str(exc)
            if str(log_path) not in msg:
                msg = f"{msg}; build log: {log_path}"
            raise InterpreterError(msg) from None
        finally:
            shutil.rmtree(work, ignore_errors=True)
            try:
                work.parent.rmdir()  # only when no other build is running
            except OSError:
                pass


def _build_from_source(version, source, variants, twin, work, jobs, progress, log, log_path) -> list[Interpreter]:
    """Fetch and unpack the source, then build each variant not built yet (a twin from this very source)."""
    tarball = _fetch(version, source, progress, log, log_path)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    progress(f"unpack {tarball.name}")
    srcdir = _unpack(tarball, work / "src", log_path)
    full = _source_version(srcdir, tarball, log_path)
    if not _matches(full, version):
        raise InterpreterError(f"{tarball} holds CPython {full}, not {version}; build log: {log_path}")
    done = _already_built(full, variants)
    if done and (not twin or all(_built_as_now(full, ft, tarball) for ft in variants)):
        progress("already built: " + ", ".join(i.id for i in done) + " (nothing to do)")
        return done
    _check_toolchain(log_path, progress)
    built = []
    for ft in variants:
        have = _already_built(full, [ft])
        if have and twin and not _built_as_now(full, ft, tarball):
            have = []  # twins come from the very same source and flags: rebuild this one too
        if have:  # e.g. the GIL build exists and --twin adds its free-threaded twin
            progress(f"already built: {have[0].id}")
            built += have
            continue
        built.append(_build_one(srcdir, full, ft, work, jobs, tarball, progress, log, log_path))
    return built


def _id(full: str, ft: bool) -> str:
    return full + ("t" if ft else "")


def _flags(prefix: Path, ft: bool) -> list[str]:
    """configure's flags: identical for both twins except --disable-gil (and the prefix, which must
    differ).  No test modules: nothing here imports Lib/test or the _test* extensions, and leaving
    them out took a twin's build from 141 s to 99 s on 2 cores (3.13.5; make 104 -> 73 s, install
    16 -> 7 s)."""
    return [f"--prefix={prefix}", "--with-ensurepip=install", "--disable-test-modules"] + (
        ["--disable-gil"] if ft else [])


def _built_as_now(full: str, ft: bool, tarball: Path) -> bool:
    """Whether the cached build came from ``tarball`` with today's flags: a twin kept from before a
    change of flags (a GIL build with test modules) would not pair with one built now."""
    marker = _marker(full, ft)
    given = set(shlex.split(marker.get("configure_flags") or ""))
    return marker.get("source") == str(tarball) and set(_flags(pythons_dir() / _id(full, ft), ft)) <= given


def _marker(full: str, ft: bool) -> dict:
    try:
        return json.loads((pythons_dir() / _id(full, ft) / COMPLETE_MARKER).read_text())
    except (OSError, ValueError):
        return {}




def _already_built(version: str, variants: list[bool]) -> list[Interpreter]:
    # The newest complete version in the cache that has every variant asked for.
    root = pythons_dir()
    if not root.is_dir():
        return []
    found = set()
    for prefix in root.iterdir():
        m = re.fullmatch(r"(\d+\.\d+\.\d+)t?", prefix.name)
        if m and _matches(m.group(1), version) and (prefix / COMPLETE_MARKER).is_file():
            found.add(m.group(1))
    for full in sorted(found, key=versions.sort_key, reverse=True):
        prefixes = [root / _id(full, ft) for ft in variants]
        if all((p / COMPLETE_MARKER).is_file() for p in prefixes):
            try:
                return [probe(p / "bin" / "python3", origin="cache") for p in prefixes]
            except InterpreterError:
                continue  # broken install: rebuild it
    return []


def _try_uv(version: str, variants: list[bool], progress) -> list[Interpreter]:
    uv = shutil.which("uv")
    if not uv:
        return []
    found = []
    for ft in variants:
        spec = version + ("t" if ft else "")
        progress(f"fetch: uv python install {spec}")
        try:
            inst = subprocess.run([uv, "python", "install", spec], capture_output=True, text=True, timeout=600)
            where = subprocess.run(
                [uv, "python", "find", spec], capture_output=True, text=True, timeout=60, cwd=str(cache_dir().parent)
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            progress(f"uv could not install {spec} ({exc}); building from source instead")
            return []
        if inst.returncode != 0 or where.returncode != 0 or not where.stdout.strip():
            reason = (inst.stderr or where.stderr).strip().splitlines()
            progress(f"uv could not install {spec} ({reason[-1] if reason else 'no reason given'}); building from source instead")
            return []
        try:
            interp = probe(where.stdout.strip().splitlines()[-1], origin="uv")
        except InterpreterError as exc:
            progress(f"uv gave an unusable interpreter ({exc}); building from source instead")
            return []
        if interp.free_threaded != ft:
            progress(f"uv found {interp.id} for {spec}; building from source instead")
            return []
        found.append(interp)
    return found


# --- building ----------------------------------------------------------------------------------

def _unpack(tarball: Path, dest: Path, log_path: Path) -> Path:
    dest.mkdir(parents=True)
    try:
        with tarfile.open(tarball) as tf:
            if hasattr(tarfile, "data_filter"):
                tf.extractall(dest, filter="data")
            else:  # pragma: no cover - Pythons without PEP 706
                tf.extractall(dest)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InterpreterError(f"{tarball}: cannot unpack ({exc}); build log: {log_path}") from None
    tops = [p for p in dest.iterdir()]
    root = tops[0] if len(tops) == 1 and tops[0].is_dir() else dest
    return root


def _source_version(srcdir: Path, tarball: Path, log_path: Path) -> str:
    header = srcdir / "Include" / "patchlevel.h"
    if not (srcdir / "configure").is_file() or not header.is_file():
        raise InterpreterError(f"{tarball}: not a CPython source tarball (no configure, Include/patchlevel.h); build log: {log_path}")
    m = re.search(r'#define\s+PY_VERSION\s+"(\d+)\.(\d+)\.(\d+)', header.read_text(errors="replace"))
    if not m:
        raise InterpreterError(f"{tarball}: no PY_VERSION in Include/patchlevel.h; build log: {log_path}")
    full = ".".join(m.groups())
    if (int(m.group(1)), int(m.group(2))) < (3, 9):
        raise InterpreterError(f"{tarball}: CPython {full} is older than 3.9, the oldest gilbench measures")
    return full


def _check_toolchain(log_path: Path, progress) -> None:
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc or not shutil.which("make"):
        raise InterpreterError("no C compiler or make: install build-essential (apt-get install build-essential)")
    missing_required, missing_optional = [], []
    for module, header, package, required in _HEADERS:
        ok = subprocess.run(
            [*cc.split(), "-E", "-x", "c", "-"], input=f"#include <{header}>\n", capture_output=True, text=True
        ).returncode == 0
        if not ok:
            (missing_required if required else missing_optional).append((module, package))
    if missing_optional:
        progress("note: no headers for " + ", ".join(m for m, _ in missing_optional)
                 + " (those modules will be missing); apt-get install " + " ".join(p for _, p in missing_optional))
    if missing_required:
        raise InterpreterError(
            "missing C headers for " + ", ".join(m for m, _ in missing_required)
            + ": apt-get install " + " ".join(p for _, p in missing_required)
        )


def _build_one(srcdir: Path, full: str, ft: bool, work: Path, jobs: int, tarball: Path, progress, log, log_path) -> Interpreter:
    ident = _id(full, ft)
    prefix = pythons_dir() / ident
    objdir = work / f"obj-{ident}"
    stage = work / f"stage-{ident}"
    objdir.mkdir()
    flags = _flags(prefix, ft)
    label = f"{ident} ({'free-threaded' if ft else 'GIL'})"
    start = time.monotonic()
    try:
        progress(f"configure {label}: {' '.join(flags[1:]) or '(defaults)'}")
        _run([str(srcdir / "configure"), *flags], cwd=objdir, log=log, what=f"configure {ident}", log_path=log_path)
        progress(f"make {label} with -j{jobs}")
        _run(["make", f"-j{jobs}"], cwd=objdir, log=log, what=f"make {ident}", log_path=log_path,
             heartbeat=lambda s: progress(f"make {ident}: {s:.0f} s"))
        progress(f"install {label} into {prefix}")
        _run(["make", "install", f"DESTDIR={stage}"], cwd=objdir, log=log, what=f"make install {ident}",
             log_path=log_path, heartbeat=lambda s: progress(f"install {ident}: {s:.0f} s"))
        staged = Path(str(stage) + str(prefix))
        if not (staged / "bin" / "python3").exists():
            raise InterpreterError(f"make install {ident} produced no bin/python3; build log: {log_path}")
        if prefix.exists():  # a partial prefix from an interrupted run
            shutil.rmtree(prefix)
        prefix.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staged), str(prefix))
        check = subprocess.run([str(prefix / "bin" / "python3"), "-c", "import ssl, zlib, ctypes"],
                               capture_output=True, text=True)
        log.write(check.stdout + check.stderr)
        if check.returncode != 0:
            raise InterpreterError(f"{ident} built but cannot import ssl, zlib or ctypes; build log: {log_path}")
        interp = probe(prefix / "bin" / "python3", origin="cache")
        elapsed = time.monotonic() - start
        marker = {"id": ident, "source": str(tarball), "configure_flags": interp.configure_flags,
                  "build_seconds": round(elapsed, 1), "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                  "log": str(log_path)}
        # Last, and atomically: discovery trusts any prefix whose marker exists, so a crash must not
        # leave a half-written one behind.
        _write_text_atomic(prefix / COMPLETE_MARKER, json.dumps(marker, indent=1) + "\n")
        progress(f"built {ident} in {elapsed:.0f} s: {prefix / 'bin' / 'python3'}")
        return interp
    except BaseException:
        if not (prefix / COMPLETE_MARKER).is_file():
            shutil.rmtree(prefix, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(objdir, ignore_errors=True)
        shutil.rmtree(stage, ignore_errors=True)
