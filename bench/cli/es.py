"""``gilbench es start|stop|status``: the local search service for manual use.

``gilbench run`` starts and stops its own service; this one is for trying the client by hand
(``ES_URL=$(gilbench es start) python ...``).  Its pid and URL are kept in a state file so that
``stop`` ends exactly that process, and nothing else.
"""
import json
import os
import signal

from bench.atomic import write_text_atomic
from bench.progress import fail, progress
from services import backend

_STATE = os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "gilbench",
                      "local-search-service.json")
_STOP_TIMEOUT_S = 5.0


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


def _start(args):
    state = _state()
    if state and state.get("service_ms") != args.service_ms:
        return fail("a service already runs at %s (pid %d) with %s ms service time, not %s: "
                    "`gilbench es stop` it first" % (state["url"], state["pid"], state.get("service_ms"),
                                                     args.service_ms))
    if state:
        progress("already running at %s (pid %d)" % (state["url"], state["pid"]))
        print(state["url"])
        return 0
    os.makedirs(os.path.dirname(_STATE), exist_ok=True)
    # Its errors go to a log beside the state file: it outlives this command and its terminal.
    with open(_STATE.replace(".json", ".log"), "ab") as log:
        service = backend.LocalService(args.service_ms, stderr=log, detached=True).start()
    # Left running on purpose: `gilbench es stop` ends it.  Our end of its stdout pipe closes.
    service.proc.stdout.close()
    write_text_atomic(_STATE, json.dumps({"pid": service.proc.pid, "url": service.url,
                                          "service_ms": args.service_ms}) + "\n")
    progress("local search service (%s) at %s, pid %d; stop it with `gilbench es stop`"
             % (service.describe(), service.url, service.proc.pid))
    print(service.url)
    return 0


def _stop(args):
    state = _state()
    if not state:
        progress("no local search service is running")
        return 0
    os.kill(state["pid"], signal.SIGTERM)
    if not backend.wait_until_gone(state["pid"], _STOP_TIMEOUT_S):
        os.kill(state["pid"], signal.SIGKILL)
    os.remove(_STATE)
    progress("stopped the local search service at %s (pid %d)" % (state["url"], state["pid"]))
    return 0


def _status(args):
    state = _state()
    if not state:
        print("not running")
        return 1
    try:
        name, version = backend.check(state["url"])
    except backend.BackendError as exc:
        return fail("pid %d runs but does not answer: %s" % (state["pid"], exc))
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
