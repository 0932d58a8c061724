"""A results folder of an older format brought up to the newest, one step per format (asv's ``update_to_N``).

``migrate(meta, observations)`` applies ``_update_to_2``, ``_update_to_3``, … in order to the
two JSON files of one interpreter's folder (as read, in memory: the files are never rewritten),
so that the loader only knows the newest format (``results_format.FORMAT``).  What an older
format never recorded stays unknown (``None``), and what it cannot support is said, never
made up: format 1's timings were not taken in rounds, so its ratios are marked unpaired.
A new format is one more ``_update_to_N`` here and its test (tests/test_migrate.py).
"""
from bench import ledger
from bench.harness import host, results_format

# Format 3 recorded "ledger", a hash of every field of the ledger, prose included, so it cannot be
# compared with the measured fingerprint of format 4.  These are the format-3 fingerprints of the
# ledgers of this repository's history, each with the measured fingerprint of the same ledger (both
# computed on the commit named): a format-3 run of one of them is merged as a run of that ledger.
FORMAT3_LEDGERS = {
    "2545594f0a7747e3": "25aac4cf8ef640d3",  # cc439ac (tests/fixtures: run-a, run-b, matrix-gil)
    "159e96ba3ee4afcd": "816ea21e340688cb",  # d6c5056
    "ba61112c996323a2": "8b2c25c438389450",  # afb5807
    "1058ea125f67ceac": "57360fde4ef8f2e9",  # 4db5578
    "50d224838dd32b6a": "20f090eec7d241b1",  # ce73acf
    "f8867eaa22f0163f": "b81c13ee8cbac81c",  # 02bdfd2 (docs/results-16core/raw)
    "9be2c463f8cf5bc3": "1b3a735c55b59e43",  # 7b82d1c
    "3560fc6b59e0b4f1": "7215525c0f2ac646",  # 09dddc0, c6234bd (docs/results/raw)
    "d8ff310ed279949d": "ea0faf48bd3da8cd",  # f870d9d .. dd2bd39, the last ledger of format 3
}

# What each workload measures (``results_format.workload_fingerprints``) in the ledgers of the two
# published runs, computed with today's canonical form on the commits named (each reproduces its
# measured fingerprint above): a run of one of them recorded none, these are its.  Their ledgers
# differ in four workloads only; the 16-core run measured none of the four.
_PUBLISHED_SHARED = {
    "boxing": "00f6aadfb66c5195", "countdown": "99b8dd58caf3f636", "fib": "cbdbc46eb1876976",
    "ft_patterns": "51f8df3f99365449", "gc_cycles": "a9116e8fe7859008", "gc_pause": "8281c54ae495284e",
    "io": "278615183842479c", "mp_pool": "b7cff57607c58c11", "mp_shared": "b2ceef2f37b9df4e",
    "mp_start": "82a254d4541e0883", "mp_workers": "52c4c5c9b587e1ab", "pymalloc": "4d709a2be5079fc2",
    "race": "7670ab9ba8cffed0", "refcount": "0f352760dfbf21ab", "switching": "b338881f873a1c5f",
}
KNOWN_WORKLOADS = {
    "7215525c0f2ac646": dict(_PUBLISHED_SHARED, gil_release="a7d597b1d8ce5bc3", mp_ipc="517e3f01c7ead558",
                             mp_lifecycle="51b73b1590a80dfc", mp_sync="7480fea41afc1386"),  # 09dddc0
    "b81c13ee8cbac81c": dict(_PUBLISHED_SHARED, gil_release="b57431c6504fd83a", mp_ipc="dfa502ba8ed6c55c",
                             mp_lifecycle="484c25110a59e602", mp_sync="57ad6cf38fcfa41c"),  # 02bdfd2
}

UNPAIRED = "results format 1: not paired"


def _update_to_2(meta, observations):
    """Format 1 timed no rounds: its ratios cannot be paired.  A GIL that flipped during a format-1
    run left observations made in both states among the others: none of them can be trusted."""
    meta["unpaired"] = UNPAIRED
    observations.setdefault("dropped", {})
    flipped = (observations.get("errors") or {}).get("gil-state")
    if flipped:
        observations["observations"] = {}
        # A dropped workload loses its timings too (the loader): the run judges nothing.
        observations["dropped"].update({w.name: "dropped: " + flipped for w in ledger.WORKLOADS})


def _update_to_3(meta, observations):
    """Format 2 recorded neither the host nor the ledger: both unknown."""
    meta.setdefault("host", "")
    meta.setdefault("ledger", None)


def _update_to_4(meta, observations):
    """Format 3's "ledger" hashed the prose too; its measured fingerprint is known only for the
    ledgers of FORMAT3_LEDGERS (None otherwise: merged only with runs of the same format-3 ledger)."""
    meta["measured"] = FORMAT3_LEDGERS.get(meta.get("ledger"))


def _update_to_5(meta, observations):
    """Format 4 recorded the node name as "host" (now a label, which it stays), no memory, no machine
    fingerprint (made from what it did record) and no per-workload fingerprints (known only for the
    ledgers of KNOWN_WORKLOADS)."""
    meta.setdefault("memory_bytes", None)
    meta["machine_fingerprint"] = host.machine_fingerprint(meta)
    known = KNOWN_WORKLOADS.get(meta.get("measured"))
    meta["measured_workloads"] = ({w: known[w] for w in meta.get("selection") or () if w in known}
                                  if known else None)


_UPDATES = {2: _update_to_2, 3: _update_to_3, 4: _update_to_4, 5: _update_to_5}


def migrate(meta, observations):
    """``meta`` and ``observations`` (dicts, changed in place) in the newest results format.

    ``meta["recorded_format"]`` keeps the format the run wrote; reports show that one.
    """
    recorded = meta["format"]
    for target in range(recorded + 1, results_format.FORMAT + 1):
        _UPDATES[target](meta, observations)
        meta["format"] = observations["format"] = target
    meta["recorded_format"] = recorded
    return meta, observations
