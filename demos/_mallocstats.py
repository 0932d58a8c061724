"""Read the allocator's own statistics: ``sys._debugmallocstats()``, captured and parsed.

``sys._debugmallocstats()`` writes to the C-level stderr (file descriptor 2), not to
``sys.stderr``: ``capture()`` points fd 2 at a temporary file for the call and puts it back,
so nothing is scraped from a terminal.  ``parse()`` reads every pymalloc variant that
CPython 3.9 to 3.13 print (3.9: 4 KiB pools, 256 KiB arenas; 3.10+: 16 KiB pools, 1 MiB arenas
and the arena map of the radix tree) and recognises the mimalloc statistics of a free-threaded
build, which it reports as not pymalloc.

Runs inside the measured interpreters: Python 3.9-compatible, stdlib only.
"""
import os
import re
import sys
import tempfile

# "Small block threshold = 512, in 32 size classes."  (mimalloc prints a line that starts alike,
# with its own numbers: the format is decided by the pymalloc class table and arena lines.)
_THRESHOLD = re.compile(r"^Small block threshold = (\d+), in (\d+) size classes\.", re.M)
# "    3     64          86            5407            11"
_CLASS_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$")
# "# arenas allocated total           =                    6"
_COUNTER = re.compile(r"^# ([a-z][a-z ]*?)\s+=\s+([\d,]+)\s*$")
# "6 arenas * 262144 bytes/arena      =            1,572,864"
_ARENA_LINE = re.compile(r"^(\d+) arenas \* (\d+) bytes/arena\s+=\s+([\d,]+)\s*$")
# "44 unused pools * 4096 bytes       =              180,224"
_POOL_LINE = re.compile(r"^(\d+) unused pools \* (\d+) bytes\s+=\s+([\d,]+)\s*$")
# mimalloc (free-threaded builds) prints these instead of a class table.
_MIMALLOC_MARKERS = ("Medium block threshold", "Large object max size", "Bytes Committed")

_COUNTER_NAMES = {
    "arenas allocated total": "arenas_allocated_total",
    "arenas reclaimed": "arenas_reclaimed",
    "arenas highwater mark": "arenas_highwater",
    "arenas allocated current": "arenas_current",
    "bytes in allocated blocks": "bytes_in_allocated_blocks",
    "bytes in available blocks": "bytes_in_available_blocks",
    "bytes lost to pool headers": "bytes_lost_to_pool_headers",
    "bytes lost to quantization": "bytes_lost_to_quantization",
    "bytes lost to arena alignment": "bytes_lost_to_arena_alignment",
}


class NotPymalloc(ValueError):
    """The text is not pymalloc's statistics (mimalloc, or nothing recognisable)."""


def capture():
    """The text ``sys._debugmallocstats()`` prints in this process (fd 2 redirected, then restored)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with tempfile.TemporaryFile(mode="w+b") as sink:
            os.dup2(sink.fileno(), 2)
            try:
                sys._debugmallocstats()
            finally:
                os.dup2(saved, 2)
            sink.seek(0)
            return sink.read().decode("utf-8", "replace")
    finally:
        os.close(saved)


def allocator(text):
    """'pymalloc', 'mimalloc' or 'unknown': which allocator printed ``text``."""
    if any(marker in text for marker in _MIMALLOC_MARKERS):
        return "mimalloc"
    if _THRESHOLD.search(text) and "bytes/arena" in text:
        return "pymalloc"
    return "unknown"


def parse(text):
    """pymalloc statistics as a dict; ``NotPymalloc`` for any other allocator's text.

    Keys: ``threshold``, ``class_count`` (as printed), ``classes`` ({block size: {"index",
    "pools", "in_use", "avail"}}, only the classes in use are printed), ``arena_size``,
    ``arenas`` (from the ``N arenas * S bytes/arena`` line), ``pool_size`` and
    ``unused_pools`` (from ``N unused pools * S bytes``), and the ``# ...`` counters
    (``arenas_current``, ``arenas_reclaimed``, ``bytes_lost_to_pool_headers``, ...).
    """
    kind = allocator(text)
    if kind != "pymalloc":
        raise NotPymalloc("not pymalloc statistics (%s)" % kind)
    head = _THRESHOLD.search(text)
    stats = {"threshold": int(head.group(1)), "class_count": int(head.group(2)), "classes": {}}
    # Only the first block of the output is pymalloc's; free lists and the arena map follow.
    in_table = False
    for line in text.splitlines():
        if line.startswith("class") and "size" in line:
            in_table = True
            continue
        if in_table:
            row = _CLASS_ROW.match(line)
            if row:
                index, size, pools, in_use, avail = (int(g) for g in row.groups())
                stats["classes"][size] = {"index": index, "pools": pools, "in_use": in_use, "avail": avail}
                continue
            if line.startswith("-----"):
                continue
            if line.strip() == "":
                in_table = False
                continue
        counter = _COUNTER.match(line)
        if counter and counter.group(1) in _COUNTER_NAMES:
            stats[_COUNTER_NAMES[counter.group(1)]] = int(counter.group(2).replace(",", ""))
            continue
        arena = _ARENA_LINE.match(line)
        if arena:
            stats["arenas"], stats["arena_size"] = int(arena.group(1)), int(arena.group(2))
            continue
        pool = _POOL_LINE.match(line)
        if pool:
            stats["unused_pools"], stats["pool_size"] = int(pool.group(1)), int(pool.group(2))
    for key in ("arena_size", "pool_size", "arenas_current"):
        if key not in stats:
            raise NotPymalloc("pymalloc statistics without %s" % key)
    return stats


def snapshot():
    """``parse(capture())`` of this process; ``NotPymalloc`` where another allocator runs."""
    return parse(capture())


def allocator_in_use():
    """Which allocator serves this process, read from its own statistics."""
    try:
        return allocator(capture())
    except (AttributeError, OSError):  # no _debugmallocstats (not CPython), or no fd 2
        return "unknown"
