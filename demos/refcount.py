"""Reference counts, as the note ran them: a script, the interactive console and exec(compile(...)).

The note prints ``sys.getrefcount(var)`` for ``var = 'memory'`` and gets 4 in a script, 2 in the
interactive console and 2 under ``exec(compile(...))``.  Each of the note's snippets runs here
the way the note ran it: as a file in a child interpreter, typed into a real interactive
interpreter (``python -i`` reading its stdin: the console's read-eval-print loop, prompts and
all), and through exec.  Then the rest of the section, measured on objects that are not shared
with anything else: aliasing and ``= None``, the list that contains itself, the count rising on
assignment, argument passing and list insertion, and freeing at zero with the collector off.

Since 3.12 (PEP 683) some objects are *immortal*: their count is a fixed marker (4294967295 on
64-bit 3.12 and 3.13, 3221225472 from 3.14) that no reference changes.  'memory' is an interned
string, immortal on 3.12 and on free-threaded builds: there the printed number is not a count,
and this demo says so instead of reporting it as one.
"""
import gc
import os
import re
import select
import subprocess
import sys
import tempfile
import time
import weakref

from demos._util import conclude, print_header

_TIMEOUT_S = 60
# Printed after the note's code, by code that adds no reference to the note's object: whether
# it is immortal (sys._is_immortal from 3.14; before it, a count at or above 2**31, which
# 3.12 and 3.13 use as the immortality bit and no real count reaches).
_IMMORTAL_PROBE = ("print('@immortal', int(sys._is_immortal({name}) if hasattr(sys, '_is_immortal') "
                   "else sys.version_info >= (3, 12) and sys.getrefcount({name}) >= 2 ** 31))\n")

# The note's snippets, as the note wrote them (comments with the note's figures dropped).
SCRIPT = "import sys\n\n\nvar = 'memory'\nref_count = sys.getrefcount(var)\nprint(ref_count)\n"
ALIAS = ("import sys\n\n\nfoo = 'memory'\nbar = foo\n\nref_count = sys.getrefcount(foo)\nprint(ref_count)\n\n"
         "bar = None\nref_count = sys.getrefcount(foo)\nprint(ref_count)\n")
LIST = "import sys\n\nlst = list()\nprint(sys.getrefcount(lst))\nlst.append(lst)\nprint(sys.getrefcount(lst))\n"
# The GIL section's snippet (claim gil.refcount-alias-list): a list, so never immortal.
ALIAS_LIST = "import sys\n\n\nfoo = []\nbar = foo\nprint(sys.getrefcount(foo))\n"
EXEC = "import sys\n\nexec(compile(\"var = 'memory'\", \"<string>\", \"exec\"))\nprint(sys.getrefcount(var))\n"
REPL_LINES = ("import sys", 'var = "memory"', "print(sys.getrefcount(var))")


def _child_env():
    # A startup file or PYTHONINSPECT would run other code in the console: not the note's session.
    env = dict(os.environ)
    for name in ("PYTHONSTARTUP", "PYTHONINSPECT"):
        env.pop(name, None)
    return env


def _numbers(stdout):
    """(printed integers, immortal flag or None) of a child's output."""
    values, immortal = [], None
    for line in stdout.splitlines():
        line = line.strip().lstrip(">. ").strip()  # the console's prompts share the line
        if line.startswith("@immortal"):
            immortal = int(line.split()[1])
        elif line.startswith("@ps1"):
            continue
        elif line.lstrip("-").isdigit():
            values.append(int(line))
    return values, immortal


def run_script(source, probe_name=None):
    """Run ``source`` as a script file in a child interpreter; (printed integers, immortal flag)."""
    if probe_name:
        source += _IMMORTAL_PROBE.format(name=probe_name)
    fd, path = tempfile.mkstemp(suffix=".py", prefix="gilbench_refcount_")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(source)
        done = subprocess.run([sys.executable, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=_TIMEOUT_S, env=_child_env())
    finally:
        os.unlink(path)
    if done.returncode != 0:
        raise RuntimeError("snippet exited with %d: %s" % (done.returncode, done.stderr.strip()[-200:]))
    return _numbers(done.stdout)


def run_repl(lines, probe_name=None):
    """Type ``lines`` into an interactive interpreter (``python -i``, fed through stdin).

    Returns (printed integers, immortal flag, whether the child really ran its interactive
    loop): the console sets ``sys.ps1`` and prints its ``>>>`` prompts; a script run does neither.
    """
    typed = list(lines)
    if probe_name:
        typed.append(_IMMORTAL_PROBE.format(name=probe_name).strip())
    typed.append("print('@ps1', hasattr(sys, 'ps1'))")
    done = subprocess.run([sys.executable, "-i", "-q"], input="\n".join(typed) + "\n", stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True, timeout=_TIMEOUT_S, env=_child_env())
    values, immortal = _numbers(done.stdout)
    interactive = "@ps1 True" in done.stdout and ">>>" in done.stderr
    return values, immortal, interactive


def run_tty(lines, timeout=20.0):
    """Type ``lines`` into the console a person gets: the interpreter on a pseudo-terminal.

    On 3.13+ this is the new interactive shell (PyREPL), before it the classic console.  The
    count is printed with a marker (``print('@', sys.getrefcount(var))``), because a terminal
    echoes what is typed, with escape codes.  Returns the printed count, or None when this
    platform has no pty or the session did not print it within ``timeout`` seconds.
    """
    try:
        import pty
        master, slave = pty.openpty()
    except (ImportError, OSError):
        return None
    env = dict(_child_env(), TERM="xterm")
    try:
        child = subprocess.Popen([sys.executable, "-q"], stdin=slave, stdout=slave, stderr=slave, env=env,
                                 close_fds=True, start_new_session=True)
    finally:
        os.close(slave)
    output = b""
    try:
        def read_until(pattern, seconds):
            nonlocal output
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                found = re.search(pattern, output)
                if found:
                    return found
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:  # the child closed the terminal
                        return re.search(pattern, output)
                    if not chunk:
                        return re.search(pattern, output)
                    output += chunk
            return None

        if not read_until(rb">>> ", timeout / 2):
            return None
        for line in lines:
            os.write(master, line.encode() + b"\r")
        found = read_until(rb"@ (\d+)\r?\n", timeout / 2)
        os.write(master, b"exit()\r")
        return int(found.group(1)) if found else None
    finally:
        try:
            child.wait(5)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait(5)
        os.close(master)


def _is_immortal(obj):
    probe = getattr(sys, "_is_immortal", None)
    if probe is not None:
        return bool(probe(obj))
    return sys.version_info >= (3, 12) and sys.getrefcount(obj) >= 2 ** 31


def _increments():
    """How much the count of a fresh object rises on assignment, argument passing, list insertion."""
    obj = object()
    base = sys.getrefcount(obj)
    alias = obj
    assign = sys.getrefcount(obj) - base
    del alias

    def take(arg):
        return sys.getrefcount(arg)

    argument = take(obj) - base
    holder = [obj]
    insert = sys.getrefcount(obj) - base
    del holder
    return {"gc.refcount.increment_assign": assign, "gc.refcount.increment_argument": argument,
            "gc.refcount.increment_list": insert, "gc.refcount.fresh_object_immortal": int(_is_immortal(obj))}


class _Finalized(object):
    def __init__(self, log):
        self.log = log

    def __del__(self):
        self.log.append("finalizer")


def _freed_at_zero():
    """With the cyclic collector off: does a weakref callback / finalizer run at ``del``?"""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        log = []
        obj = _Finalized(log)
        ref = weakref.ref(obj, lambda _ref: log.append("weakref"))
        del obj  # the last reference: the count reaches 0 here
        at_del = list(log)
        return {"gc.refcount.weakref_fired_at_del": int("weakref" in at_del),
                "gc.refcount.finalizer_ran_at_del": int("finalizer" in at_del),
                "gc.refcount.freed_at_del_with_gc_disabled": int(ref() is None and "weakref" in at_del),
                "gc.refcount.gc_was_disabled": int(not gc.isenabled())}
    finally:
        if was_enabled:
            gc.enable()


def observe():
    out = {}
    (script,), immortal = run_script(SCRIPT, "var")
    out.update({"gc.refcount.script": script, "gc.refcount.script_immortal": immortal})
    repl, immortal, interactive = run_repl(REPL_LINES, "var")
    out.update({"gc.refcount.repl": repl[0], "gc.refcount.repl_immortal": immortal,
                "gc.refcount.repl_interactive": int(interactive)})
    tty = run_tty(REPL_LINES[:2] + ("print('@', sys.getrefcount(var))",))
    out["gc.refcount.repl_tty_ran"] = int(tty is not None)
    if tty is not None:
        out["gc.refcount.repl_tty"] = tty
    (ex,), immortal = run_script(EXEC, "var")
    out.update({"gc.refcount.exec": ex, "gc.refcount.exec_immortal": immortal})
    (alias, unalias), immortal = run_script(ALIAS, "foo")
    # The note's 4 before the alias is the script's count, printed by the script snippet.
    out.update({"gc.refcount.alias": alias, "gc.refcount.unalias": unalias,
                "gc.refcount.alias_delta": alias - script, "gc.refcount.unalias_delta": unalias - alias,
                "gc.refcount.alias_immortal": immortal})
    (lst, lst_self), _ = run_script(LIST)
    out.update({"gc.refcount.list": lst, "gc.refcount.list_self": lst_self})
    (out["gc.refcount.alias_list"],), _ = run_script(ALIAS_LIST)
    out.update(_increments())
    out.update(_freed_at_zero())
    return out


def _shown(r, key, snippet=None):
    value = r["gc.refcount.%s" % key]
    if r["gc.refcount.%s_immortal" % (snippet or key)]:
        return "%d  (immortal: a marker, not a count)" % value
    return str(value)


def main():
    print_header("Reference counts as the note ran them (note section: Python의 Garbage Collection)")
    r = observe()
    rows = [
        ("script: var = 'memory'; getrefcount(var)", "4", _shown(r, "script")),
        ("interactive console (python -i, typed in)", "2", _shown(r, "repl") + (
            "" if r["gc.refcount.repl_interactive"] else "  (the console did not start!)")),
        ("the console on a terminal (pty)", "2", "(no pty here)" if not r["gc.refcount.repl_tty_ran"] else
         _shown(r, "repl_tty", "repl")),
        ("exec(compile(\"var = 'memory'\", ...))", "2", _shown(r, "exec")),
        ("bar = foo", "5", _shown(r, "alias")),
        ("bar = None", "4", _shown(r, "unalias", "alias")),
        ("lst = list()", "2", str(r["gc.refcount.list"])),
        ("lst.append(lst)", "3", str(r["gc.refcount.list_self"])),
    ]
    print("  %-44s %-9s %s" % ("the note's snippet", "the note", "measured here"))
    for row in rows:
        print("  %-44s %-9s %s" % row)
    if any(r["gc.refcount.%s_immortal" % k] for k in ("script", "repl", "exec", "alias")):
        print()
        print("'memory' is immortal on this interpreter (PEP 683: interned strings on 3.12, and on free-threaded")
        print("builds): sys.getrefcount reports a fixed marker that no reference changes, so the note's counts")
        print("cannot be seen here.")
    print()
    print("the count of a fresh object() rises by: assignment +%d, passing as an argument +%d, list insertion +%d"
          % (r["gc.refcount.increment_assign"], r["gc.refcount.increment_argument"], r["gc.refcount.increment_list"]))
    print("with gc.disable(): at `del` of the last reference the weakref callback %s and __del__ %s"
          % ("fired" if r["gc.refcount.weakref_fired_at_del"] else "did NOT fire",
             "ran" if r["gc.refcount.finalizer_ran_at_del"] else "did NOT run"))
    print("  (freeing at zero is reference counting's own work: disabling the cyclic collector does not stop it)")
    print()
    print("the note explains the script's 4: the compiled module's constants also hold 'memory', while the")
    print("console compiles each line apart and exec's code object is gone by the time getrefcount runs.")
    conclude("refcount", r)


if __name__ == "__main__":
    main()
