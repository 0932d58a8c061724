"""Child processes that die with their parent: each runs in its own process group, and a
timeout, Ctrl-C or any error kills the whole group (pyperf workers, multiprocessing children)."""
import os
import signal
import subprocess

_GRACE_S = 3.0


def _kill_group(proc):
    for sig, wait in ((signal.SIGTERM, _GRACE_S), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
            # The leader is gone; members of its group may still be alive: SIGKILL them too.
        except subprocess.TimeoutExpired:
            continue
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run_in_group(cmd, timeout, **popen_kwargs):
    """Like ``subprocess.run(cmd, timeout=...)`` with ``universal_newlines`` output, but the child
    leads a new process group that is killed as a whole if anything goes wrong before it ends.

    Returns a ``subprocess.CompletedProcess``; raises ``subprocess.TimeoutExpired`` on timeout.
    """
    proc = subprocess.Popen(cmd, start_new_session=True, universal_newlines=True, **popen_kwargs)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        _kill_group(proc)
        raise
    # A well-behaved child has reaped its own children; any straggler in its group goes too.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)
