"""The one progress printer: a line on stderr, so that stdout carries only what a command returns."""
import sys


def progress(message):
    print("gilbench: " + message, file=sys.stderr, flush=True)


def fail(message):
    """Bad input or a failed command: one line on stderr, and the exit status 2 to return."""
    progress("error: %s" % message)
    return 2
