"""What the multiprocessing demos share: the start methods, and children that never outlive a demo.

Nothing here assumes fork: every demo takes the start method as a parameter (None: the
platform's default, which is forkserver on Linux from 3.14 on).  Every wait has a timeout, and
``children()`` terminates, then kills, whatever is still running when its block ends, also on a
timeout or Ctrl-C.
"""
import contextlib
import multiprocessing
import os
import time

# A wait on a child that should take milliseconds; long enough for spawn on a busy machine.
WAIT_S = 30.0


def methods():
    """The start methods this platform offers, the default first."""
    default = multiprocessing.get_start_method()
    return [default] + [m for m in multiprocessing.get_all_start_methods() if m != default]


def context(method=None):
    """The multiprocessing context of ``method`` (None: the default)."""
    return multiprocessing.get_context(method)


def method_name(method=None):
    return method or multiprocessing.get_start_method()


def stop(procs, grace_s=2.0):
    """Terminate, then kill, every process of ``procs`` still alive, and reap them all."""
    for proc in procs:
        if proc.pid is not None and proc.is_alive():
            proc.terminate()
    deadline = time.monotonic() + grace_s
    for proc in procs:
        if proc.pid is None:
            continue
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.kill()
            proc.join(grace_s)


@contextlib.contextmanager
def children():
    """A list to append started processes to; on leaving (also on error or Ctrl-C) none is left."""
    procs = []
    try:
        yield procs
    finally:
        stop(procs)


def join_all(procs, timeout=WAIT_S):
    """Join every process within ``timeout`` in all; TimeoutError naming the first one still alive."""
    deadline = time.monotonic() + timeout
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            raise TimeoutError("child %s (pid %s) still running after %.0f s" % (proc.name, proc.pid, timeout))
    return [proc.exitcode for proc in procs]


def proc_state(pid):
    """The state letter of ``pid`` in /proc (R, S, Z, ...), or None when there is no such process."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def has_proc():
    return os.path.isdir("/proc/self")


def wait_until(predicate, timeout=WAIT_S, poll_s=0.005):
    """Poll ``predicate`` until it is true or ``timeout`` passes; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(poll_s)
