"""CPython version strings, parsed once: ``3.9.18``, ``3.14.0rc2``, ``3.15.0a1``, ``3.15.0a1+``
(a build from a branch after that release), ``3.13.5t`` (an id with the free-threaded suffix).

``key()`` sorts them as CPython releases them: 3.9 before 3.10, 3.14.0a1 < 3.14.0b1 < 3.14.0rc2 <
3.14.0, so that "changed at" never puts a pre-release before 3.9.  Python 3.9, stdlib only (the
measured interpreters import the ledger).
"""
import re

_VERSION = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?(?:(a|b|rc)(\d+))?(\+)?t?$")
_LEVELS = {"a": 0, "b": 1, "rc": 2, None: 3}


def key(text):
    """(major, minor, micro, release level, serial, after) for sorting; ValueError when unreadable."""
    m = _VERSION.match(str(text).strip())
    if not m:
        raise ValueError("%r is not a CPython version (such as 3.13.5 or 3.15.0a1)" % (text,))
    major, minor, micro, level, serial, plus = m.groups()
    return (int(major), int(minor), int(micro or 0), _LEVELS[level], int(serial or 0), 1 if plus else 0)


def minor(text):
    """(major, minor) of ``text``: what the ledger's ``version>=3.10`` conditions compare."""
    return key(text)[:2]


def sort_key(text):
    """``key(text)``, or one that sorts first when ``text`` is unreadable (never raises)."""
    try:
        return key(text)
    except ValueError:
        return (0, 0, 0, 0, 0, 0)
