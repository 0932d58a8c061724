"""Job control that reaches the whole tree, and runs that know when they were paused.

Every child runs under a keeper in a session of its own (``bench.children``), so the terminal's
Ctrl-Z (SIGTSTP) and ``fg``/``bg`` (SIGCONT) reach only the command the user started.  That command
passes them on to every descendant; a keeper whose caller was stopped with SIGSTOP, which cannot
be caught, stops its own tree.  A measured run counts the SIGCONTs it gets: a workload during which
it was paused measured the pause too, and is not judged.  Python 3.9, stdlib only.
"""
import contextlib
import os
import signal
import threading

from bench.guard import keeper

_PAUSES = [0]


def _signal_descendants(sig):
    for pid in keeper.descendants(os.getpid()):
        try:
            os.kill(pid, sig)
        except OSError:
            pass


def _install(handlers):
    """Install ``{signal: handler}`` (main thread only); the previous handlers, to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}


def _restore(previous):
    for sig, handler in previous.items():
        signal.signal(sig, handler)


@contextlib.contextmanager
def tree_follows():
    """In the command a user starts (``gilbench run``, ``matrix``): Ctrl-Z stops every descendant,
    then this process; SIGCONT continues them."""
    def on_stop(signum, frame):
        _signal_descendants(signal.SIGSTOP)
        os.kill(os.getpid(), signal.SIGSTOP)

    def on_continue(signum, frame):
        _signal_descendants(signal.SIGCONT)

    previous = _install({signal.SIGTSTP: on_stop, signal.SIGCONT: on_continue})
    try:
        yield
    finally:
        _restore(previous)


@contextlib.contextmanager
def counting_pauses():
    """In a measured run: count the SIGCONTs it gets (each one ends a pause); see ``pauses()``."""
    def on_continue(signum, frame):
        _PAUSES[0] += 1

    previous = _install({signal.SIGCONT: on_continue})
    try:
        yield
    finally:
        _restore(previous)


def pauses():
    """How many times this process was continued after a stop so far."""
    return _PAUSES[0]

