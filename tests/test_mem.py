"""The memory chapter: the _debugmallocstats parser on every captured format, the model's
arithmetic on hand-checked cases, the pymalloc demo's facts, and the report's model section."""
import json
import os
import subprocess
import sys
import sysconfig
from types import SimpleNamespace

import pytest
from _helpers import child_env

from bench.harness import results_format
from bench.publish.model_section import model_vs_measurement, observed
from demos import _mallocstats, _memmodel, boxing, pymalloc

_FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "mallocstats")
# Captured from the interpreters of the project's machine (file name: the interpreter that printed it).
_PYMALLOC = {"3.9.18": (4096, 262144), "3.10.13": (16384, 1048576), "3.11.2-host": (16384, 1048576),
             "3.11.7": (16384, 1048576), "3.12.1": (16384, 1048576), "3.13.0": (16384, 1048576),
             "3.13.5": (16384, 1048576), "3.12.1-PYTHONMALLOC=pymalloc_debug": (16384, 1048576)}
_MIMALLOC = ("3.13.5t", "3.13.5-PYTHONMALLOC=mimalloc")
_NEITHER = ("3.12.1-PYTHONMALLOC=malloc",)
_POOL_HEADER = 48  # sizeof(struct pool_header) on 64-bit CPython 3.9 to 3.13


def _fixture(name):
    with open(os.path.join(_FIXTURES, name + ".txt")) as f:
        return f.read()


def test_every_fixture_is_known():
    names = {f[:-4] for f in os.listdir(_FIXTURES) if f.endswith(".txt")}
    assert names == set(_PYMALLOC) | set(_MIMALLOC) | set(_NEITHER)


@pytest.mark.parametrize("name", sorted(_PYMALLOC))
def test_parser_reads_every_pymalloc_variant(name):
    pool, arena = _PYMALLOC[name]
    stats = _mallocstats.parse(_fixture(name))
    assert (stats["threshold"], stats["class_count"]) == (512, 32)
    assert (stats["pool_size"], stats["arena_size"]) == (pool, arena)
    assert stats["arenas"] == stats["arenas_current"] > 0
    assert stats["arenas_highwater"] >= stats["arenas_current"]
    assert stats["classes"], "no class row parsed"
    for size, row in stats["classes"].items():
        assert size == 16 * (row["index"] + 1)
        # Every pool of a class holds (pool - header) // size blocks: in use + available.
        assert row["in_use"] + row["avail"] == row["pools"] * ((pool - _POOL_HEADER) // size), size
    assert stats["bytes_lost_to_pool_headers"] == _POOL_HEADER * sum(r["pools"] for r in stats["classes"].values())


@pytest.mark.parametrize("name", _MIMALLOC)
def test_mimalloc_is_recognised_and_not_pymalloc(name):
    text = _fixture(name)
    assert _mallocstats.allocator(text) == "mimalloc"
    with pytest.raises(_mallocstats.NotPymalloc):
        _mallocstats.parse(text)


def test_text_without_pymalloc_is_not_pymalloc():
    text = _fixture(_NEITHER[0])
    assert _mallocstats.allocator(text) == "unknown"
    with pytest.raises(_mallocstats.NotPymalloc):
        _mallocstats.parse(text)


def test_capture_restores_fd_2():
    before = os.fstat(2)
    text = _mallocstats.capture()
    after = os.fstat(2)
    assert (before.st_dev, before.st_ino) == (after.st_dev, after.st_ino)
    assert text.strip()


def test_the_run_records_the_allocator_in_use():
    code = "from bench.harness.runner import interpreter_facts as f; import json; print(json.dumps(f()))"
    cases = [({}, _mallocstats.allocator_in_use() == "pymalloc")]
    if not sysconfig.get_config_var("Py_GIL_DISABLED"):  # free-threaded builds refuse PYTHONMALLOC=malloc
        cases.append(({"PYTHONMALLOC": "malloc"}, False))
    for env, expected in cases:
        out = subprocess.run([sys.executable, "-c", code], env=child_env(**env), capture_output=True,
                             text=True, timeout=60, check=True).stdout
        assert json.loads(out)["pymalloc"] is expected, env


# --- the model, on hand-checked cases ---------------------------------------------------------

_REAL_312 = {"threshold": 512, "step": 16, "pool_size": 16384, "arena_size": 1048576, "pool_header": 48,
             "pools_per_arena": 63, "keeps_one_free_arena": True}


def test_note_model_by_hand():
    note = _memmodel.NOTE
    assert [_memmodel.block_size(note, n) for n in (1, 8, 9, 41, 505, 512, 513)] == [8, 8, 16, 48, 512, 512, None]
    # 4096 // 48 = 85 blocks a pool; 1000 objects: 12 pools (11 * 85 = 935 < 1000); one arena of 64 pools.
    assert _memmodel.allocate(note, 1000, 41) == {"blocks_per_pool": 85, "pools": 12, "arenas": 1, "bytes": 262144}
    # 100,000 objects: 1,177 pools (1176 * 85 = 99,960), 19 arenas (18 * 64 = 1,152 pools).
    assert _memmodel.allocate(note, 100000, 41)["arenas"] == 19
    assert _memmodel.returnable(note, 100000, 41) == 19
    # One survivor in every 50,000: objects 0 and 50,000 sit in arenas 0 and 9 (5,440 objects an arena).
    assert _memmodel.arenas_with_survivors(note, 100000, 41, 50000) == 2
    assert _memmodel.returnable(note, 100000, 41, 50000) == 17
    assert _memmodel.returnable(note, 100000, 41, 16) == 0


def test_real_model_by_hand():
    # (16384 - 48) // 48 = 340 blocks; 100,000 objects: 295 pools; 63 pools an arena: 5 arenas.
    assert _memmodel.allocate(_REAL_312, 100000, 41) == {"blocks_per_pool": 340, "pools": 295, "arenas": 5,
                                                          "bytes": 5 * 1048576}
    assert _memmodel.block_size(_REAL_312, 17) == 32
    # Freeing all: every arena empties, and obmalloc keeps one back.
    assert _memmodel.returnable(_REAL_312, 100000, 41) == 4


def test_constants_from_what_an_interpreter_printed():
    c39 = _memmodel.from_stats(_mallocstats.parse(_fixture("3.9.18")))
    assert (c39["step"], c39["pool_header"], c39["pools_per_arena"]) == (16, 48, 64)
    c312 = _memmodel.from_stats(_mallocstats.parse(_fixture("3.12.1")))
    # That run lost 16 KiB to alignment over 2 arenas: one arena lost a pool, and the model counts
    # the loss for every arena (most arenas are not handed out pool-aligned).
    assert (c312["step"], c312["pool_header"], c312["pools_per_arena"]) == (16, 48, 63)


def test_arena_order_models():
    free = [31, 62, 31, 62]
    assert _memmodel.fullest_first(free) == [0, 2, 1, 3]
    assert _memmodel.refill_arenas(free, 62, _memmodel.fullest_first(free)) == {0, 2}
    assert _memmodel.refill_arenas(free, 62, [3, 2, 1, 0]) == {3}
    assert _memmodel.refill_arenas(free, 62, [0, 1, 2, 3]) == {0, 1}


def test_relative_error():
    assert _memmodel.relative_error(5, 4) == 0.25
    assert _memmodel.relative_error(0, 0) == 0.0
    assert _memmodel.relative_error(3, 0) == 3.0
    assert _memmodel.relative_error(None, 4) is None


# --- the demos ---------------------------------------------------------------------------------

def test_note_table():
    assert [pymalloc.note_block(n) for n in (1, 41, 512, 513)] == [8, 48, 512, None]


def test_differing_requests_are_shown_as_runs():
    table = [[n, 16 * -(-n // 16)] for n in range(1, 33)] + [[513, None]]
    assert pymalloc._differing_runs(table) == [(1, 8, 8, 16), (17, 24, 24, 32)]


@pytest.mark.skipif(_mallocstats.allocator_in_use() != "pymalloc", reason="needs pymalloc serving this process")
def test_pymalloc_observes_blocks_and_rows():
    r = pymalloc.observe(n=20000, k_big=10000, churn_arenas=4, sizes=[1, 17, 41, 512, 513])
    assert r["mem.size_classes.measured"] == [[1, 16], [17, 32], [41, 48], [512, 512], [513, None]]
    assert r["mem.small_threshold_bytes"] == 512
    assert r["mem.block_for_41_bytes"] == 48
    assert r["mem.block_for_41_byte_object"] == 48
    assert r["mem.object_header_words"] == 2.0
    keys = {"workload", "quantity", "note_prediction", "real_prediction", "measured", "note_error", "real_error"}
    assert r["mem.model.rows"] and all(set(row) == keys for row in r["mem.model.rows"])
    alloc = [row for row in r["mem.model.rows"] if row["quantity"] == "blocks_per_pool"][0]
    assert alloc["measured"] == alloc["real_prediction"]


def test_boxing_observes_sizes():
    r = boxing.observe(n=20000)
    assert r["slow.small_int_size_bytes"] == sys.getsizeof(1)
    assert 8.0 <= r["slow.bytes_per_int_array"] < 8.1  # 8-byte items and one array header
    assert r["slow.bytes_per_int_list"] > r["slow.bytes_per_int_array"]
    assert boxing.python_sum([1, 2, 3]) == 6


# --- the report's section ----------------------------------------------------------------------

def test_model_section():
    row = {"workload": "100 objects of 41 B", "quantity": "arenas", "note_prediction": 19, "real_prediction": 5,
           "measured": 5, "note_error": 2.8, "real_error": 0.0}
    # Each column's observations.json as recorded; the section reads the observations inside.
    recorded = {"3.12.1": {"format": 2, "observations": {"mem.model.rows": [row], "mem.pool_size_bytes": 16384}},
                "3.13.5t": {"format": 2, "observations": {"mem.allocator": "mimalloc",
                                                           "mem.not_measured": "mimalloc, not pymalloc"}}}
    results = {column: observed(r) for column, r in recorded.items()}
    text = "\n".join(model_vs_measurement(results))
    assert "## Model vs measurement" in text
    assert "+280%" in text and "| 19 " in text
    assert "**3.13.5t**: not measured: mimalloc, not pymalloc" in text
    assert model_vs_measurement(results, chapters=["gil"]) == []


def test_pymalloc_claims_are_na_with_the_allocator_named_where_it_is_not_pymalloc():
    from bench import ledger
    from bench.judge.evaluate import evaluate
    from bench.judge.stats import Measured

    facts = {"version": "3.13.5", "gil_enabled": False, "pymalloc": False, "allocator": "mimalloc"}
    claim = ledger.get("mem.pool-size")
    v = evaluate(claim, {"mem.pool_size_bytes": Measured(16384)}, facts)
    assert v.verdict == "n/a" and "mimalloc" in v.why
    v = evaluate(claim, {"mem.pool_size_bytes": Measured(16384)}, dict(facts, pymalloc=True, allocator="pymalloc"))
    assert v.verdict == "contradicted"


def test_proc_maps_reading_names_anonymous_memory_and_says_none_on_a_line_it_cannot_parse(monkeypatch):
    import io

    from demos import _procmaps

    lines = ("7f0000000000-7f0000100000 rw-p 00000000 00:00 0 \n"                       # mmap: anonymous
             "7f0000100000-7f0000200000 rw-p 00000000 00:00 0 [anon:arena]\n"            # named, still anonymous
             "55d000000000-55d000021000 rw-p 00000000 00:00 0 [heap]\n"
             "7f0000200000-7f0000201000 r--p 00000000 08:01 42 /usr/lib/libc.so.6\n")
    monkeypatch.setattr(_procmaps, "open", lambda path: io.StringIO(lines), raising=False)
    assert _procmaps.anonymous_bytes() == 2 * 0x100000
    assert _procmaps.count_mapped([0x7f0000000010, 0x7f0000200010, 0x10]) == 2
    monkeypatch.setattr(_procmaps, "open", lambda path: io.StringIO("garbage\n"), raising=False)
    assert _procmaps.anonymous_bytes() is None and _procmaps.count_mapped([1]) is None
