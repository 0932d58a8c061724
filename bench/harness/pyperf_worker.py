"""What every pyperf script shares: a Runner carrying GIL metadata, and one timed loop.

pyperf does not record the GIL: ``gil_metadata()`` adds the build (``Py_GIL_DISABLED``) and
the state at run time (``sys._is_gil_enabled()``).  ``bench_calls`` times a workload the way
every script here does, and refuses the values when the GIL changed state during the loop
(an extension module imported on a free-threaded build can switch it on): such values would
be filed under a GIL state they were not taken in.
"""
import os
import sys
import sysconfig
import time

import pyperf

from demos._util import gil_enabled


def gil_metadata():
    """Build and run-time GIL facts of this interpreter, as pyperf metadata (all str values)."""
    # pyperf rejects empty metadata values, so an unset PYTHON_GIL is recorded as "unset".
    return {
        "py_gil_disabled": "1" if sysconfig.get_config_var("Py_GIL_DISABLED") else "0",
        "gil_enabled_at_runtime": "1" if gil_enabled() else "0",
        "python_gil_env": os.environ.get("PYTHON_GIL", "") or "unset",
        "switch_interval": repr(sys.getswitchinterval()),
    }


def make_runner(**kwargs):
    """A pyperf.Runner (one per process, as pyperf requires) whose runs carry gil_metadata()."""
    runner = pyperf.Runner(**kwargs)
    runner.metadata.update(gil_metadata())
    return runner


class GilStateChanged(RuntimeError):
    pass


def _timed_calls(loops, gil_before, func, *args):
    start = time.perf_counter()
    for _ in range(loops):
        func(*args)
    elapsed = time.perf_counter() - start
    if gil_enabled() != gil_before:
        raise GilStateChanged("the GIL was switched %s while timing %s; its values are refused"
                              % ("on" if gil_before is False else "off", getattr(func, "__name__", func)))
    return elapsed


def bench_calls(runner, name, func, *args):
    """Benchmark ``name``: pyperf times ``func(*args)`` called ``loops`` times per value.

    The GIL state recorded in the run's metadata is the one at the worker's start; it is
    checked again after every timed loop.
    """
    return runner.bench_time_func(name, _timed_calls, gil_enabled(), func, *args)
