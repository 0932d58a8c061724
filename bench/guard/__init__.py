"""What keeps a run from losing a user's data or leaving processes behind, shared by the harness
(inside measured interpreters: Python 3.9, stdlib only) and the host side:

- ``keeper``: the program ``bench.children.run_in_group`` runs every child under; it stops the
  child's whole tree when the child ends, times out, or its caller dies (SIGKILL included).
- ``signals``: SIGTERM handled like Ctrl-C.
- ``lock``: one gilbench at a time per results folder.
- ``folders``: which names and folders are gilbench's own (ids, results folders).
"""
