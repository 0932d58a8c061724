"""Child processes that die with their parent: each runs under a keeper (``bench/guard/keeper.py``), the
leader of a session of its own, and a timeout, Ctrl-C, SIGTERM or any error stops the whole tree
(pyperf workers, multiprocessing children, a snippet's ``setsid()`` children).  When the caller dies
outright (SIGKILL), the keeper sees its lifeline pipe close and stops the tree itself.

Used by the harness (pyperf scripts), the matrix (``gilbench run`` in each venv), ``gilbench run``
and the snippets: Python 3.9, stdlib only.
"""
import os
import signal
import subprocess
import sys
import time

# How long a stopped group gets between SIGTERM and SIGKILL.
_GRACE_S = 5.0
# The keeper kills the escapees of the group at the end of its grace: it gets this much longer
# before the caller kills the group (and with it the keeper).
_KEEPER_MARGIN_S = 1.0
_KEEPER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "guard", "keeper.py")


class Stopped(Exception):
    """The ``stop`` event of ``run_in_group`` was set (by another thread): the tree was stopped."""


def _stop_if_set(stop, args, what="stopped"):
    if stop is not None and stop.is_set():
        raise Stopped("%s: %s" % (what, " ".join(map(str, list(args)[:6]))))


def _wait_unreaped(proc, timeout, stop=None):
    """Wait for ``proc`` to exit but leave it a zombie, so that its pid (= its group's id) cannot be
    reused by an unrelated process while we may still signal the group; TimeoutExpired after ``timeout``,
    Stopped once ``stop`` (a threading.Event) is set."""
    if not hasattr(os, "waitid"):  # pragma: no cover - e.g. macOS: reap, with a tiny pid-reuse window
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                proc.wait(0.05)
                return
            except subprocess.TimeoutExpired:
                if deadline is not None and time.monotonic() >= deadline:
                    raise subprocess.TimeoutExpired(proc.args, timeout) from None
                _stop_if_set(stop, proc.args)
    deadline = None if timeout is None else time.monotonic() + timeout
    delay = 0.001
    while os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
        if deadline is not None and time.monotonic() >= deadline:
            raise subprocess.TimeoutExpired(proc.args, timeout)
        _stop_if_set(stop, proc.args)
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
            _wait_unreaped(proc, grace + _KEEPER_MARGIN_S)
        except subprocess.TimeoutExpired:
            pass
    finally:  # even when a second Ctrl-C cuts the grace short
        # The leader is at most a zombie here, so the group id is still ours to signal.
        if proc.returncode is None:
            _signal_group(proc.pid, signal.SIGKILL)
        proc.wait()


def run_in_group(cmd, timeout, grace=_GRACE_S, stop=None, **popen_kwargs):
    """Run ``cmd`` under a keeper in a session of its own; return its exit status (128 + N for a
    signal N).

    ``gilbench run`` starts pyperf, which starts workers (and countdown's multiprocessing
    children): killing only the direct child would leave them running.  So the keeper leads its
    own process group and watches the tree; whatever is left when ``cmd`` ends -- normally, by
    timeout (TimeoutExpired is raised), Ctrl-C, SIGTERM or any other exception (re-raised) -- is
    stopped with it, and when this process dies without a word, the keeper stops it all.

    A signal reaches only the main thread: a run in a worker thread is given ``stop``, a
    ``threading.Event`` the main thread sets on its way out; the tree is then stopped as on Ctrl-C
    and ``Stopped`` is raised here (in at most ~50 ms plus the grace).
    """
    if "pass_fds" in popen_kwargs:
        raise ValueError("run_in_group passes no file descriptors but the lifeline")
    _stop_if_set(stop, cmd, "stopped before it started")  # between two steps: the next one never starts
    lifeline_r, lifeline_w = os.pipe()  # both close-on-exec; only the read end is passed
    keeper = [sys.executable, "-I", "-S", _KEEPER, str(lifeline_r), repr(float(grace))]
    try:
        # start_new_session also keeps the terminal's Ctrl-C away from the group: stopping it is ours to do.
        proc = subprocess.Popen(keeper + list(cmd), start_new_session=True, pass_fds=(lifeline_r,), **popen_kwargs)
    except BaseException:
        os.close(lifeline_w)
        raise
    finally:
        os.close(lifeline_r)
    try:
        try:
            _wait_unreaped(proc, timeout, stop)
        except BaseException:
            _stop_group(proc, grace)
            raise
        # The keeper killed what the command left; a stray in its group is an orphan too.
        if proc.returncode is None:
            _signal_group(proc.pid, signal.SIGKILL)
        code = proc.wait()
        return 128 - code if code < 0 else code  # the keeper itself was killed by signal -code: as a shell says
    finally:
        os.close(lifeline_w)
