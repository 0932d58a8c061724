"""``gilbench es start|stop|status``: the local search service for manual use.

``gilbench run`` starts and stops its own service; this one is for trying the client by hand
(``ES_URL=$(gilbench es start) python ...``).  Its pid and URL are kept in a state file so that
``stop`` ends exactly that process, and nothing else.  ``start`` and ``stop`` hold a lock beside
the state file while they read and change it, so that two at once never start two services.
"""
import contextlib
import fcntl
import json
import os
import signal
import time
import urllib.error
import urllib.request

from bench.atomic import write_text_atomic
from bench.progress import fail, progress, usage
from services import backend

_STATE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "gilbench",
                      "local-search-service.json")
_LOCK = _STATE.replace(".json", ".lock")
_STOP_TIMEOUT_S = 5.0
_KILL_TIMEOUT_S = 5.0
_ANSWER_TIMEOUT_S = 5.0
# Longer than a start may take (backend's start timeout, 15 s): a second start waits for the first.
_LOCK_TIMEOUT_S = 30.0


def _state():
    try:
        with open(_STATE) as f:
            state = json.load(f)
    except (OSError, ValueError):
        return None
    return state if _is_service(state.get("pid")) else None


def _is_service(pid):
    """True when ``pid`` is alive and is the local search service (a pid can be reused)."""
    try:
        with open("/proc/%d/cmdline" % int(pid), "rb") as f:
            return b"services.search_service" in f.read()
    except (OSError, TypeError, ValueError):
        return False


@contextlib.contextmanager
def _locked():
    """Hold the lock beside the state file (waiting for it a while); yield False if it stayed taken."""
    os.makedirs(os.path.dirname(_LOCK), exist_ok=True)
    with open(_LOCK, "a") as lock:
        deadline = time.monotonic() + _LOCK_TIMEOUT_S
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _busy():
    return fail("another `gilbench es` command has held %s for over %.0f s; try again when it ends"
                % (_LOCK, _LOCK_TIMEOUT_S))


def _start(args):
    if not 0 <= args.service_ms < float("inf"):
        return usage("--service-ms must be a number of milliseconds, 0 or more, not %g" % args.service_ms)
    with _locked() as held:
        return _start_locked(args) if held else _busy()


def _start_locked(args):
    state = _state()
    if state and state.get("service_ms") != args.service_ms:
        return usage("a service already runs at %s (pid %d) with %s ms service time, not %s: "
                    "`gilbench es stop` it first" % (state["url"], state["pid"], state.get("service_ms"),
                                                     args.service_ms))
    if state:
        if not _answers(state["url"]):  # a hung service's URL would send the user's client nowhere
            return fail("the local search service (pid %d) runs but did not answer GET / within %.0f s; stop it "
                        "with `gilbench es stop` (it is killed if it does not stop), then start it again"
                        % (state["pid"], _ANSWER_TIMEOUT_S))
        progress("already running at %s (pid %d)" % (state["url"], state["pid"]))
        print(state["url"])
        return 0
    # Its errors go to a log beside the state file: it outlives this command and its terminal.
    # (Popen closes every other descriptor in the child: the service never holds the lock.)
    try:
        with open(_STATE.replace(".json", ".log"), "ab") as log:
            service = backend.LocalService(args.service_ms, stderr=log, detached=True).start()
    except backend.BackendError as exc:  # it names the log, where the service said why
        return fail(exc)
    # Left running on purpose: `gilbench es stop` ends it.  Our end of its stdout pipe closes.
    service.proc.stdout.close()
    write_text_atomic(_STATE, json.dumps({"pid": service.proc.pid, "url": service.url,
                                          "service_ms": args.service_ms}) + "\n")
    progress("local search service, %g ms service time, at %s, pid %d; stop it with `gilbench es stop`"
             % (args.service_ms, service.url, service.proc.pid))
    print(service.url)
    return 0


def _stop(args):
    with _locked() as held:
        return _stop_locked() if held else _busy()


def _stop_locked():
    state = _state()
    if not state:
        progress("no local search service is running")
        return 0
    pid = state["pid"]
    killed = False
    try:
        os.kill(pid, signal.SIGTERM)
        if not backend.wait_until_gone(pid, _STOP_TIMEOUT_S):
            os.kill(pid, signal.SIGKILL)
            killed = True
    except ProcessLookupError:
        pass  # it ended meanwhile
    if killed and not backend.wait_until_gone(pid, _KILL_TIMEOUT_S):
        return fail("the local search service (pid %d) did not end even on SIGKILL" % pid)
    os.remove(_STATE)
    if killed:
        progress("the local search service at %s (pid %d) did not stop within %.0f s of SIGTERM: killed it "
                 "(SIGKILL)" % (state["url"], pid, _STOP_TIMEOUT_S))
    else:
        progress("stopped the local search service at %s (pid %d)" % (state["url"], pid))
    return 0


def _answers(url):
    """True when something answers GET / at ``url`` within _ANSWER_TIMEOUT_S (whatever it says)."""
    # No proxy: the service is on loopback, and an http_proxy in the environment must not decide.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url.rstrip("/") + "/", timeout=_ANSWER_TIMEOUT_S) as response:
            response.read()
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False
    return True


def _status(args):
    state = _state()
    if not state:
        print("not running")
        return 1
    # backend.check's own message is about ES_URL and docker: not what is wrong with our service.
    if not _answers(state["url"]):
        progress("error: the local search service (pid %d) runs but did not answer GET / within %.0f s; stop it "
                 "with `gilbench es stop` (it is killed if it does not stop)" % (state["pid"], _ANSWER_TIMEOUT_S))
        return 1
    try:
        name, version = backend.check(state["url"], source=None)  # no ES_URL advice: this is our service
    except backend.BackendError as exc:
        progress("error: the local search service (pid %d) answers at %s, but not as expected: %s; stop it "
                 "with `gilbench es stop`" % (state["pid"], state["url"], exc.problem))
        return 1
    print("running at %s (pid %d, %s ms service time, answers as %s %s)"
          % (state["url"], state["pid"], state["service_ms"], name, version))
    return 0


def register(sub):
    p = sub.add_parser("es", help="start, stop or check the local search service (for manual use)")
    es = p.add_subparsers(dest="es_command", metavar="ACTION")
    es.required = True
    start = es.add_parser("start", help="start it in the background; print its URL")
    start.add_argument("--service-ms", type=float, default=10.0, help="time per request in ms (default 10)")
    start.set_defaults(func=_start)
    es.add_parser("stop", help="stop it").set_defaults(func=_stop)
    es.add_parser("status", help="say whether it runs (exit 1 when not)").set_defaults(func=_status)
