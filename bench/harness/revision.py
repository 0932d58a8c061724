"""Which gilbench source a run measured with: the git commit of the checkout it ran from.

``meta.json`` records it as ``source``, read when the run starts:
- "3a3b01f2c9d1": the checkout is that commit, no file changed and no new file beside it;
- "3a3b01f2c9d1+changes": tracked files differ from it, or untracked (not ignored) files exist
  outside the run's own results folder;
- "3a3b01f2c9d1+unchecked": the commit is known but git could not say whether files changed;
- None: no git checkout (an installed copy, an unpacked archive), no git, or git refused to read it
  (a checkout owned by another user).
(``code`` in meta.json is a hash of the measured files themselves, which --resume compares; this
names them for a person.)

Runs inside measured interpreters (3.9, stdlib only).
"""
import os
import subprocess

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Variables that point git at another repository or index than the checkout's own: a caller's
# GIT_DIR (a hook, a worktree script) would otherwise name that repository's commit.
_GIT_REDIRECTS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_COMMON_DIR")


def _git(*args):
    """git's output in the checkout, or None when git is missing, fails or takes over 10 s."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_REDIRECTS}
    env["GIT_OPTIONAL_LOCKS"] = "0"  # status must not rewrite the index of a checkout it only reads
    # No looking above the checkout: a copy whose .git is empty or broken, inside another repository
    # (a home folder under git), would otherwise record that repository's commit as its own.
    env["GIT_CEILING_DIRECTORIES"] = os.path.dirname(os.path.realpath(_ROOT))
    try:
        done = subprocess.run(("git", "-C", _ROOT) + args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              timeout=10, check=False, env=env)
    except (OSError, subprocess.SubprocessError):
        return None
    # Bytes, decoded leniently: git prints file names raw (core.quotepath=false), not always UTF-8.
    return done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else None


def source_revision(out_dir=None):
    """The commit this checkout is at, with "+changes" or "+unchecked" (see above); None if unknown.
    ``out_dir``: the run's results folder, whose own files are not new source files, wherever it is
    (``--out mine`` inside the checkout, not ignored, would otherwise mark every column "+changes")."""
    if not os.path.exists(os.path.join(_ROOT, ".git")):
        return None  # an installed copy, or an unpacked archive: its commit is not knowable here
    commit = _git("rev-parse", "--short=12", "HEAD")
    if not commit or not _is_own_top(_git("rev-parse", "--show-toplevel")):
        return None
    changed = _git("status", "--porcelain", "--untracked-files=no")
    untracked = _git("ls-files", "--others", "--exclude-standard", "--", ".", *_outside(out_dir))
    if changed is None or untracked is None:  # a failed or timed-out git says nothing about the files
        return commit + "+unchecked"
    return commit + ("+changes" if changed or untracked else "")


def _is_own_top(top):
    """Whether git's work tree is the checkout itself: the ceiling is a list git splits at ':', so a
    path holding one (/tmp/out:er/gilbench) leaves git free to find a repository above."""
    return top is not None and os.path.realpath(top) == os.path.realpath(_ROOT)


def _outside(out_dir):
    """The pathspec that leaves the results folder out, where it lies inside the checkout."""
    if out_dir is None:
        return ()
    rel = os.path.relpath(os.path.realpath(out_dir), os.path.realpath(_ROOT))
    return () if rel == os.pardir or rel.startswith(os.pardir + os.sep) else (":(exclude)" + rel,)


def as_at_start(at_start, at_end):
    """What a run records of its code: the reading at its start, marked "+changed-during-run" when
    the reading at its end differs (a checkout or an edit mid-run: later rounds ran other code).
    A marked code fingerprint matches no code, so ``matrix --resume`` keeps no such column."""
    if at_start == at_end:
        return at_start
    return "%s+changed-during-run" % (at_start or "unknown")
