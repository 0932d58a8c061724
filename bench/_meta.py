"""GIL metadata that pyperf does not record, and a pyperf Runner that carries it."""
import os
import sys
import sysconfig

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
