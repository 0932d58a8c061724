"""multiprocessing (CLAIMS.md section 5). Judged once the multiprocessing chapter's workloads
are built; until then every claim here is ``not-measured``."""
from bench.ledger.vocabulary import Check, Claim

_SECTION = "Multi processing"

CLAIMS = (
    Claim("mp.start-methods", "mp", _SECTION, "There are three start methods: spawn, fork and forkserver.",
          "spawn / fork / forkserver", (Check("mp.start_method_count", "equals(3)"),), note_figure="3"),
    Claim("mp.default-method", "mp", _SECTION, "fork is the default on Unix (spawn on Windows and macOS).",
          "fork", (Check("mp.default_is_fork", "equals(1)"),), note_figure="fork"),
    Claim("mp.spawn-slower", "mp", _SECTION, "spawn is slower than fork and forkserver.",
          "fork나 forkserver에 비해 느리다", (Check("mp.spawn_over_fork_start", "above(1.0)"),)),
    Claim("mp.spawn-no-inherit", "mp", _SECTION,
          "spawn and forkserver do not inherit unneeded file descriptors; fork inherits everything.",
          "불필요한 file descriptor", (Check("mp.fd_inherited_spawn", "equals(0)"), Check("mp.fd_inherited_fork", "equals(1)"))),
    Claim("mp.queue-safe", "mp", _SECTION, "Queue is thread- and process-safe.",
          "Queue", (Check("mp.queue_lost_or_duplicated", "equals(0)"),)),
    Claim("mp.pipe", "mp", _SECTION, "Pipe() returns two connections with send()/recv().",
          "Pipe", (Check("mp.pipe_roundtrip_ok", "equals(1)"),)),
    Claim("mp.lock-serializes", "mp", _SECTION, "A Lock lets one process at a time into the critical section.",
          "Lock", (Check("mp.lock_overlaps", "equals(0)"),)),
    Claim("mp.shared-value-array", "mp", _SECTION, "Value('d') and Array('i') are shared: the child's changes are seen.",
          "shared memory map", (Check("mp.value_array_example_ok", "equals(1)"),), note_figure="3.1415927, negated list"),
    Claim("mp.manager", "mp", _SECTION, "A Manager's server process holds objects that others change through proxies.",
          "Manager", (Check("mp.manager_example_ok", "equals(1)"),)),
    Claim("mp.pool-apply-async", "mp", _SECTION,
          "apply_async(f, (20,)).get(timeout=1) gives 400; a 10 s task times out and the pool stays usable.",
          "apply_async", (Check("mp.apply_async_value", "equals(400)"), Check("mp.apply_async_timeout_raised", "equals(1)")),
          note_figure="400"),
    Claim("mp.map-materializes", "mp", _SECTION, "map returns a full list, so memory grows with the input; prefer imap.",
          "memory에 부담", (Check("mp.map_over_imap_peak_memory", "above(1.0)"),)),
    Claim("mp.map-async-callbacks", "mp", _SECTION,
          "map_async calls callback with the results and error_callback with the exception.",
          "map_async", (Check("mp.map_async_error_is_zerodivision", "equals(1)"),)),
    Claim("mp.imap-chunksize", "mp", _SECTION, "imap's default chunksize is 1; a larger one greatly speeds it up.",
          "chunksize", (Check("mp.imap_chunksize_speedup", "above(1.0)"),)),
    Claim("mp.imap-unordered", "mp", _SECTION, "imap_unordered may return results out of order; one process keeps order.",
          "순서가 보장되지 않는다", (Check("mp.unordered_share_4procs", "above(0)"), Check("mp.unordered_share_1proc", "equals(0)"))),
    Claim("mp.daemon-killed", "mp", _SECTION, "A daemon process ends when the main process ends.",
          "daemon", (Check("mp.daemon_side_effect_lost", "equals(1)"),)),
    Claim("mp.join-waits", "mp", _SECTION, "join() makes the parent wait for the child.",
          "join", (Check("mp.join_orders_output", "equals(1)"),)),
    Claim("mp.zombie", "mp", _SECTION, "A child that ended without join() stays a zombie while the parent runs.",
          "zombie", (Check("mp.zombie_seen", "equals(1)"),), note_figure="Z state"),
    Claim("mp.implicit-join", "mp", _SECTION, "A non-daemonic child is joined implicitly at exit; a daemonic one is not.",
          "join", (Check("mp.implicit_join", "equals(1)"),)),
    Claim("mp.event", "mp", _SECTION, "An Event starts unset; wait() blocks until set().",
          "Event", (Check("mp.event_initially_set", "equals(0)"),), note_figure="False at start"),
    Claim("mp.lock-blocks", "mp", _SECTION, "acquire() blocks the other processes until release().",
          "acquire", (Check("mp.lock_blocked_others", "equals(1)"),)),
)

# No workload measures this chapter yet: its claims are not-measured, and say so.
WORKLOADS = ()
