"""Which machine a run measured: a host label a person chooses, and a fingerprint of the machine.

A merge of results folders keys its columns on the label (``--host``, ``GILBENCH_HOST``, else the
node name): the runners of one docker compose project or the interpreters of one CI runner share
one label, and so are judged together (twins, "changed at").  The label alone cannot tell two
machines apart (the published 2-vCPU run and the 16-core run were both "vm"), so meta.json records
the machine too: CPU model and count, OS, architecture, memory.  A merge refuses two runs of one
interpreter only when both the label and the machine fingerprint match.

Runs inside measured interpreters (3.9, stdlib only); the reader imports it too.
"""
import hashlib
import json
import os
import platform
import re

LABEL_ENV = "GILBENCH_HOST"
# A label is part of a column id ("host/3.13.5t"): a name, never a path.
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
# What the fingerprint is made of; a run that did not record one of them has None there.
FINGERPRINT_FIELDS = ("cpu_model", "cpu_count", "platform", "machine", "memory_gib")


def label_problem(label):
    """Why ``label`` cannot be a host label, or None."""
    if _LABEL.fullmatch(label or ""):
        return None
    return ("host label %r: letters, digits, '.', '_', '+', '-' (starting with a letter or digit), at most 64 "
            "characters" % label)


def label(given=None):
    """The host label of this run: ``given`` (--host), else $GILBENCH_HOST, else the node name.
    ValueError when the label chosen cannot be one."""
    chosen = given or os.environ.get(LABEL_ENV) or platform.node() or "unknown"
    problem = label_problem(chosen)
    if problem and not given and not os.environ.get(LABEL_ENV):
        # A node name such as "my laptop" is not a person's choice: made usable rather than refused.
        chosen = re.sub(r"[^A-Za-z0-9._+-]", "-", chosen).lstrip("._+-")[:64] or "unknown"
        problem = label_problem(chosen)
    if problem:
        raise ValueError(problem)
    return chosen


def memory_bytes():
    """Physical memory (POSIX sysconf), None where it cannot be read."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def cpu_model():
    """The processor's name (Linux: /proc/cpuinfo), so that published figures say what ran them."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def machine_of(meta):
    """The machine facts of a run's meta.json, None for what it did not record (older runs have no memory)."""
    memory = meta.get("memory_bytes")
    return {"cpu_model": meta.get("cpu_model"), "cpu_count": meta.get("cpu_count"),
            "platform": meta.get("platform"), "machine": meta.get("machine"),
            # Whole GiB: what the kernel reserves moves the byte count a little between boots.
            "memory_gib": int(round(memory / 2.0 ** 30)) if isinstance(memory, (int, float)) else None}


def machine_fingerprint(meta):
    """A short hash of ``machine_of(meta)``: the same on every interpreter of one machine."""
    text = json.dumps(machine_of(meta), sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:12]


def describe(meta):
    """The machine in words: "AMD EPYC, 2 CPUs, Linux-6.18…-glibc2.36" (what is not recorded says so)."""
    facts = machine_of(meta)
    parts = [facts["cpu_model"] or "CPU model not recorded",
             "%s CPUs" % facts["cpu_count"] if facts["cpu_count"] else "CPU count not recorded",
             facts["platform"] or "OS not recorded"]
    if facts["memory_gib"]:
        parts.append("%d GiB" % facts["memory_gib"])
    return ", ".join(parts)
