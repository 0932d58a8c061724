"""Files that a later run trusts are written whole or not at all."""
import os
from pathlib import Path


def write_text_atomic(path, text):
    """Write ``text`` to ``path`` so that a reader sees the old file or the whole new one, never a part.

    Used for the files a later run trusts (venv stamp, build marker, matrix report).
    """
    # Same folder: os.replace is atomic only within one file system.  The pid keeps two writers
    # apart; open() (not mkstemp) so the file gets the usual umask permissions.
    path = Path(path)
    tmp = path.with_name(".%s.%d.tmp" % (path.name, os.getpid()))
    try:
        with open(tmp, "w", encoding="utf-8") as f:  # the reports hold the note's Korean words
            f.write(text)
            f.flush()
            os.fsync(f.fileno())  # the data reaches disk before the name points at it
        os.replace(tmp, path)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
