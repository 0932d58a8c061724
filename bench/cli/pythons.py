"""`gilbench pythons`: list the interpreters gilbench can measure, build missing ones."""

from __future__ import annotations

import argparse
import json

from bench.interpreters.discover import InterpreterError
from bench.progress import fail as _fail, progress, usage as _usage


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "pythons",
        help="list the Pythons gilbench can measure, or build one from source",
        description="List the CPython interpreters gilbench finds (PATH, pyenv, uv, its own cache), "
        "or build one from source into the cache.",
    )
    parser.add_argument("--json", action="store_true", help="print the list as JSON")
    parser.set_defaults(func=_list)
    actions = parser.add_subparsers(dest="pythons_command")
    b = actions.add_parser(
        "build",
        help="build CPython from source into gilbench's cache",
        description="Build CPython VERSION from source into gilbench's cache. Does nothing if it is already built.",
    )
    b.add_argument("version", metavar="VERSION", help="3.13 or 3.13.5")
    b.add_argument("--free-threaded", action="store_true", help="build with --disable-gil")
    b.add_argument("--twin", action="store_true",
                   help="build the GIL and the free-threaded build from the same source with the same flags")
    b.add_argument("--source", metavar="TARBALL_OR_URL",
                   help="CPython source tarball or URL (default: uv, then Debian's source package)")
    b.add_argument("-j", "--jobs", type=int, default=None, help="parallel make jobs (default: CPU count)")
    b.set_defaults(func=_build)
    ensure = actions.add_parser(
        "ensure-free-threaded",
        help="build the GIL + free-threaded twin of the newest buildable version, unless such a pair exists",
    )
    ensure.set_defaults(func=_ensure)
    link = actions.add_parser(
        "link",
        help="make a folder of pythonX.Y / pythonX.Yt links, for tools that search PATH (tox)",
        description="Fill DIR with one pythonX.Y (GIL) or pythonX.Yt (free-threaded) link per minor version "
        "found, so that tox finds py39 ... py313t when DIR is put first on PATH.",
    )
    link.add_argument("dir", metavar="DIR", help="the folder for the links (made when missing)")
    link.set_defaults(func=_link)
    return parser


def _list(args) -> int:
    from bench.interpreters.discover import discover

    try:
        found = discover()
    except InterpreterError as exc:
        return _fail(exc)
    if args.json:
        print(json.dumps([i.to_dict() for i in found], indent=2))
        return 0
    if not found:
        print("no CPython >= 3.9 found; build one with: gilbench pythons build 3.13 --twin")
        return 0
    from tabulate import tabulate

    rows = [(i.id, i.version, "free-threaded" if i.free_threaded else "GIL", i.origin, i.path) for i in found]
    print(tabulate(rows, headers=["id", "version", "build", "origin", "path"]))
    return 0


def _build(args) -> int:
    import os

    from bench.interpreters.build import build

    if args.source and "://" not in args.source and not os.path.exists(args.source):
        return _usage("%s: no such source tarball (--source: a tarball or a URL)" % args.source)

    try:
        built = build(args.version, free_threaded=args.free_threaded, twin=args.twin, source=args.source,
                      jobs=args.jobs)
    except InterpreterError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        progress("build interrupted; nothing half-installed was left")
        return 130
    for interp in built:
        print(f"{interp.id}\t{interp.path}")
    return 0


def _link(args) -> int:
    import os
    from pathlib import Path

    from bench.interpreters.discover import discover

    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    made = {}
    # Newest patch release of each minor version wins (3.11.7 over a system 3.11.2).
    for interp in sorted(discover(), key=lambda i: (i.version_tuple, i.id_suffix == ""), reverse=True):
        major, minor = interp.version_tuple[:2]
        name = f"python{major}.{minor}" + ("t" if interp.free_threaded else "")
        if name in made:
            continue
        target = folder / name
        if target.is_symlink() or target.exists():
            target.unlink()
        os.symlink(interp.path, target)
        made[name] = interp.id
    for name, ident in sorted(made.items()):
        print(f"{folder / name} -> {ident}")
    return 0


def _ensure(args) -> int:
    from bench.interpreters.discover import discover
    from bench.interpreters.matrix import twin_pairs, with_free_threaded_twin

    try:
        found = discover()
        pairs = twin_pairs(found)
        if not pairs:
            pairs = twin_pairs(with_free_threaded_twin(found))
    except InterpreterError as exc:
        return _fail(exc)
    print("twins (GIL, free-threaded): " + ", ".join("%s + %s" % (g.id, f.id) for g, f in pairs))
    return 0
