"""Every test must leave no thread and no child process behind (the design card: "Nothing leaks").

Checked after each test for every descendant process of any kind (children, grandchildren), and
once more after the whole suite, when multiprocessing's own session-long helpers (the forkserver,
the resource tracker) have been stopped too."""
import multiprocessing
import os
import signal
import threading

import pytest

from bench.guard import keeper

_GRACE_S = 5.0

# A shell without job control starts background commands (`make test &`, nohup ... &) with SIGINT
# ignored, and an ignored signal stays ignored across exec: the Ctrl-C tests' children would never
# see theirs.  Handled here (not ignored), it is reset to the default in every child started.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def _live_processes():
    """{pid: parent pid} of every live (not zombie) process, from /proc (the keeper's own reader)."""
    return keeper.parents()


def _live_child_pids():
    """Pids of this process's live children of any kind (subprocess too)."""
    me = os.getpid()
    return {pid for pid, ppid in _live_processes().items() if ppid == me}


def _live_descendant_pids():
    """Pids of every live descendant of this process (children, grandchildren, ...),
    except multiprocessing's own session-long helpers (the forkserver, the resource tracker),
    which it starts once and keeps until exit; their children are still counted."""
    parent_of = _live_processes()
    found, frontier = set(), {os.getpid()}
    while frontier:
        frontier = {pid for pid, ppid in parent_of.items() if ppid in frontier} - found
        found |= frontier
    return found - _multiprocessing_helpers()


def _multiprocessing_helpers():
    pids = set()
    try:
        from multiprocessing import forkserver, resource_tracker
        pids.add(getattr(forkserver._forkserver, "_forkserver_pid", None))
        pids.add(getattr(resource_tracker._resource_tracker, "_pid", None))
    except (ImportError, AttributeError):
        pass
    return pids - {None}


@pytest.fixture(scope="session", autouse=True)
def no_descendant_left_after_the_suite():
    """After the whole suite (of this xdist worker): stop multiprocessing's helpers, and no
    descendant process of any kind may be left, however deep."""
    yield
    from multiprocessing import forkserver, resource_tracker
    for helper in (forkserver._forkserver, resource_tracker._resource_tracker):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            try:
                stop()
            except (OSError, ChildProcessError):
                pass
    left = sorted(_live_descendant_pids())
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    if left:
        pytest.fail("processes left after the test suite: pids %s" % ", ".join(map(str, left)))


@pytest.fixture(autouse=True)
def no_leftover_threads_or_processes():
    threads_before = set(threading.enumerate())
    children_before = set(multiprocessing.active_children())
    pids_before = _live_child_pids() | _live_descendant_pids()
    yield
    leaked_children = [p for p in multiprocessing.active_children() if p not in children_before]
    for proc in leaked_children:
        proc.terminate()
    for proc in leaked_children:
        proc.join(_GRACE_S)
        if proc.is_alive():
            proc.kill()
            proc.join(_GRACE_S)
    # Threads cannot be killed; give them a moment to finish so the next test starts clean.
    leaked_threads = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    for thread in leaked_threads:
        thread.join(_GRACE_S)
    problems = ["child process %s (pid %s)" % (p.name, p.pid) for p in leaked_children]
    known = {p.pid for p in leaked_children}
    strays = sorted((_live_child_pids() - _multiprocessing_helpers() | _live_descendant_pids()) - pids_before - known)
    for pid in strays:  # kill them, so that the next test starts clean
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except OSError:
            pass
    problems += ["child process pid %d" % pid for pid in strays]
    problems += ["thread %s" % t.name for t in leaked_threads]
    if problems:
        pytest.fail("left running after the test: " + ", ".join(problems))
