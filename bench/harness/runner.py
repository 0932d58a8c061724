"""``gilbench run``: observe and benchmark the selected workloads on the running interpreter.

Runs inside the measured interpreter, so it stays Python 3.9-compatible.  Results go to
``OUT/<interpreter-id>/`` as meta.json, observations.json and bench.json; they are written
into a hidden sibling folder first and renamed into place at the end, so a crashed or
interrupted run never leaves a half-written result behind.
"""
import datetime
import hashlib
import importlib
import io
import json
import multiprocessing
import os
import platform
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

from bench.guard import folders, jobcontrol, keeper, lock, signals
from bench.harness import host as _host, io_session, results_format, revision
from bench.atomic import write_text_atomic
from bench.children import run_in_group
from bench.harness.selection import ROUNDS, pyperf_args, round_plan, rounds_of
from bench.progress import progress as _progress
from demos._mallocstats import allocator_in_use
from demos._util import gil_enabled

_SCRIPTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchmarks")
_SCRIPT_TIMEOUT_S = 1800
# Each workload's observations take 1-40 s on 2 cores; one stuck (a child that never ends) fails alone.
_OBSERVE_TIMEOUT_S = 600


def interpreter_facts():
    """What produced a run: interpreter, build, GIL state at run time, flags, CPUs."""
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    return {
        "executable": sys.executable,
        "base_executable": getattr(sys, "_base_executable", sys.executable),
        "version": platform.python_version(),
        "implementation": platform.python_implementation(),
        "free_threaded": free_threaded,
        "gil_enabled": gil_enabled(),
        "python_gil_env": os.environ.get("PYTHON_GIL"),
        # The allocator that really serves this process, read from its own statistics: a
        # free-threaded build (mimalloc) or PYTHONMALLOC=malloc is not pymalloc, whatever it was built with.
        "allocator": allocator_in_use(),
        "pymalloc": allocator_in_use() == "pymalloc",
        "pymalloc_built": bool(sysconfig.get_config_var("WITH_PYMALLOC")),
        "configure_flags": sysconfig.get_config_var("CONFIG_ARGS") or "",
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_model": _host.cpu_model(),
        "memory_bytes": _host.memory_bytes(),  # with the CPU and OS: the machine a merge tells apart (host.py)
        "compiler": platform.python_compiler(),
        # Recorded because 3.14 changes Linux's default, and process start-up is in the timings.
        "mp_start_method": multiprocessing.get_start_method(),
        "libraries": library_versions(),
    }


# What times the runs (pyperf) and what the I/O workloads talk through: their versions are part of
# what produced a figure (an HTTP client's release changes the client CPU per call).
_LIBRARIES = ("pyperf", "elasticsearch", "elastic-transport", "aiohttp", "httpx")


def library_versions():
    """{distribution: version, or None where this interpreter's environment lacks it}."""
    from importlib import metadata  # 3.8+; imported here: only a run's start needs it

    found = {}
    for name in _LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
        except Exception as exc:  # a broken install (unreadable METADATA) must not stop the run
            found[name] = "unreadable (%s)" % type(exc).__name__
    return found


# What runs in the measured interpreter, and so decides what a run measured besides the ledger.
_CODE = ("demos", "services", os.path.join("bench", "harness"), os.path.join("bench", "ledger"),
         os.path.join("bench", "guard"), os.path.join("bench", "children.py"))


def code_fingerprint():
    """A short hash of the source that runs in a measured interpreter (demos, services, the
    harness, the ledger): ``matrix --resume`` keeps a column only when it was measured by the same code."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    digest = hashlib.sha256()
    for part in _CODE:
        top = os.path.join(root, part)
        paths = [top] if os.path.isfile(top) else sorted(
            os.path.join(d, f) for d, _, files in os.walk(top) for f in files if f.endswith(".py"))
        for path in paths:
            digest.update(os.path.relpath(path, root).replace(os.sep, "/").encode() + b"\0")
            with open(path, "rb") as f:
                digest.update(f.read() + b"\0")
    return digest.hexdigest()[:16]


def _load_average():
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def default_id(facts):
    """A short id such as 3.11.7, 3.13.5t, or 3.13.5t-gil (free-threaded build, GIL forced on)."""
    ident = facts["version"] + ("t" if facts["free_threaded"] else "")
    if facts["free_threaded"] and facts["gil_enabled"]:
        ident += "-gil"
    return ident


def _write_json(path, data):
    # allow_nan=False: a NaN that got past _finite_only fails here, not in a later report.
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, default=str, allow_nan=False) + "\n")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _observe(workload, mode):
    module = importlib.import_module(workload.demo)
    params = dict(workload.params.get(mode, {})) if workload.params else {}
    return module.observe(**params)


def _round(workload, mode, bench_file, i, only=None):
    """Round ``i`` of ``workload``'s timings (of the benchmarks ``only`` names; None: all of them)
    appended to ``bench_file`` (see ``selection.ROUNDS`` and ``selection.round_plan``)."""
    script, order = os.path.join(_SCRIPTS_DIR, workload.script), "declared" if i % 2 else "reversed"
    alone = "" if only is None else "; an extra round, of %s alone" % ", ".join(only)
    # The round files its runs apart, then they join bench_file atomically: pyperf's --append
    # rewrites its file in place, and a kill during that write lost every earlier round's timings.
    # *.tmp: a folder left by a killed run holding one is still gilbench's own (guard.folders).
    round_file = "%s.round-%d.%d.tmp" % (bench_file, i, os.getpid())
    cmd = [sys.executable, script, "--quiet", "--append", round_file] + list(pyperf_args(workload, mode))
    cmd += ["--gilbench-round", str(i), "--gilbench-order", order]
    cmd += [arg for name in only or () for arg in ("--gilbench-only", name)]  # names hold commas
    cmd += list((workload.script_args or {}).get(mode, ()))
    _progress("      %s: round %d/%d (%s order%s)" % (workload.name, i, rounds_of(workload, mode), order, alone))
    try:
        # Output to a file, not a pipe: a chatty script can never fill a pipe and stall.
        with tempfile.TemporaryFile("w+") as output:
            code = run_in_group(cmd, _SCRIPT_TIMEOUT_S, stdout=output, stderr=subprocess.STDOUT)
            if code != 0:
                output.seek(0)
                tail = output.read().strip().splitlines()[-1:] or ["(no output)"]
                raise RuntimeError("%s exited with %d in round %d%s: %s" % (workload.script, code, i, alone, tail[0]))
        _append_atomically(bench_file, round_file)
    finally:
        if os.path.exists(round_file):
            os.remove(round_file)


def _append_atomically(bench_file, round_file):
    """``round_file``'s runs added to ``bench_file`` (pyperf's merge), which is replaced whole."""
    import pyperf  # in the measured interpreter's venv, as the scripts are
    new = pyperf.BenchmarkSuite.load(round_file)
    suite = new
    if os.path.exists(bench_file):
        suite = pyperf.BenchmarkSuite.load(bench_file)
        suite.add_runs(new)
    text = io.StringIO()
    suite.dump(text)  # pyperf's own JSON, written whole by the project's one atomic writer
    write_text_atomic(bench_file, text.getvalue())


_PARTIAL = re.compile(r"^\.(?P<id>.+)\.(?P<kind>partial|replaced)-(?P<pid>\d+)$")


def _clean_stale(out_dir):
    """Remove what dead runs left in ``out_dir`` (its lock is ours): their staging folders, and the
    results they had moved aside, which go back in place when nothing replaced them."""
    for name in sorted(os.listdir(out_dir)):
        match = _PARTIAL.match(name)
        path = os.path.join(out_dir, name)
        if not match or keeper.alive(int(match.group("pid"))) or os.path.islink(path) or not os.path.isdir(path):
            continue  # a link is not ours to follow, whatever its name
        final = os.path.join(out_dir, match.group("id"))
        if match.group("kind") == "replaced" and not os.path.lexists(final) and folders.is_own_folder(path):
            os.replace(path, final)  # only a results folder gilbench wrote: a look-alike name is not enough
            _progress("put back %s: the run that was replacing it died" % final)
        elif folders.only_own_files(path):
            shutil.rmtree(path)
            _progress("removed %s, left by a run that died (pid %s)" % (path, match.group("pid")))


def _prepare(out_dir, final):
    """Checks before anything runs: a folder in the way that gilbench did not write is never replaced."""
    problem = folders.out_problem(out_dir)
    if problem:
        raise ValueError(problem)
    os.makedirs(out_dir, exist_ok=True)
    if os.path.lexists(final) and not folders.is_own_folder(final):
        what = "is a symbolic link" if os.path.islink(final) else "exists and is not a gilbench results folder"
        raise ValueError("%s %s: it is left as it is; choose another --id or --out" % (final, what))


def _swap_into_place(staging, final, out_dir, ident):
    """``final`` becomes ``staging``; an earlier result there is moved aside first and removed last,
    so that a crash at any point leaves one whole result (the old or the new) under its name."""
    aside = None
    if os.path.lexists(final):
        aside = os.path.join(out_dir, ".%s.replaced-%d" % (ident, os.getpid()))
        os.replace(final, aside)
    os.replace(staging, final)
    if aside:
        try:
            shutil.rmtree(aside)
        except OSError as exc:  # the new result is in place: say what is left, do not fail the run for it
            _progress("the new result is in %s; the earlier one, moved to %s, could not be removed: %s"
                      % (final, aside, exc))


def run(selected, out_dir, mode="fast", ident=None, host=None):
    """Run ``selected`` workloads; return (result folder, {workload: error}).  ``host``: the host label
    (None: $GILBENCH_HOST, else the node name; ``bench.harness.host``).

    ValueError for an ``out_dir``, ``ident`` or ``host`` that cannot be used; ``bench.guard.lock.Busy`` when
    another gilbench writes to ``out_dir``.
    """
    facts = interpreter_facts()
    # What a merge of results folders is keyed on (the label) and tells machines apart by.
    facts["host"] = _host.label(host)
    facts["machine_fingerprint"] = _host.machine_fingerprint(facts)
    ident = default_id(facts) if ident is None else ident
    problem = folders.id_problem(ident)
    if problem:
        raise ValueError(problem)
    final = os.path.join(out_dir, ident)
    _prepare(out_dir, final)
    caller = os.environ.get(signals.CALLER_SPEAKS_ENV, "")
    with lock.holding(out_dir, "gilbench run " + " ".join(sys.argv[1:]), int(caller) if caller.isdigit() else None):
        _clean_stale(out_dir)
        _prepare(out_dir, final)
        return _run_locked(selected, out_dir, final, mode, ident, facts)


def _run_locked(selected, out_dir, final, mode, ident, facts):
    staging = os.path.join(out_dir, ".%s.partial-%d" % (ident, os.getpid()))
    # The search backend of the I/O workloads (none without them): checked before anything runs.
    backend = io_session.open_session(selected, mode, facts["gil_enabled"])
    try:
        os.makedirs(staging)
    except BaseException:
        backend.close()
        raise
    bench_file = os.path.join(staging, results_format.BENCH)
    try:
        # What code measured, read before anything runs: a checkout changed during a long run
        # would otherwise be recorded as what measured it.
        code, source = code_fingerprint(), revision.source_revision(out_dir)
        started, load_start = _now(), _load_average()
        observations, errors, dropped, timings = _run_workloads(selected, mode, ident, facts, bench_file)
        observations.update(backend.observations())
        dropped.update(backend.dropped())
        errors.update(backend.errors())
        # Recorded in meta.json too, for the run as a whole.
        facts["gil_enabled_at_end"] = gil_enabled()
        if facts["gil_enabled_at_end"] != facts["gil_enabled"]:
            errors["gil-state"] = "the GIL was switched %s during the run" % (
                "on" if facts["gil_enabled_at_end"] else "off")
        meta = dict(facts, format=results_format.FORMAT, id=ident, mode=mode, started=started, finished=_now(),
                    selection=[w.name for w in selected], workload_seconds=timings, rounds=ROUNDS[mode],
                    load_start=load_start, load_end=_load_average(),
                    # What a merge of results folders is checked against: the fingerprint of what the
                    # ledger measures (format 4), and of each workload run (format 5).
                    measured=results_format.ledger_fingerprint(),
                    measured_workloads=results_format.workload_fingerprints(selected),
                    # what --resume also checks (the same code measured it), and its commit for a person
                    code=revision.as_at_start(code, code_fingerprint()),
                    source=revision.as_at_start(source, revision.source_revision(out_dir)),
                    io_backend=backend.description,
                    # Which server, run by which interpreter, for which scope (the matrix's or this run's).
                    io_service=backend.facts)
        _write_json(os.path.join(staging, results_format.OBSERVATIONS),
                    {"format": results_format.FORMAT, "observations": observations, "errors": errors,
                     "dropped": dropped})
        _write_json(os.path.join(staging, results_format.META), meta)  # last: its presence means "whole"
        if lock.inherited_holder_gone():
            raise RuntimeError("the matrix that started this run is gone: its results are not written")
        signals.raise_if_stopped()  # a stop swallowed on its way up never gets its column written
        _swap_into_place(staging, final, out_dir, ident)
    finally:
        backend.close()
        shutil.rmtree(staging, ignore_errors=True)
    return final, errors


def _finite_only(observed, workload, dropped):
    """``observed`` without its NaN and infinite values (JSON has no such numbers, and the report
    refuses them); each one dropped is said in ``dropped``."""
    bad = sorted(k for k, v in observed.items() if results_format.first_non_finite(v))
    if bad:
        dropped[workload] = "observations dropped, not finite numbers: %s" % ", ".join(bad)
        _progress("      " + dropped[workload])
    return {k: v for k, v in observed.items() if k not in bad}


class _Steps:
    """What the workloads of one run measured so far, and each one's failures and seconds."""

    def __init__(self):
        self.observations, self.errors, self.dropped, self.seconds = {}, {}, {}, {}
        self._observed = {}  # workload -> the keys it observed (taken back if a later step is paused)

    def run(self, workload, step):
        """One step of ``workload`` (its observations, or one round of timings), timed and guarded."""
        t0, pauses = time.perf_counter(), jobcontrol.pauses()
        try:
            with signals.interrupts_unmasked():
                observed = step() or {}
        except Exception as exc:  # one failing workload must not cost the others
            self.errors[workload.name] = "%s: %s" % (type(exc).__name__, exc)
            _progress("      %s failed: %s" % (workload.name, self.errors[workload.name]))
            observed = {}
        if jobcontrol.pauses() != pauses:
            # Its clocks ran on while it was stopped: neither its timings nor its observations count.
            self.errors[workload.name] = "paused (Ctrl-Z or SIGSTOP) while it ran: what it measured includes the pause"
            _progress("      " + self.errors[workload.name])
            observed = {}
            for key in self._observed.pop(workload.name, ()):
                self.observations.pop(key, None)
        signals.raise_if_stopped()  # one a step swallowed (a finalizer, an except Exception) stops here
        self.observations.update(observed)
        self._observed.setdefault(workload.name, []).extend(observed)
        self.seconds[workload.name] = round(self.seconds.get(workload.name, 0.0) + time.perf_counter() - t0, 2)


def _run_workloads(selected, mode, ident, facts, bench_file):
    """(observations, errors, dropped, seconds): every workload's observations first, then the timings
    in rounds interleaved across workloads (``selection.round_plan``): each workload's rounds span
    the run, so a drift of the machine widens the intervals (issue 17: back-to-back runs put 27% of
    their ratios outside each other's 95% interval when each workload ran its rounds in one block)."""
    steps = _Steps()
    for i, workload in enumerate(selected, 1):
        _progress("[%d/%d] %s on %s (%s mode)%s" % (i, len(selected), workload.name, ident, mode,
                                                  ": observations" if workload.demo else ""))
        if workload.demo:
            steps.run(workload, lambda w=workload: _observed(w, mode, facts, steps.dropped))
    timed = [w for w in selected if w.script]
    began, slot_now = time.perf_counter(), 0
    for slot, workload, r, only in round_plan(timed, mode):
        if slot != slot_now:
            slot_now, left = slot, _rounds_left(time.perf_counter() - began, slot - 1, ROUNDS[mode])
            now = ", ".join(w.name for w in timed if w.name not in steps.errors)
            if not now:
                break  # every timed workload failed or paused: no round is left to announce
            _progress("=== round %d/%d of %s%s" % (slot, ROUNDS[mode], now, left))
        if workload.name in steps.errors:
            continue  # it failed or was paused: its later rounds would not be judged
        steps.run(workload, lambda w=workload, r=r, only=only: _round(w, mode, bench_file, r, only))
    for workload in selected:
        _progress("      %s done in %.1f s" % (workload.name, steps.seconds.get(workload.name, 0.0)))
    return steps.observations, steps.errors, steps.dropped, steps.seconds


def _rounds_left(elapsed, done, rounds):
    """", about N s left in this column" once a round is done: the rounds are alike (every workload
    once each, and the more_rounds spread evenly), so the ones left take about as long as the ones done."""
    if not done:
        return ""
    return ", about %.0f s left in this column" % (elapsed / done * (rounds - done))


def _observed(workload, mode, facts, dropped):
    """Observe one workload in this process; its observations (none when the GIL switched meanwhile)."""
    with signals.deadline(_OBSERVE_TIMEOUT_S, "%s's observations" % workload.name):
        observed = _observe(workload, mode)
    # The observations run in this process: values taken after an import switched the GIL
    # would be filed under a state they were not taken in.
    gil_now = gil_enabled()
    if gil_now != facts["gil_enabled"]:
        dropped[workload.name] = "observations dropped: the GIL was switched %s while observing" % (
            "on" if gil_now else "off")
        _progress("      " + dropped[workload.name])
        return {}
    return _finite_only(observed, workload.name, dropped)
