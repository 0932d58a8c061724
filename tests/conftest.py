"""Every test must leave no thread and no child process behind (DESIGN.md, "Nothing leaks")."""
import multiprocessing
import threading

import pytest

_GRACE_S = 5.0


@pytest.fixture(autouse=True)
def no_leftover_threads_or_processes():
    threads_before = set(threading.enumerate())
    children_before = set(multiprocessing.active_children())
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
    problems += ["thread %s" % t.name for t in leaked_threads]
    if problems:
        pytest.fail("left running after the test: " + ", ".join(problems))
