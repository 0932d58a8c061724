"""``gilbench run``: observe and benchmark the selected workloads on the running interpreter.

Runs inside the measured interpreter, so it stays Python 3.9-compatible.  Results go to
``OUT/<interpreter-id>/`` as meta.json, observations.json and bench.json; they are written
into a hidden sibling folder first and renamed into place at the end, so a crashed or
interrupted run never leaves a half-written result behind.
"""
import datetime
import importlib
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time

from bench.harness import io_session, results_format
from bench.atomic import write_text_atomic
from bench.children import run_in_group
from bench.harness.selection import PYPERF_ARGS, ROUNDS
from bench.progress import progress as _progress
from demos._mallocstats import allocator_in_use
from demos._util import gil_enabled

_SCRIPTS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchmarks")
_SCRIPT_TIMEOUT_S = 1800


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
        "cpu_model": _cpu_model(),
        "compiler": platform.python_compiler(),
        # Recorded because 3.14 changes Linux's default, and process start-up is in the timings.
        "mp_start_method": multiprocessing.get_start_method(),
    }


def _cpu_model():
    """The processor's name (Linux: /proc/cpuinfo), so that published figures say what ran them."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


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
    write_text_atomic(path, json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")


def _now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _observe(workload, mode):
    module = importlib.import_module(workload.demo)
    params = dict(workload.params.get(mode, {})) if workload.params else {}
    return module.observe(**params)


def _benchmark(workload, mode, bench_file):
    """Time ``workload`` in rounds appended to ``bench_file`` (see ``selection.ROUNDS``)."""
    script = os.path.join(_SCRIPTS_DIR, workload.script)
    rounds = ROUNDS[mode]
    for i in range(1, rounds + 1):
        order = "declared" if i % 2 else "reversed"
        cmd = [sys.executable, script, "--quiet", "--append", bench_file] + list(PYPERF_ARGS[mode])
        cmd += ["--gilbench-round", str(i), "--gilbench-order", order]
        cmd += list((workload.script_args or {}).get(mode, ()))
        _progress("      %s: round %d/%d (%s order)" % (workload.name, i, rounds, order))
        # Output to a file, not a pipe: a chatty script can never fill a pipe and stall.
        with tempfile.TemporaryFile("w+") as output:
            code = run_in_group(cmd, _SCRIPT_TIMEOUT_S, stdout=output, stderr=subprocess.STDOUT)
            if code != 0:
                output.seek(0)
                tail = output.read().strip().splitlines()[-1:] or ["(no output)"]
                raise RuntimeError("%s exited with %d in round %d: %s" % (workload.script, code, i, tail[0]))


def run(selected, out_dir, mode="fast", ident=None):
    """Run ``selected`` workloads; return (result folder, {workload: error}) ."""
    facts = interpreter_facts()
    ident = ident or default_id(facts)
    final = os.path.join(out_dir, ident)
    staging = os.path.join(out_dir, ".%s.partial-%d" % (ident, os.getpid()))
    # The search backend of the I/O workloads (none without them): checked before anything runs.
    backend = io_session.open_session(selected, mode, facts["gil_enabled"])
    try:
        os.makedirs(staging)
    except BaseException:
        backend.close()
        raise
    bench_file = os.path.join(staging, results_format.BENCH)
    observations, errors, dropped, timings = {}, {}, {}, {}
    started = _now()
    load_start = _load_average()
    try:
        for i, workload in enumerate(selected, 1):
            _progress("[%d/%d] %s on %s (%s mode)" % (i, len(selected), workload.name, ident, mode))
            t0 = time.perf_counter()
            try:
                if workload.demo:
                    observed = _observe(workload, mode)
                    # The observations run in this process: values taken after an import switched
                    # the GIL would be filed under a state they were not taken in.
                    gil_now = gil_enabled()
                    if gil_now != facts["gil_enabled"]:
                        dropped[workload.name] = "observations dropped: the GIL was switched %s while observing" % (
                            "on" if gil_now else "off")
                        _progress("      " + dropped[workload.name])
                    else:
                        observations.update(observed)
                if workload.script:
                    _benchmark(workload, mode, bench_file)
            except Exception as exc:  # one failing workload must not cost the others
                errors[workload.name] = "%s: %s" % (type(exc).__name__, exc)
                _progress("      %s failed: %s" % (workload.name, errors[workload.name]))
            timings[workload.name] = round(time.perf_counter() - t0, 2)
            _progress("      %s done in %.1f s" % (workload.name, timings[workload.name]))
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
                    # Format 3: what a merge of results folders is keyed on and checked against.
                    host=platform.node(), ledger=results_format.ledger_fingerprint(),
                    io_backend=backend.description)
        _write_json(os.path.join(staging, results_format.META), meta)
        _write_json(os.path.join(staging, results_format.OBSERVATIONS),
                    {"format": results_format.FORMAT, "observations": observations, "errors": errors,
                     "dropped": dropped})
        if os.path.exists(final):
            shutil.rmtree(final)
        os.replace(staging, final)
    finally:
        backend.close()
        shutil.rmtree(staging, ignore_errors=True)
    return final, errors
