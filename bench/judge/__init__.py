"""Judging: from a run's files to metrics, and from metrics and the ledger to verdicts."""
