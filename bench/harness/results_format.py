"""The files ``gilbench run`` writes into ``OUT/<interpreter-id>/``, shared by writer and reader.

Format history:
  1 (2026-11): meta.json (what produced the run), observations.json ({"format", "observations",
    "errors"}), bench.json (a pyperf BenchmarkSuite).  meta.json and observations.json carry
    "format"; bench.json is pyperf's own format.
  2 (2026-11): timings in rounds: every pyperf run carries "gilbench_round" (runs of one round
    are paired) and "gil_enabled_at_runtime"; meta.json adds rounds, load_start / load_end
    (load averages), compiler and mp_start_method; observations.json adds "dropped" (workload ->
    why its observations were dropped).  Format 1 is still read: its ratios are unpaired.
"""
FORMAT = 2
READABLE = (1, 2)
META = "meta.json"
OBSERVATIONS = "observations.json"
BENCH = "bench.json"
