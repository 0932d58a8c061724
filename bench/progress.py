"""The one progress printer: a line on stderr, so that stdout carries only what a command returns."""
import sys


def progress(message):
    print("gilbench: " + message, file=sys.stderr, flush=True)
