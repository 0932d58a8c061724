"""One gilbench at a time per results folder: a lock file in it, held while the run writes.

The second ``gilbench run`` or ``gilbench matrix`` into a folder in use refuses at once, with one
line naming the first.  ``flock`` locks end with the process that holds them, however it ends,
so a killed run never leaves a stale lock.  A matrix holds its folder's lock for the runs it
starts; it tells them so in the environment, and they check that the holder is their ancestor.
Python 3.9, stdlib only (the harness uses it).
"""
import contextlib
import fcntl
import json
import os
import time

from bench.guard import keeper

LOCK_NAME = ".gilbench.lock"
_HELD_ENV = "GILBENCH_FOLDER_LOCK"  # "<real path of the folder>:<pid of the holder>"


class Busy(Exception):
    """The folder is in use by another gilbench; the message names it."""


def _ancestors():
    """Pids above this process, its parent first."""
    parent_of, pid, seen = keeper.parents(), os.getppid(), set()
    while pid > 1 and pid not in seen:
        seen.add(pid)
        yield pid
        pid = parent_of.get(pid, 0)


def _held_by_ancestor(folder):
    held = os.environ.get(_HELD_ENV, "")
    path, _, pid = held.rpartition(":")
    if not path or path != os.path.realpath(folder) or not pid.isdigit():
        return False
    if not os.path.isdir("/proc"):  # no process tree to walk (macOS): the holder's word, if it is alive
        return keeper.alive(int(pid))
    return int(pid) in _ancestors()


def inherited_holder_gone():
    """True when this process runs under a lock inherited from an ancestor (a matrix) that is gone:
    whatever it measured belongs to no run any more, and is not written."""
    path, _, pid = os.environ.get(_HELD_ENV, "").rpartition(":")
    return bool(path) and pid.isdigit() and not keeper.alive(int(pid))


def _holder(path):
    try:
        with open(path) as f:
            info = json.load(f)
        return "pid %d, `%s`, since %s" % (info["pid"], info["command"], info["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return "a process that has not said who it is yet"


def _acquire(path):
    """An fd holding the lock of ``path`` (Busy when another process holds it)."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise Busy(_holder(path))
        # The holder before us removes the file when it lets go: ours must still be the one named.
        try:
            if os.stat(path).st_ino == os.fstat(fd).st_ino:
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)


@contextlib.contextmanager
def holding(folder, command, pid=None):
    """Hold ``folder``'s lock (made if missing) while the block runs; Busy if another holds it.
    ``pid``: the process a user would name (``gilbench run``, not the harness it runs under a keeper)."""
    if _held_by_ancestor(folder):
        yield
        return
    path = os.path.join(folder, LOCK_NAME)
    try:
        fd = _acquire(path)
    except Busy as exc:
        raise Busy("%s is in use by another gilbench (%s): wait for it to finish, or write to another --out"
                   % (folder, exc))
    try:
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": pid or os.getpid(), "command": command,
                                 "since": time.strftime("%Y-%m-%d %H:%M:%S")}).encode())
        previous = os.environ.get(_HELD_ENV)
        os.environ[_HELD_ENV] = "%s:%d" % (os.path.realpath(folder), os.getpid())
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(_HELD_ENV, None)
            else:
                os.environ[_HELD_ENV] = previous
            try:
                os.unlink(path)  # while still holding it: see _acquire
            except OSError:
                pass
    finally:
        os.close(fd)
