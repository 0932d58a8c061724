"""``gilbench snippets``: every code block of a Markdown note, run as written on every interpreter.

Host side only.  ``extract`` finds the blocks and what their comments say a line prints,
``execute`` runs one block in a fresh scratch directory (its own process group, a time limit),
``backend`` decides what a networked block needs, ``compare`` sets printed against commented,
``render`` writes the Markdown and JSON reports.  What reaches the measured interpreter is the
block itself and nothing else.
"""
