"""``gilbench matrix``: the suite on every interpreter, one venv each.

Orchestrating side (host Python only).  Each interpreter gets a venv (``bench.interpreters.venvs``)
and ``gilbench run`` runs inside it as a child process.  A free-threaded build is run twice: as built (GIL off) and
with ``PYTHON_GIL=1`` (its own column, id suffix ``-gil``), and the run's own record of
``sys._is_gil_enabled()`` is checked against what was asked.  One failing interpreter is
reported and the others go on.

When the selection has I/O workloads and no ``ES_URL`` is set, the local search services are
started once for the whole matrix, by this (the orchestrating) Python, and every column talks to
them (``services.local_services``): the same server and the same binary in every column.
"""
from __future__ import annotations

import datetime
import json
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.children import run_in_group
from bench.guard import folders, lock
from bench.guard.signals import CALLER_SPEAKS_ENV
from bench.interpreters.clock import Clock
from bench.interpreters.discover import Interpreter, InterpreterError
from bench.interpreters import venvs
from bench.interpreters.venvs import venv_for
from bench.progress import progress as _progress
from services import backend as _backend, local_services

_RUN_TIMEOUT_S = 3600


@dataclass
class Outcome:
    id: str
    ok: bool
    seconds: float
    detail: str = ""


def _configurations(interp: Interpreter):
    """(column id, extra environment, GIL state the run must report)."""
    if not interp.free_threaded:
        return [(interp.id, {}, True)]
    return [(interp.id, {"PYTHON_GIL": "0"}, False), (interp.id + "-gil", {"PYTHON_GIL": "1"}, True)]


def configurations(interp: Interpreter):
    """The columns ``interp`` gets in a matrix: (column id, extra environment, GIL state it must have)."""
    return _configurations(interp)


def _utc_now_seconds() -> datetime.datetime:
    # meta.json's "started" has whole seconds; compare at that resolution.
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def _fresh_meta(meta_path: Path, began: datetime.datetime, column: str) -> dict | None:
    """meta.json if this run wrote it (its "started" is not before ``began``), else None."""
    try:
        meta = json.loads(meta_path.read_text())
        started = datetime.datetime.fromisoformat(meta["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if started.tzinfo is None or started < began or meta.get("id") != column:
        return None
    return meta


def _set_aside(column_dir: Path) -> Path:
    """Move an earlier result out of the report's sight (hidden, kept: nothing a user had is lost)."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = column_dir.parent / ".earlier" / f"{column_dir.name}-{stamp}-{os.getpid()}"
    aside.parent.mkdir(exist_ok=True)
    os.replace(column_dir, aside)
    return aside


class _IoServices:
    """The matrix's local search services: started on the first column that needs them (a column
    kept by --resume does not), again if they died, stopped at the end.  ``env()``: what a column's
    run is handed ({} when there is nothing to hand: no I/O workload, or a real ES_URL)."""

    def __init__(self, wanted: bool):
        self._wanted = wanted and not os.environ.get(_backend.ENV_URL)
        self._pair = None

    def env(self) -> dict:
        if not self._wanted:
            return {}
        if self._pair is not None and not self._pair.alive():
            _progress("the matrix's local search service has exited: it is started again")
            self._pair.stop()
            self._pair = None
        if self._pair is None:
            self._pair = local_services.Pair.start(local_services.service_ms(), local_services.MATRIX)
            _progress(f"I/O backend of every column: {self._pair.describe()}")
        return self._pair.env()

    def stop(self) -> None:
        pair, self._pair = self._pair, None
        if pair is not None:
            pair.stop()


def _run_one(venv: Path, column: str, env_extra: dict, want_gil: bool, out: Path, mode: str,
             selection: str | None, io_env: dict | None = None, host: str | None = None) -> str:
    # The harness's own entry point: nothing of the host side is imported in the measured interpreter.
    cmd = [str(venv / "bin" / "python"), "-m", "bench.harness", "--out", str(out), "--id", column]
    if host:
        cmd += ["--host", host]
    if mode != "default":
        cmd.append(f"--{mode}")
    if selection:
        cmd += ["--only", selection]
    env = dict(os.environ)
    env.pop("PYTHON_GIL", None)
    for name in local_services.ENVS:  # only the matrix's own pair is handed on, never one from outside
        env.pop(name, None)
    env.update(io_env or {})
    env.update(env_extra)
    env[CALLER_SPEAKS_ENV] = str(os.getpid())
    # A reused --out: the run replaces an earlier column only when it has written a whole new one;
    # the meta read back must be stamped after `began`, or it is the earlier run's.
    column_dir = out / column
    if column_dir.exists():
        _progress(f"{column_dir} holds the results of an earlier run: this run replaces them when it is done")
    began = _utc_now_seconds()
    # The child's stdout (`gilbench run` prints its folder there) goes to our stderr, which it shares
    # already: our stdout carries the report only.
    returncode = run_in_group(cmd, _RUN_TIMEOUT_S, env=env, stdout=2)
    meta_path = column_dir / folders.META
    meta = _fresh_meta(meta_path, began, column)
    if meta is None:
        why = "wrote no results" if not meta_path.exists() else (
            f"left {meta_path}, which is not from this run (unreadable, another id, or started before "
            f"{began.isoformat()})")
        if column_dir.exists() and folders.is_own_folder(column_dir):
            why += f"; the earlier results are kept in {_set_aside(column_dir)}, out of the report"
        raise RuntimeError(f"gilbench run exited with {returncode} and {why}")
    if bool(meta.get("gil_enabled")) != want_gil:
        raise RuntimeError(f"asked for the GIL {'on' if want_gil else 'off'} "
                           f"({' '.join(f'{k}={v}' for k, v in env_extra.items())}), but the run had it "
                           f"{'on' if meta.get('gil_enabled') else 'off'}")
    if returncode != 0:
        return f"some workloads failed (exit {returncode}); see the report"
    return ""


def earlier_column(column_dir: Path, column: str, want_gil: bool, interp: Interpreter,
                   expected: dict) -> tuple[dict | None, str]:
    """(meta, "") of a whole result of ``column`` that this run would repeat, else (None, why not):
    what ``--resume`` keeps.  Repeat means the ``expected`` values of meta.json (format, measured:
    the ledger fingerprint, code, mode, selection, host), the same interpreter build, the GIL
    state, and no failed workload."""
    if not column_dir.exists():
        return None, "not measured yet"
    if not folders.is_own_folder(column_dir):
        return None, "no whole result there"
    try:
        meta = json.loads((column_dir / folders.META).read_text())
        errors = json.loads((column_dir / folders.OBSERVATIONS).read_text()).get("errors")
    except (OSError, ValueError, AttributeError):
        return None, "its files cannot be read"
    wanted = dict(expected, id=column, configure_flags=interp.configure_flags)  # the id holds the version
    for key, value in wanted.items():
        if meta.get(key) != value:
            return None, f"its {key} was {meta.get(key)!r}, this run's is {value!r}"
    if bool(meta.get("gil_enabled")) != want_gil:
        return None, "it ran with the GIL in the other state"
    if errors:
        return None, "some of its workloads failed (" + ", ".join(sorted(errors)) + ")"
    return meta, ""


def run_matrix(interpreters: list[Interpreter], out: Path, mode: str = "fast",
               selection: str | None = None, resume: dict | None = None, host: str | None = None,
               io: bool = False, workloads: tuple = ()) -> list[Outcome]:
    """Every column in turn, with ``out``'s lock held (``bench.guard.lock.Busy`` when another gilbench
    has it).  ``resume``: the meta.json values a column must have to be kept from an earlier run
    instead of measured again (see ``earlier_column``).  ``host``: the label every column is filed under.
    ``io``: the selection has I/O workloads (the local search services are then the matrix's, one pair
    for every column).  ``workloads``: the names the selection stands for (what the clock sums)."""
    columns = [(i, c) for i in interpreters for c in _configurations(i)]
    services = _IoServices(io)
    with lock.holding(str(out), "gilbench matrix --out %s" % out):
        try:
            return _columns(columns, out, mode, selection, resume, services, host, list(workloads))
        finally:
            services.stop()


def _columns(columns, out, mode, selection, resume, services, host, workloads) -> list[Outcome]:
    _note_earlier_columns(out, {column for _, (column, _, _) in columns})
    ids = [column for _, (column, _, _) in columns]
    time_left = Clock.from_records(out, mode, ids, workloads)
    # Which columns --resume keeps, decided first: the clock counts only the columns to measure.
    earlier = {column: earlier_column(out / column, column, want_gil, interp, resume) if resume else (None, "")
               for interp, (column, _, want_gil) in columns}
    to_measure = [c for c in ids if not earlier[c][0]]
    venvs.prepare([interp for interp, (column, _, _) in columns if column in to_measure], make=venv_for)
    outcomes = []
    for n, (interp, (column, env_extra, want_gil)) in enumerate(columns, 1):
        head = f"=== [{n}/{len(columns)}] {column}"
        kept, why_not = earlier[column]
        if kept:
            _progress(f"{head}: kept, completed by an earlier run (started {kept.get('started')}) ===")
            outcomes.append(Outcome(column, True, 0.0, f"kept (--resume), measured {kept.get('started')}"))
            continue
        if resume:
            _progress(f"{head}: measured again: {why_not}")
        # Only the columns that completed say how long a column takes (a failed one may stop in seconds).
        done = [(o.id, o.seconds) for o in outcomes if o.ok and o.seconds]
        measured = {o.id for o in outcomes}
        _progress(f"{head} ({interp.path}){time_left.says(done, [c for c in to_measure if c not in measured])} ===")
        outcomes.append(_column(interp, column, env_extra, want_gil, out, mode, selection, services, host))
    return outcomes


def _column(interp, column, env_extra, want_gil, out, mode, selection, services, host=None) -> Outcome:
    started = time.monotonic()
    try:
        venv = venv_for(interp)
        detail = _run_one(venv, column, env_extra, want_gil, out, mode, selection, services.env(), host)
        return Outcome(column, not detail, time.monotonic() - started, detail)
    except (InterpreterError, RuntimeError, subprocess.SubprocessError, OSError, _backend.BackendError) as exc:
        _progress(f"{column} failed: {exc}")
        return Outcome(column, False, time.monotonic() - started, str(exc))


def _note_earlier_columns(out: Path, this_run: set[str]) -> None:
    # The report reads every column in `out`: say so when a reused folder holds some not run now.
    earlier = sorted(d.name for d in out.iterdir() if not d.name.startswith(".") and d.name not in this_run
                     and (d / folders.META).is_file()) if out.is_dir() else []
    if earlier:
        _progress(f"note: {out} also holds results of an earlier run ({', '.join(earlier)}); "
                  "the report includes them")


def summary(outcomes: list[Outcome]) -> str:
    from tabulate import tabulate

    rows = [[o.id, "ok" if o.ok else "FAILED", f"{o.seconds:.0f} s", o.detail] for o in outcomes]
    return tabulate(rows, ["interpreter", "status", "wall time", "detail"], tablefmt="simple")


# Newest first; a version whose source cannot be reached is skipped.
_BUILDABLE = ("3.14", "3.13")


# Where both builds of one version come from one source with one set of flags: gilbench's own cache
# (built as twins by construction) and uv's (python-build-standalone builds each release both ways).
_TWIN_ORIGINS = ("cache", "uv")


def twin_pairs(found: list[Interpreter]) -> list[tuple[Interpreter, Interpreter]]:
    """(GIL build, free-threaded build) pairs of one version and one origin in ``_TWIN_ORIGINS`` (the
    report checks flags and compiler again from each run's record)."""
    twins = [i for i in found if i.origin in _TWIN_ORIGINS]
    return [(g, f) for f in twins if f.free_threaded for g in twins
            if not g.free_threaded and g.version == f.version and g.origin == f.origin]


def with_free_threaded_twin(found: list[Interpreter]) -> list[Interpreter]:
    """``found`` plus a GIL / free-threaded twin built from one source (cached after the first time)."""
    from bench.interpreters import build

    reasons = []
    for version in _BUILDABLE:
        try:
            built = build.build(version, twin=True)
        except InterpreterError as exc:
            reasons.append(f"{version}: {exc}")
            _progress(f"cannot build {version}: {exc}")
            continue
        from bench.interpreters.discover import discover

        _progress("built " + ", ".join(b.id for b in built))
        return discover()  # ids are assigned over the whole set
    raise InterpreterError("no free-threaded build with its GIL twin found, and none could be built ("
                           + "; ".join(reasons) + ")")
