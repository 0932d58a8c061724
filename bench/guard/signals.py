"""SIGTERM handled like Ctrl-C: the same clean-up (children stopped, nothing half-written), a
message, and the shell's exit status 143.  Python 3.9, stdlib only (the harness uses it)."""
import contextlib
import os
import signal
import threading
import time

EXIT_STATUS = 128 + signal.SIGTERM
# Set by a caller that reports an interruption itself (``gilbench run``, the matrix) to its pid:
# the run it starts then stops without a second message, and names that pid as the folder's user.
CALLER_SPEAKS_ENV = "GILBENCH_CALLER_SPEAKS"


class Terminated(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM; every ``except KeyboardInterrupt`` clean-up applies."""


# Owners (pids) whose sigterm_as_interrupt block is running: a fork child of one of them inherits the
# Python handler, and must not keep it (see _default_in_fork_child).
_OWNERS = []
# The stops (Terminated, KeyboardInterrupt) that SIGTERM or SIGINT raised while such a block ran: a
# stop swallowed on its way up (a finalizer's "Exception ignored in", a demo's except Exception) is
# raised again at the run's next step (``raise_if_stopped``), and only a stop a signal asked for
# unmasks an error (``interrupts_unmasked``): a KeyboardInterrupt a workload raised itself is its own.
_STOPS = []


def _default_in_fork_child():
    """A fork child (a multiprocessing worker) ends on SIGTERM as the default means, from its first
    instruction.  Left to the inherited Python handler, a SIGTERM that lands just before a blocking
    call is taken by the C handler and then waits for the call to return: Pool.terminate() hung
    for good on a worker blocked on the task queue's lock (3.10.13, mp_pool's with-block)."""
    if _OWNERS:
        del _OWNERS[:]
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_default_in_fork_child)


@contextlib.contextmanager
def sigterm_as_interrupt():
    """SIGTERM raises ``Terminated`` in this process while the block runs (main thread only:
    elsewhere, e.g. a command called from a test's thread, nothing changes)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum, frame):
        if os.getpid() != owner:
            # A fork child (multiprocessing) inherited the handler: end as SIGTERM means to it.
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        # A second SIGTERM (the group's and the keeper's) must not cut the clean-up short: the
        # keeper's SIGKILL after its grace is the backstop.
        signal.signal(signal.SIGTERM, lambda *_: None)
        _STOPS.append(Terminated)
        raise Terminated()

    def on_sigint(signum, frame):
        if os.getpid() == owner:
            _STOPS.append(KeyboardInterrupt)
        raise KeyboardInterrupt()

    previous = signal.signal(signal.SIGTERM, handler)
    # Ctrl-C keeps its meaning (KeyboardInterrupt) and is recorded too; a SIGINT someone set to be
    # ignored (a job started in the background) stays ignored.
    previous_int = signal.getsignal(signal.SIGINT)
    if previous_int is signal.default_int_handler:
        signal.signal(signal.SIGINT, on_sigint)
    _OWNERS.append(owner)
    try:
        yield
    finally:
        _OWNERS.remove(owner)
        if not _OWNERS:
            del _STOPS[:]
        signal.signal(signal.SIGTERM, previous)
        if previous_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_int)


def raise_if_stopped():
    """Raise the stop a signal asked for, if one was asked for and swallowed on its way up."""
    if _STOPS:
        raise _STOPS[0]()


def name(signum):
    """SIGTERM for 15; "signal N" for a number this platform does not name."""
    try:
        return signal.Signals(signum).name
    except ValueError:
        return "signal %d" % signum


def _interrupt_behind(exc):
    """The KeyboardInterrupt (``Terminated`` included) that ``exc`` was raised while handling, or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return exc
        seen.add(id(exc))
        exc = exc.__context__
    return None


@contextlib.contextmanager
def interrupts_unmasked():
    """An error raised while an interrupt was being handled re-raises the interrupt: a stop request
    never passes for an error.  On Python 3.9 a SIGTERM that lands inside ``tempfile.TemporaryFile``
    comes out as ``OSError: [Errno 9]`` (its clean-up closes the fd that the half-made file object
    had closed already); a workload's ``except Exception`` took that for the workload's failure, and
    the run went on to write its column after the matrix had been stopped (CI, py39).  Only a stop
    a signal asked for (``_STOPS``) does so, and then whether or not the error still holds it: a
    KeyboardInterrupt that code raised and handled itself leaves its error an error."""
    try:
        yield
    except Exception as exc:
        if not _STOPS:
            raise
        interrupt = _interrupt_behind(exc)
        if interrupt is not None:
            raise interrupt
        raise _STOPS[0]() from exc


def interrupted_status(exc):
    """(message, exit status) for a KeyboardInterrupt that ended a command."""
    if isinstance(exc, Terminated):
        return "terminated (SIGTERM); stopped what it had started", EXIT_STATUS
    return "interrupted", 130


class DeadlinePassed(Exception):
    """Raised in the main thread by ``deadline``: the block ran past its seconds."""


@contextlib.contextmanager
def deadline(seconds, what):
    """Raise ``DeadlinePassed`` in the block once it has run ``seconds`` (SIGALRM; main thread only,
    elsewhere nothing changes): a demo stuck in a blocking call (a pool's join, a lock) then fails
    with one line instead of holding its column until the matrix's hour runs out.  A blocking call
    interrupted by the signal raises from its retry (PEP 475)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def handler(signum, frame):
        raise DeadlinePassed("%s did not end within %g s" % (what, seconds))

    previous = signal.signal(signal.SIGALRM, handler)
    began = time.monotonic()
    earlier, interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        # An earlier timer (a test runner's) is put back with what it had left; it cannot fire inside.
        left = max(earlier - (time.monotonic() - began), 0.001) if earlier else 0
        signal.setitimer(signal.ITIMER_REAL, left, interval)
        signal.signal(signal.SIGALRM, previous)
