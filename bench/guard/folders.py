"""Which names and folders are gilbench's own: only those are ever replaced or removed.

A results folder ``OUT/<id>/`` holds meta.json, observations.json and bench.json; nothing a user
names (an id, a folder) becomes a path that is deleted.  Python 3.9, stdlib only.
"""
import json
import os
import re

META = "meta.json"
OBSERVATIONS = "observations.json"
BENCH = "bench.json"
_OWN_FILES = (META, OBSERVATIONS, BENCH)
# An interpreter id names a folder inside --out, never a path: no separators, no "..", no dot first.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


def id_problem(ident):
    """Why ``ident`` cannot name a results folder, or None."""
    if _ID.fullmatch(ident) and ".." not in ident:  # fullmatch: "$" would let a final newline through
        return None
    return ("--id %r: an id names a folder inside --out, not a path (letters, digits, '.', '_', '+', '-'; "
            "not starting with '.', no '..', at most 64 characters)" % ident)


def out_problem(out):
    """Why ``out`` cannot be (or become) a results folder: it, or a folder on its path, is a file; or None."""
    path = os.path.abspath(out)
    while True:
        if os.path.islink(path) and not os.path.exists(path):
            return "--out: %s is a symbolic link to nothing: name a folder (it is made if missing)" % path
        if os.path.exists(path):
            if os.path.isdir(path):
                return None
            where = "" if path == os.path.abspath(out) else " (on the path of --out %s)" % out
            return "--out: %s is a file, not a folder%s: name a folder (it is made if missing)" % (path, where)
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def only_own_files(path):
    """True when ``path`` holds nothing but results files and their temporaries (it may be empty)."""
    try:
        names = os.listdir(path)
    except OSError:
        return False
    return all(n in _OWN_FILES or n.endswith(".tmp") for n in names)


def is_own_folder(path):
    """True when ``path`` is a results folder gilbench wrote: a meta.json with its id and format,
    and nothing but gilbench's files.  A symbolic link is never one, wherever it points: replacing
    or removing it would act on what it points at."""
    if os.path.islink(path):
        return False
    try:
        with open(os.path.join(path, META)) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and "id" in meta and "format" in meta and only_own_files(path)
