"""Small helpers shared by the demos: run threads safely, describe the interpreter."""
import contextlib
import sys
import sysconfig
import threading


def run_in_threads(calls):
    """Start one thread per (func, args) in `calls`, all before any join, and join them all.

    Joining happens in `finally` so that a failure to start the second thread never leaves the
    first one running past the caller (tests check that no thread outlives them).
    """
    started = []
    try:
        for func, args in calls:
            thread = threading.Thread(target=func, args=args)
            thread.start()
            started.append(thread)
    finally:
        for thread in started:
            thread.join()


@contextlib.contextmanager
def switch_interval(seconds):
    """Run the block with ``sys.setswitchinterval(seconds)``; the previous interval comes back after."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def gil_enabled():
    """True/False when the running interpreter can tell; builds without free-threading always hold the GIL."""
    probe = getattr(sys, "_is_gil_enabled", None)
    if probe is None:
        return True
    return bool(probe())


def interpreter_line():
    free_threaded = bool(sysconfig.get_config_var("Py_GIL_DISABLED"))
    build = "free-threaded build" if free_threaded else "GIL build"
    state = "GIL on" if gil_enabled() else "GIL off"
    return "Python %s (%s, %s at run time)" % (sys.version.split()[0], build, state)


def print_header(title):
    print(title)
    print("  measured on: " + interpreter_line())
    print("  full version: " + " ".join(sys.version.split()))
    print()
