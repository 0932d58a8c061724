"""The files ``gilbench run`` writes into ``OUT/<interpreter-id>/``, shared by writer and reader.

Format history:
  1 (2026-11): meta.json (what produced the run), observations.json ({"format", "observations",
    "errors"}), bench.json (a pyperf BenchmarkSuite).  meta.json and observations.json carry
    "format"; bench.json is pyperf's own format.
"""
FORMAT = 1
META = "meta.json"
OBSERVATIONS = "observations.json"
BENCH = "bench.json"
