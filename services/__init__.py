"""What the I/O workloads talk to: a real Elasticsearch (``ES_URL``) or the local search service,
and the official client's side of the note's I/O test.

Runs inside measured interpreters (Python 3.9; stdlib, plus the official client in
``io_workload`` and ``io_probe``), and imports nothing of ``bench`` or ``demos``.
"""
