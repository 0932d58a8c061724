"""Which gilbench source a run measured with: the git commit of the checkout it ran from.

``meta.json`` records it as ``source``: "3a3b01f2c9d1" or, where tracked files differed from the
commit, "3a3b01f2c9d1+changes"; None outside a git checkout or without git.  (``code`` in meta.json
is a hash of the measured files themselves, which --resume compares; this names them for a person.)

Runs inside measured interpreters (3.9, stdlib only).
"""
import os
import subprocess

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _git(*args):
    try:
        done = subprocess.run(("git", "-C", _ROOT) + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              universal_newlines=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def source_revision():
    """The commit this checkout is at, "+changes" where tracked files differ from it; None if unknown."""
    if not os.path.exists(os.path.join(_ROOT, ".git")):
        return None  # an installed copy, or an unpacked archive: its commit is not knowable here
    commit = _git("rev-parse", "--short=12", "HEAD")
    if not commit:
        return None
    changed = _git("status", "--porcelain", "--untracked-files=no")
    return commit + ("+changes" if changed else "")
