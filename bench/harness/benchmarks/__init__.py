"""pyperf scripts, one per workload group: ``python bm_NAME.py -o bench.json`` runs on its own."""
