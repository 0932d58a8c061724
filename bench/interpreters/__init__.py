"""Interpreters: find Pythons, fetch sources and build missing ones, give each a venv, run the matrix.

Orchestrating side: runs on the host Python, never inside a measured interpreter.
"""
