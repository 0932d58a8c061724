"""What several test modules share: the environment of a child Python that imports this tree.

Not a conftest fixture: module-level constants and plain functions call it too.
"""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child_env(root=ROOT, **changes):
    """``os.environ`` for a child that must import ``root``'s bench, demos and services, not an
    installed copy: ``root`` first on PYTHONPATH (what was there is kept after it, e.g. a path
    that holds pyperf).  ``changes``: NAME=value sets a variable, NAME=None removes it."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env
