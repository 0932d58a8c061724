"""Issue 20 item 3: each column's thread speedups beside their two limits, k and (L + c)/c, in the
report's section and the I/O chart (synthetic metrics: the arithmetic, not a measurement)."""
import pytest

from bench.publish import charts, io_limits


def _m(value, interval=None):
    return {"value": value, "interval": interval}


_METRICS = {
    # A GIL build whose client CPU allows 40: the service time binds at every k.
    ("gil", "io.ceiling.threads"): _m(40.0), ("gil", "io.client_cpu_per_call_s"): _m(0.00025),
    ("gil", "io.speedup.threads2"): _m(1.96, [1.9, 2.0]), ("gil", "io.speedup.threads16"): _m(14.0, [13.5, 14.5]),
    # A slow client under a GIL: (L + c)/c = 6 binds at 8 and 16 threads.
    ("slow", "io.ceiling.threads"): _m(6.0), ("slow", "io.speedup.threads8"): _m(5.4),
    ("slow", "io.speedup.threads16"): _m(5.7),
    # GIL off: the client's CPU limits only at CPUs x (L + c)/c.
    ("ft", "io.ceiling.threads"): _m(6.0), ("ft", "io.speedup.threads16"): _m(10.0),
}
_INTERPRETERS = {"gil": {"gil_enabled": True, "cpu_count": 2}, "slow": {"gil_enabled": True, "cpu_count": 2},
                 "ft": {"free_threaded": True, "gil_enabled": False, "cpu_count": 4}, "none": {}}


_LOADS = {"gil": {"io.local.capacity_samples": [58000.0, 61000.0, 59000.0, 62000.0, 60000.0, 60000.0]}}


def _points(col):
    (r,) = [r for r in io_limits.rows(_METRICS, _INTERPRETERS, [col], _LOADS) if r["column"] == col]
    return {p["k"]: p for p in r["points"]}, r


def test_the_lower_limit_binds_and_the_share_is_of_it():
    gil, r = _points("gil")
    assert (gil[16]["limit"], gil[16]["binds"], gil[16]["share"]) == (16, "service time", pytest.approx(14 / 16))
    assert r["cpu_limit"] == 40.0 and r["capacity"] == 60000.0 and r["capacity_range"] == (58000.0, 62000.0, 6)
    slow, _ = _points("slow")
    assert (slow[8]["limit"], slow[8]["binds"], slow[8]["share"]) == (6.0, "client CPU", pytest.approx(0.9))
    assert slow[16]["binds"] == "client CPU"


def test_without_a_gil_the_client_cpu_limit_counts_the_cpus():
    ft, r = _points("ft")
    assert r["cpu_limit"] == 24.0 and "4 CPUs" in r["cpu_limit_reads"]
    assert (ft[16]["limit"], ft[16]["binds"]) == (16, "service time")


def test_a_column_without_speedups_has_no_row_and_an_unmeasured_ceiling_is_said():
    assert io_limits.rows(_METRICS, _INTERPRETERS, ["none"]) == []
    metrics = {("x", "io.speedup.threads2"): _m(1.9)}
    (r,) = io_limits.rows(metrics, {}, ["x"])
    assert r["cpu_limit"] is None and r["cpu_limit_reads"] == "not measured" and r["points"][0]["limit"] == 2


def test_the_markdown_section_shows_each_column_against_its_limit():
    text = "\n".join(io_limits.to_markdown(_METRICS, _INTERPRETERS, ["gil", "slow", "ft", "none"], _LOADS))
    lines = text.splitlines()
    assert "## I/O: thread speedups against their limits" in text
    gil_row = next(line for line in lines if line.startswith("| gil "))
    assert "x14 [13.5, 14.5] of 16 (88%)" in gil_row and "60000 req/s (6 loads: 58000-62000)" in gil_row
    assert "0.25 ms" in gil_row
    slow_row = next(line for line in lines if line.startswith("| slow "))
    assert "x5.4 of 6 (90%, CPU binds)" in slow_row
    assert not any(line.startswith("| none ") for line in lines)
    assert io_limits.to_markdown({}, {}, ["gil"]) == []


def test_an_older_run_shows_its_single_capacity_reading():
    metrics = {("x", "io.speedup.threads2"): _m(1.9)}
    (r,) = io_limits.rows(metrics, {}, ["x"], {"x": {"io.local.capacity_req_s": 5000.0}})
    assert r["capacity"] == 5000.0 and r["capacity_range"] is None


def _report(metrics, interpreters):
    return {"interpreters": [dict(info, column=col) for col, info in interpreters.items()],
            "metrics": [dict(m, interpreter=col, metric=name) for (col, name), m in metrics.items()],
            "observations": {}, "table": []}


def test_the_io_chart_names_each_columns_limits_in_its_plan_and_caption():
    plan = charts._io_plan(_report(_METRICS, _INTERPRETERS))
    assert plan["ceiling"]["gil"] == (40.0, "(L + c)/c, under the GIL")
    assert plan["ceiling"]["ft"][0] == 24.0
    assert "gil: x1.96 of 2 at 2 (98%, service time binds), x14 of 16 at 16 (88%, service time binds)" \
        in plan["caption"]
    assert "slow: x5.4 of 6 at 8 (90%, client CPU binds)" in plan["caption"]


def test_the_io_chart_draws_when_a_ceiling_is_above_its_range():
    pytest.importorskip("matplotlib")
    made, skipped = charts.make(_report(_METRICS, _INTERPRETERS))
    assert "io-scaling" in [c.name for c in made] and made[0].png.startswith(b"\x89PNG")
