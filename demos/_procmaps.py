"""This process's memory mappings, read from /proc/self/maps (Linux): whether addresses are still
mapped, and how many bytes the anonymous mappings hold.  Read line by line, building no list: a
reading made while pymalloc is being measured must allocate as little as it can.  Python
3.9-compatible, stdlib only.
"""


def _spans():
    """(start, end, has_path) for each mapping; OSError where the file cannot be read."""
    with open("/proc/self/maps") as f:
        for line in f:
            fields = line.split()
            lo, hi = fields[0].split("-")
            # A name of the kernel's own ("[anon:name]", PR_SET_VMA_ANON_NAME, Linux 5.17) is still
            # anonymous memory, unlike a file, [heap] or [stack].
            yield int(lo, 16), int(hi, 16), len(fields) > 5 and not fields[5].startswith("[anon:")


def count_mapped(addresses):
    """How many of ``addresses`` lie in a mapping (None where /proc/self/maps cannot be read)."""
    wanted = sorted(addresses)
    found = 0
    try:
        for lo, hi, _ in _spans():
            found += sum(1 for a in wanted if lo <= a < hi)
    except (OSError, ValueError, IndexError):
        return None
    return found


def anonymous_bytes():
    """Bytes of the anonymous mappings (no file, not [heap] or [stack]: mmap of MAP_ANONYMOUS); None
    where /proc/self/maps cannot be read or holds a line it cannot parse."""
    try:
        return sum(hi - lo for lo, hi, has_path in _spans() if not has_path)
    except (OSError, ValueError, IndexError):
        return None
