"""A process's life: join() ordering, the zombie and what reaps it, daemonic and non-daemonic children at exit.

The note says: join() makes the parent wait for the child; a child that ended without join()
while the parent runs is a zombie (``<defunct>``, state Z); at exit a non-daemonic child is
joined implicitly, while a daemonic child ends with the parent (its pending work never happens).
The exit cases are observed through a real parent process that exits (demos/_mp_parent.py).
"""
import os
import signal
import subprocess
import sys
import tempfile
import time

from demos._mp_util import WAIT_S, children, context, has_proc, join_all, method_name, methods, proc_state, wait_until
from demos._util import conclude, print_header

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REAPERS = ("join", "active_children", "start")


def nothing():
    pass


def append_line(path, text, delay_s):
    time.sleep(delay_s)
    with open(path, "a") as f:
        f.write(text + "\n")


def zombie(method=None, reaper="join", timeout=5.0, linger_s=0.1):
    """Start a child that ends at once; return (its states seen while the parent runs on, the last of
    them ``linger_s`` after it ended; its state after ``reaper``: None once reaped)."""
    ctx = context(method)
    seen = []
    with children() as procs:
        proc = ctx.Process(target=nothing)
        proc.start()
        procs.append(proc)
        pid = proc.pid

        def settled():
            state = proc_state(pid)
            if not seen or seen[-1] != state:
                seen.append(state)
            return state in ("Z", None)
        # The child ends at once; nobody has waited for it yet.  (Under forkserver the child is
        # the server's, which reaps it itself: it may never be seen in state Z here.)
        wait_until(settled, timeout)
        # "Stays" a zombie: still one a moment later (a forkserver child may be caught in state Z
        # for the instant before the server reaps it).
        time.sleep(linger_s)
        settled()
        if reaper == "join":
            proc.join(WAIT_S)
        elif reaper == "active_children":
            ctx.active_children()  # polls every finished child, which reaps it
        else:
            other = ctx.Process(target=nothing)
            other.start()  # start() first reaps the finished children it knows of
            procs.append(other)
            after = proc_state(pid)
            join_all([other])
            return seen, after
        return seen, proc_state(pid)


def join_order(method=None, trials=10, delay_s=0.05):
    """Of ``trials`` runs in which the parent join()s a child that writes after ``delay_s``, in how many
    did the parent's line come first?  And the same without join()."""
    ctx = context(method)
    misordered = {"join": 0, "no-join": 0}
    tmp = tempfile.mkdtemp(prefix="gilbench-join-")
    try:
        for i in range(trials):
            for variant in ("join", "no-join"):
                path = os.path.join(tmp, "%s-%d" % (variant, i))
                with children() as procs:
                    proc = ctx.Process(target=append_line, args=(path, "child", delay_s))
                    proc.start()
                    procs.append(proc)
                    if variant == "join":
                        proc.join(WAIT_S)
                    append_line(path, "parent", 0)
                    join_all(procs)
                with open(path) as f:
                    if f.read().split() != ["child", "parent"]:
                        misordered[variant] += 1
    finally:
        for name in os.listdir(tmp):
            os.remove(os.path.join(tmp, name))
        os.rmdir(tmp)
    return misordered


def parent_exit(method=None, daemon=True, delay_s=0.5):
    """Run a real parent that starts one child (sleeps ``delay_s``, then writes a marker) and exits
    without join(); return (seconds the parent took to exit after its last line, marker written
    when the parent had exited, marker written at all after the child's time passed, child gone)."""
    tmp = tempfile.mkdtemp(prefix="gilbench-exit-")
    marker = os.path.join(tmp, "marker")
    cmd = [sys.executable, "-m", "demos._mp_parent", method or "default", "daemon" if daemon else "non-daemon",
           str(delay_s), marker]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")])))
    # Its own session: on a timeout the whole group (parent and child) is killed, nothing is left.
    parent = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env, start_new_session=True, universal_newlines=True)
    try:
        out, _ = parent.communicate(timeout=WAIT_S)
        exited = time.perf_counter()
        if parent.returncode != 0:
            raise RuntimeError("the parent process exited with %s" % parent.returncode)
        at_exit = os.path.exists(marker)
        lines = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
        child = int(lines["child"])
        exit_s = exited - float(lines["main-end"])
        # Give the child its time and more: a daemonic child's marker must still not appear.
        if not at_exit:
            wait_until(lambda: os.path.exists(marker), timeout=2 * delay_s + 0.5, poll_s=0.02)
        return exit_s, at_exit, os.path.exists(marker), proc_state(child) in (None, "Z")
    finally:
        if parent.poll() is None:
            os.killpg(parent.pid, signal.SIGKILL)
            parent.wait()
        if os.path.exists(marker):
            os.remove(marker)
        os.rmdir(tmp)


def observe(method=None, join_trials=15, delay_s=0.5):
    out = {"mp.life.method": method_name(method), "mp.life.proc_available": int(has_proc())}
    if has_proc():
        for m in methods():
            seen, after = zombie(m, "join")
            out["mp.life.zombie_seen." + m] = int(seen[-1] == "Z")
        seen, _ = zombie(method, "join")
        out["mp.life.zombie_seen"] = int(seen[-1] == "Z")
        for reaper in REAPERS:
            seen, after = zombie(method, reaper)
            # Reaped: it was a zombie, and after the reaper there is no such process any more.
            out["mp.life.zombie_reaped_by." + reaper] = int(seen[-1] == "Z" and after is None)
    misordered = join_order(method, join_trials)
    out["mp.life.join.misordered"] = misordered["join"]
    out["mp.life.join.no_join_misordered"] = misordered["no-join"]
    out["mp.life.join.trials"] = join_trials
    exit_s, at_exit, ever, gone = parent_exit(method, daemon=False, delay_s=delay_s)
    out["mp.life.non_daemon.parent_exit_wait_s"] = exit_s
    # Joined implicitly: the child's work (0.5 s of sleep, then the file) was done by the time the
    # parent process had ended -- its exit waited for it (a daemonic child's never is).
    out["mp.life.implicit_join"] = int(at_exit)
    exit_s, at_exit, ever, gone = parent_exit(method, daemon=True, delay_s=delay_s)
    out["mp.life.daemon.parent_exit_wait_s"] = exit_s
    out["mp.life.daemon_side_effect_lost"] = int(not ever and gone)
    return out


def _state_name(state):
    return {None: "gone (reaped)", "Z": "Z (zombie, <defunct>)", "R": "R (running)", "S": "S (sleeping)"}.get(
        state, state)


def main(method=None):
    print_header("A process's life: the zombie, join(), and children at exit (start method %r)"
                 % method_name(method))
    print("the note says: a child that ended without join() stays a zombie while the parent runs.")
    print()
    if not has_proc():
        print("no /proc on this platform: the zombie cannot be seen here (n/a).")
    else:
        for reaper in REAPERS:
            seen, after = zombie(method, reaper)
            print("child ended, not joined; its states in /proc: %s" % " -> ".join(_state_name(s) for s in seen))
            what = {"join": "proc.join()", "active_children": "multiprocessing.active_children()",
                    "start": "starting another Process"}[reaper]
            print("  after %s: %s" % (what, _state_name(after)))
        print("(under forkserver the server process is the children's parent and reaps them itself)")
    print()
    misordered = join_order(method, 5)
    print("child writes after 50 ms, then the parent writes: with join() the parent's line came first in"
          " %d of 5 runs; without join() in %d of 5" % (misordered["join"], misordered["no-join"]))
    print()
    for daemon in (False, True):
        exit_s, at_exit, ever, gone = parent_exit(method, daemon=daemon)
        print("a real parent starts a %s child (sleeps 0.5 s, then writes a file) and reaches its end:"
              % ("daemonic" if daemon else "non-daemonic"))
        print("  the parent process ended %.2f s after its last line; the child's file: %s"
              % (exit_s, "written before the parent ended" if at_exit else
                 ("written later" if ever else "never written (the child was terminated)")))
    # The narration above is not observe(): the claims are judged on what observe() measures.
    conclude("zombie", observe(method))


if __name__ == "__main__":
    main()
