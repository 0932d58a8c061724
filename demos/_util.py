"""Small helpers shared by the demos: run threads safely, describe the interpreter."""
import contextlib
import json
import subprocess
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


def times(ratio, above="slower", below="faster"):
    """A ratio said with its direction: x2.20 slower for 2.2, x2.00 faster for 0.5 (``above``/``below``
    name what a ratio over/under 1 means: for a speed-up, ``above="faster", below="slower"``)."""
    if ratio is None or ratio != ratio or ratio <= 0:
        return "x?"
    if abs(ratio - 1) < 0.005:
        return "x1.00 (the same)"
    return "x%.2f %s" % (ratio, above) if ratio > 1 else "x%.2f %s" % (1 / ratio, below)


# The judge of ``conclude``: set by `gilbench demo` (bench/cli/demo.py), which judges in its own
# process; None when the demo runs as `python -m demos.NAME`.
_JUDGE = []


def set_judge(judge):
    """Install ``judge(demo, observations) -> text`` for the demos' conclusions (gilbench's CLI)."""
    _JUDGE[:] = [judge]


def conclude(demo, observations):
    """End a demo with the claims it shows and their verdict on this Python, as the ledger judges
    them on ``observations`` (the demo's own observe()).

    Demos import nothing of gilbench (they run anywhere): under `gilbench demo` the CLI has
    installed the judge; run as `python -m demos.NAME`, the judge runs in a child of this same
    interpreter (`python -m bench.cli.demo NAME`, the observations as JSON on its stdin), and where
    gilbench cannot be imported the demo says so instead of a verdict.
    """
    print()
    if _JUDGE:
        print(_JUDGE[0](demo, observations), end="")
        return
    proc = subprocess.run([sys.executable, "-m", "bench.cli.demo", demo], input=json.dumps(observations),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if proc.returncode == 0:
        print(proc.stdout, end="")
    else:
        last = (proc.stderr.strip().splitlines() or ["exit status %d" % proc.returncode])[-1]
        print("the claims this demo shows are judged by gilbench's ledger, which this Python cannot load here "
              "(%s): `gilbench demo %s` judges them" % (last, demo))
