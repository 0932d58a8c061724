"""The keeper: runs one command and makes sure that nothing it started outlives it or its caller.

``python -I -S keeper.py LIFELINE_FD GRACE_S CMD...`` is started by ``bench.children.run_in_group``
as the leader of a session of its own.  It runs CMD as its child and waits; whatever ends first
decides what happens to every descendant (the whole tree, found in /proc, not only the group:
a descendant that called ``setsid()`` has left the group but not the tree):

- CMD exits: anything it left behind is an orphan and is killed (SIGKILL); the keeper exits with
  CMD's status (128 + N for a signal N, as a shell reports it).
- The caller is gone, however it ended (SIGKILL included): the read end of the lifeline pipe,
  whose write end only the caller holds, reads EOF, or our parent pid changes.  Every descendant
  gets SIGTERM, then after GRACE_S seconds SIGKILL.
- The keeper gets SIGTERM (the caller stopping the group): CMD got it too; escapees from the
  group get it from here; after GRACE_S seconds what is left is killed.

The keeper is a child subreaper (Linux ``PR_SET_CHILD_SUBREAPER``): a grandchild whose parent
died is re-parented to it, not to init, so the tree stays whole.  Run by file path, with -I -S,
under whatever interpreter the caller runs (a measured one too): stdlib only, Python 3.9.
"""
import errno
import os
import select
import signal
import sys
import time

_PR_SET_CHILD_SUBREAPER = 36
# How often the parent pid is looked at, besides the lifeline (which may leak into a fork child).
_PARENT_POLL_S = 1.0


def _become_subreaper():
    if not sys.platform.startswith("linux"):
        return  # elsewhere the group is all that is ours: a setsid() orphan goes to init
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        failed = libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0
        reason = os.strerror(ctypes.get_errno()) if failed else ""
    except (OSError, AttributeError, ImportError) as exc:  # no ctypes in this build, say
        failed, reason = True, str(exc)
    if failed:
        sys.stderr.write("gilbench: warning: the keeper cannot be a subreaper (%s): a child's orphans that "
                         "call setsid() may outlive it\n" % reason)


def alive(pid):
    """True while process ``pid`` exists (a zombie too: its pid is not free yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        pass
    return True


def parents():
    """{pid: parent pid} of every live process (not zombies), from /proc; {} without /proc."""
    out = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return out
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] not in ("Z", "X"):
            out[int(entry)] = int(fields[1])
    return out


def _state(pid):
    """The state letter of ``pid`` in /proc (R, S, T, Z...), "" when unknown."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


def descendants(root):
    """Pids of every live descendant of ``root``."""
    parent_of = parents()
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parent_of.items() if ppid in frontier} - found
        found |= frontier
    return found


def _signal_tree(sig):
    me = os.getpid()
    for pid in descendants(me):
        try:
            os.kill(pid, sig)
        except OSError:
            pass
    if sig != signal.SIGKILL:  # the group too (without /proc, all we can find); it holds us as well
        try:
            os.killpg(me, sig)
        except OSError:
            pass


class _Keeper:
    def __init__(self, lifeline, grace):
        self.lifeline, self.grace = lifeline, grace
        self.parent = os.getppid()
        self.child, self.status = None, None
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        self.terminating = False
        signal.signal(signal.SIGCHLD, lambda *_: None)  # wakes select through the wakeup fd
        signal.signal(signal.SIGTERM, self._on_term)
        signal.signal(signal.SIGINT, self._on_term)
        signal.signal(signal.SIGHUP, self._on_term)

    def _on_term(self, *_):
        self.terminating = True

    def start(self, cmd):
        # Blocked across the fork: a SIGTERM that reaches the child before it has dropped our
        # handler would be swallowed by it, and CMD would run on, unasked to stop.  Unblocked in
        # the child after the default is back (a pending SIGTERM then ends it), and here after the fork.
        stops = {signal.SIGTERM, signal.SIGINT, signal.SIGHUP}
        signal.pthread_sigmask(signal.SIG_BLOCK, stops)
        self.child = os.fork()
        if self.child == 0:
            try:
                for sig in stops | {signal.SIGCHLD}:
                    signal.signal(sig, signal.SIG_DFL)
                signal.set_wakeup_fd(-1)
                os.close(self.lifeline)
                os.close(self.wake_r)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)
                os.execvp(cmd[0], cmd)
            except OSError as exc:
                sys.stderr.write("gilbench: error: cannot run %s: %s\n" % (cmd[0], exc.strerror))
            finally:
                os._exit(127)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stops)

    def _reap(self):
        """Reap every child that ended (orphans re-parented to us included); note CMD's status."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.child:
                self.status = status

    def _follow_a_stopped_caller(self):
        """The caller was stopped (SIGSTOP, which it cannot pass on): so is the tree, then us; the
        caller's SIGCONT to its descendants continues us all."""
        if _state(self.parent) == "T":
            for pid in descendants(os.getpid()):
                try:
                    os.kill(pid, signal.SIGSTOP)
                except OSError:
                    pass
            os.kill(os.getpid(), signal.SIGSTOP)

    def _caller_gone(self, readable):
        if self.lifeline in readable:
            try:
                if os.read(self.lifeline, 64) == b"":
                    return True
            except OSError:
                return True
        return os.getppid() != self.parent

    def wait(self):
        """Until CMD ends (True), or the caller is gone or asked us to stop (False)."""
        while True:
            self._reap()
            if self.status is not None:
                return True
            if self.terminating:
                return False
            try:
                readable, _, _ = select.select([self.lifeline, self.wake_r], [], [], _PARENT_POLL_S)
            except InterruptedError:  # pragma: no cover - PEP 475 retries; kept for safety
                continue
            if self.wake_r in readable:
                os.read(self.wake_r, 4096)
            if self._caller_gone(readable):
                return False
            if not readable:  # a quiet second: is the caller stopped?
                self._follow_a_stopped_caller()

    def stop_everything(self):
        """SIGTERM the tree, wait up to the grace for CMD, then SIGKILL whatever is left."""
        _signal_tree(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while self.status is None and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.02)
        self.kill_leftovers()

    def kill_leftovers(self):
        for _ in range(50):  # a dying tree can still fork: repeat until nothing is found
            left = descendants(os.getpid())
            if not left:
                break
            _signal_tree(signal.SIGKILL)
            time.sleep(0.01)
            self._reap()
        self._reap()

    def exit_code(self):
        if self.status is None:
            return 128 + signal.SIGTERM
        if os.WIFSIGNALED(self.status):
            return 128 + os.WTERMSIG(self.status)
        return os.WEXITSTATUS(self.status)


def main(argv):
    lifeline, grace, cmd = int(argv[1]), float(argv[2]), argv[3:]
    _become_subreaper()
    keeper = _Keeper(lifeline, grace)
    keeper.start(cmd)
    if keeper.wait():
        keeper.kill_leftovers()
    else:
        keeper.stop_everything()
    return keeper.exit_code()


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except OSError as exc:  # e.g. EMFILE: say it in one line; the caller reports our status
        if exc.errno != errno.EPIPE:
            sys.stderr.write("gilbench: error: keeper: %s\n" % exc)
        sys.exit(125)
