"""What runs inside each measured interpreter: ``gilbench run``, its pyperf scripts and their helpers.

Python 3.9-compatible, stdlib + pyperf + demos only (import contracts keep judging,
publishing, interpreter and CLI code out of here).
"""
