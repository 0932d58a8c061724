"""Child processes that die with their parent: each runs as the leader of its own process group,
and a timeout, Ctrl-C or any error stops the whole group (pyperf workers, multiprocessing children).

Used by the harness (pyperf scripts) and the matrix (``gilbench run`` in each venv): Python 3.9,
stdlib only.
"""
import os
import signal
import subprocess
import time

# How long a stopped group gets between SIGTERM and SIGKILL.
_GRACE_S = 5.0


def _wait_unreaped(proc, timeout):
    """Wait for ``proc`` to exit but leave it a zombie, so that its pid (= its group's id) cannot be
    reused by an unrelated process while we may still signal the group; TimeoutExpired after ``timeout``."""
    if not hasattr(os, "waitid"):  # pragma: no cover - e.g. macOS: reap, with a tiny pid-reuse window
        proc.wait(timeout)
        return
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = 0.001
    while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        if deadline is not None and time.monotonic() >= deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        time.sleep(delay if deadline is None else min(delay, max(deadline - time.monotonic(), 0)))
        delay = min(delay * 2, 0.05)


def _signal_group(pgid, sig):
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:  # the group is gone already
        pass


def _stop_group(proc, grace):
    """SIGTERM the whole group, give it ``grace`` seconds, SIGKILL what is left, reap the leader."""
    try:
        _signal_group(proc.pid, signal.SIGTERM)
        try:
            _wait_unreaped(proc, grace)
        except subprocess.TimeoutExpired:
            pass
    finally:  # even when a second Ctrl-C cuts the grace short
        # The leader is at most a zombie here, so the group id is still ours to signal.
        if proc.returncode is None:
            _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()


def run_in_group(cmd, timeout, grace=_GRACE_S, **popen_kwargs):
    """Run ``cmd`` in a session of its own; return its exit status.

    ``gilbench run`` starts pyperf, which starts workers (and countdown's multiprocessing
    children): killing only the direct child would leave them running.  So the child leads its own process group, and whatever is left of that group when
    the child ends -- normally, by timeout (TimeoutExpired is raised), Ctrl-C or any other exception
    (re-raised) -- is stopped with it.
    """
    # start_new_session also keeps the terminal's Ctrl-C away from the group: stopping it is ours to do.
    proc = subprocess.Popen(cmd, start_new_session=True, **popen_kwargs)
    try:
        _wait_unreaped(proc, timeout)
    except BaseException:
        _stop_group(proc, grace)
        raise
    # The child is done; anything it left in its group (a stray pyperf worker) is an orphan.
    if proc.returncode is None:
        _signal_group(proc.pid, signal.SIGKILL)
    return proc.wait()
