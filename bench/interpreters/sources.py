"""Where a CPython source tarball comes from, and running the build's commands into its log.

Split from ``bench.interpreters.build``: fetching (a given file or URL, or Debian's pristine upstream
tarball through ``apt-get source --download-only`` with a private sources list and state
folder, so the system's apt configuration is never touched) and the logged command runner.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.interpreters.discover import InterpreterError, cache_dir

DEBIAN_SUITE = os.environ.get("GILBENCH_DEBIAN_SUITE", "trixie")
_DEBIAN_MIRROR = os.environ.get("GILBENCH_DEBIAN_MIRROR", "http://deb.debian.org/debian")
_HEARTBEAT_S = 15


def matches(full: str, wanted: str) -> bool:
    return full == wanted or full.startswith(wanted + ".")


# --- fetching the source ---------------------------------------------------------------------

def fetch(version: str, source: str | None, progress, log, log_path: Path) -> Path:
    if source:
        parsed = urllib.parse.urlparse(source)
        if parsed.scheme in ("http", "https", "ftp"):
            return _download(source, progress, log_path)
        path = Path(source).expanduser()
        if not path.is_file():
            raise InterpreterError(f"{source}: no such source tarball")
        progress(f"fetch: using {path}")
        return path.resolve()
    return _apt_source(version, progress, log, log_path)


def _download(url: str, progress, log_path: Path) -> Path:
    dest_dir = cache_dir() / "src"
    dest_dir.mkdir(parents=True, exist_ok=True)
    name = Path(urllib.parse.urlparse(url).path).name or "source.tar"
    dest = dest_dir / name
    if dest.is_file():
        progress(f"fetch: {url} (already downloaded)")
        return dest
    progress(f"fetch: {url}")
    tmp = dest.with_name(dest.name + ".part")
    try:
        with urllib.request.urlopen(url, timeout=60) as resp, open(tmp, "wb") as out:
            shutil.copyfileobj(resp, out)
        os.replace(tmp, dest)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InterpreterError(f"cannot download {url}: {exc}; build log: {log_path}") from None
    return dest


def _apt_source(version: str, progress, log, log_path: Path) -> Path:
    """Pristine upstream tarball from Debian's source package, without touching apt's own setup."""
    minor = ".".join(version.split(".")[:2])
    package = f"python{minor}"
    hint = f"pass --source with a CPython tarball or URL (https://www.python.org/ftp/python/{version if version.count('.') == 2 else minor + '.N'}/)"
    if not shutil.which("apt-get"):
        raise InterpreterError(f"cannot get the CPython {version} source: no apt-get here and no uv; {hint}")
    root = cache_dir() / "apt"
    lists, archives, src = root / "lists", root / "archives", root / "src" / package
    for d in (lists / "partial", archives / "partial", root / "cache", src):
        d.mkdir(parents=True, exist_ok=True)
    sources = root / "sources.list"
    keyring = next(
        (k for k in (f"/usr/share/keyrings/debian-archive-{DEBIAN_SUITE}-stable.gpg", "/usr/share/keyrings/debian-archive-keyring.gpg") if os.path.isfile(k)),
        None,
    )
    opts = f"[signed-by={keyring}] " if keyring else ""
    sources.write_text(f"deb-src {opts}{_DEBIAN_MIRROR} {DEBIAN_SUITE} main\n")
    apt = [
        "apt-get", "-q",
        "-o", f"Dir::Etc::sourcelist={sources}",
        "-o", "Dir::Etc::sourceparts=-",
        "-o", f"Dir::State::Lists={lists}",
        "-o", f"Dir::Cache={root / 'cache'}",
        "-o", f"Dir::Cache::archives={archives}",
        "-o", "APT::Get::List-Cleanup=0",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        apt += ["-o", "APT::Sandbox::User=root"]  # _apt cannot read a root-owned cache
    fresh = (lists / "lock").exists() and time.time() - max(
        (p.stat().st_mtime for p in lists.glob("*Sources*")), default=0) < 86400
    if not fresh:
        progress(f"fetch: apt-get update (private list: Debian {DEBIAN_SUITE} sources)")
        run_logged(apt + ["update"], cwd=root, log=log, what="apt-get update", log_path=log_path,
             hint=f"Debian {DEBIAN_SUITE} unreachable; {hint}")
    existing = sorted(src.glob(f"{package}_*.orig.tar.*"))
    if not existing:
        progress(f"fetch: apt-get source --download-only {package}")
        run_logged(apt + ["source", "--download-only", package], cwd=src, log=log, what=f"apt-get source {package}",
             log_path=log_path, hint=f"no {package} in Debian {DEBIAN_SUITE}; {hint}")
        existing = sorted(src.glob(f"{package}_*.orig.tar.*"))
    tarballs = [p for p in existing if not p.name.endswith(".asc")]
    if not tarballs:
        raise InterpreterError(f"apt-get source {package} gave no upstream .orig tarball; {hint}")
    tarball = tarballs[-1]
    upstream = tarball.name.split("_", 1)[1].split(".orig")[0]
    if not matches(upstream, version):
        raise InterpreterError(f"Debian {DEBIAN_SUITE} has {package} {upstream}, not {version}; {hint}")
    progress(f"fetch: {tarball.name} (pristine upstream source from Debian {DEBIAN_SUITE})")
    return tarball


def run_logged(cmd, *, cwd, log, what: str, log_path: Path, hint: str = "", heartbeat=None) -> None:
    log.write(f"\n$ {' '.join(map(str, cmd))}   (in {cwd})\n")
    log.flush()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    try:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    except OSError as exc:
        raise InterpreterError(f"{what} failed to start ({exc}); build log: {log_path}") from None
    start = last = time.monotonic()
    try:
        while True:
            try:
                rc = proc.wait(timeout=1)
                break
            except subprocess.TimeoutExpired:
                now = time.monotonic()
                if heartbeat and now - last >= _HEARTBEAT_S:
                    last = now
                    heartbeat(now - start)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if rc != 0:
        raise InterpreterError(f"{what} failed (exit {rc}){'; ' + hint if hint else ''}; build log: {log_path}")
