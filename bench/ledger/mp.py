"""multiprocessing (CLAIMS.md section 5): its claims and the workloads that measure them.

Every demo (demos/mp_*.py, demos/zombie.py) runs real processes under the platform's default
start method; demos/mp_workers.py and demos/ft_patterns.py compare threads with processes.
"""
from bench.ledger.bounds import speedup_bound
from bench.ledger.derived import count, ratio, sample_mean, samples
from bench.ledger.vocabulary import FREE_THREADING, Change, Check, Claim, Headline, Option, Workload, grid

_SECTION = "Multi processing"

# Rates the count claims are decided at ("never": the 95% upper bound of the rate below it).
_RUN_RATE = "0.05"  # of about a hundred runs or critical sections

_FORKSERVER_DEFAULT = Change("3.14", "Linux (and other POSIX but macOS) default to the forkserver start method "
                                     "instead of fork", "What's New in Python 3.14, multiprocessing (gh-84559)")
_SIZES = (16, 16 * 1024, 1024 * 1024)
_PATTERNS = ("create_object", "create_dict", "create_closure", "call_method", "call_module_function",
             "read_thread_local", "load_constant")

CLAIMS = (
    Claim("mp.start-methods", "mp", _SECTION, "There are three start methods: spawn, fork and forkserver.",
          "세 가지 다른 방식의 Process 실행 방식", (Check("mp.start.method_count", "equals(3)"),), note_figure="3",
          departs="The note's first snippet creates a Process and never calls start(); its get_context snippet "
                  "reads `from multiprocessing` (a syntax error) and its set_start_method snippet uses "
                  "`multiprocessing.` without importing it. demos/mp_start.py starts every child it creates and "
                  "takes the method as a parameter (get_context(method)), never set_start_method, which may be "
                  "called once per program.",
          headline=Headline("mp.start.method_count", "count (start methods)",
                            "how many start methods multiprocessing.get_all_start_methods() lists: 3 = spawn, fork "
                            "and forkserver")),
    Claim("mp.default-method", "mp", _SECTION, "fork is the default on Unix (spawn on Windows and macOS).",
          "Unix의 기본 값이다", (Check("mp.start.default_is_fork", "equals(1)"),), note_figure="fork",
          context=("mp.start.latency_s.fork", "mp.start.latency_s.spawn", "mp.start.latency_s.forkserver"),
          departs="Judged on this platform only. Not a verdict change, but worth knowing: from 3.12 os.fork() "
                  "warns (DeprecationWarning, gh-100228) when the process has other threads.",
          changes=(_FORKSERVER_DEFAULT,),
          headline=Headline("mp.start.default_is_fork", "flag (1 = yes, 0 = no)",
                            "1 = fork is this platform's default start method; 0 = another one is")),
    Claim("mp.spawn-slower", "mp", _SECTION, "spawn is slower than fork and forkserver.",
          "fork나 forkserver에 비해 느리다",
          (Check("mp.start.spawn_over_fork", "above(1.0)"), Check("mp.start.spawn_over_forkserver", "above(1.0)")),
          context=("mp.start.forkserver_over_fork",),
          departs="Start latency is Process.start() to the child's first instruction (a monotonic clock shared "
                  "by all processes), timed with pyperf; the join after it is not timed.",
          headline=Headline("mp.start.spawn_over_fork", "x (ratio)",
                            "start latency (Process.start() to the child's first instruction) of spawn over fork: 1 "
                            "= as fast, above 1 = spawn is slower")),
    Claim("mp.spawn-no-inherit", "mp", _SECTION,
          "spawn and forkserver do not inherit unneeded file descriptors; fork inherits everything.",
          "불필요한 file descriptor와 handle은 상속받지 않는다",
          (Check("mp.start.fd_inherited.spawn", "equals(0)"), Check("mp.start.fd_inherited.forkserver", "equals(0)"),
           Check("mp.start.fd_inherited.fork", "equals(1)")),
          departs="The parent opens a file and passes only its fd number; the child checks that the number "
                  "is open and is the same file (device and inode).",
          headline=Headline("mp.start.fd_inherited.spawn", "flag (1 = yes, 0 = no)",
                            "1 = a spawned child has the parent's open file descriptor; 0 = not inherited, as the "
                            "note says")),
    Claim("mp.queue-safe", "mp", _SECTION, "Queue is thread- and process-safe.",
          "thread, process safe하다", (Check("mp.ipc.queue_not_once", "equals(0)"),),
          context=("mp.ipc.queue_messages", "mp.ipc.queue_lost", "mp.ipc.queue_duplicated"),
          departs="Three producer processes with two threads each, and two threads of the parent, put tagged "
                  "messages on one Queue; every message must arrive exactly once. Judged as a fact of one run "
                  "(messages lost or duplicated: 0), not as a rate: the messages of one run are not "
                  "independent trials.",
          headline=Headline("mp.ipc.queue_not_once", "count (messages)",
                            "messages from several processes and threads that did not arrive exactly once (lost or "
                            "duplicated): 0 = every one arrived once")),
    Claim("mp.pipe", "mp", _SECTION, "Pipe() returns two connections with send()/recv().",
          "send()와 recv() 메서드", (Check("mp.ipc.pipe_roundtrip_ok", "equals(1)"),),
          context=tuple("mp.ipc.queue_over_pipe.%d" % s for s in _SIZES),
          departs="The note's [42, None, 'hello'] goes to an echo child and back; round trips of 16 B, 16 KiB "
                  "and 1 MiB over a Pipe and over a Queue are timed with pyperf (shown, not judged).",
          headline=Headline("mp.ipc.pipe_roundtrip_ok", "flag (1 = yes, 0 = no)",
                            "1 = the note's [42, None, 'hello'] went through a Pipe() to a child and came back "
                            "equal; 0 = it did not")),
    Claim("mp.lock-serializes", "mp", _SECTION, "A Lock lets one process at a time into the critical section.",
          "한 번에 하나의 proecess에서만", (Check("mp.sync.lock.overlapping", "equals(0)"),),
          # A control that overlaps in over half its sections, so that none under the lock says something.
          given=(Check("mp.sync.lock.unlocked_overlap_share", "above(0.5)"),),
          context=("mp.sync.lock.sections", "mp.sync.lock.unlocked_overlapping"),
          departs="Instead of print(), each process records when it entered and left a 2 ms critical section; "
                  "the same runs without the lock must overlap (the control), so that no overlap means "
                  "something. Judged as a fact of one run (overlapping sections: 0, against some without the "
                  "lock), not as a rate: the sections of the same few processes are not independent trials. "
                  "The note's Lock snippet never joins its ten processes; ours are joined.",
          headline=Headline("mp.sync.lock.overlapping", "count (critical sections)",
                            "critical sections under a Lock that overlapped another process's, in one run (of "
                            "mp.sync.lock.sections): 0 = one process at a time")),
    Claim("mp.shared-value-array", "mp", _SECTION, "Value('d') and Array('i') are shared: the child's changes are seen.",
          "shared memory map", (Check("mp.shared.value_array_example_ok", "equals(1)"),),
          note_figure="3.1415927, negated list",
          headline=Headline("mp.shared.value_array_example_ok", "flag (1 = yes, 0 = no)",
                            "1 = the parent saw the child's changes to the Value and the Array (the note's example); "
                            "0 = it did not")),
    Claim("mp.manager", "mp", _SECTION, "A Manager's server process holds objects that others change through proxies.",
          "proxy를 사용하여", (Check("mp.shared.manager_example_ok", "equals(1)"),),
          context=("mp.shared.proxy_over_value",),
          departs="The note's dict/list example plus a Namespace attribute; the cost of a proxy increment vs a "
                  "shared Value's (under its lock) is timed with pyperf.",
          headline=Headline("mp.shared.manager_example_ok", "flag (1 = yes, 0 = no)",
                            "1 = the changes a child made through a Manager's proxies were seen by the parent; 0 = "
                            "they were not")),
    Claim("mp.pool-apply-async", "mp", _SECTION,
          "apply_async(f, (20,)).get(timeout=1) gives 400; a 10 s task times out and the pool stays usable; "
          "leaving the with-block terminates unfinished tasks.",
          "with block을 벗어나면 pool이 정지된다",
          (Check("mp.pool.apply_async_value", "equals(400)"), Check("mp.pool.apply_async_timeout_raised", "equals(1)"),
           Check("mp.pool.usable_after_timeout", "equals(1)"), Check("mp.pool.with_exit_terminated_task", "equals(1)")),
          context=("mp.pool.with_exit_s",), note_figure="400",
          departs="The 10 s task leaves traces (its pid at start, a file at its end): after the with-block its "
                  "worker is gone at once and the file never appears. The real wait is the note's 1 s timeout.",
          headline=Headline("mp.pool.apply_async_value", "returned value",
                            "what apply_async(f, (20,)).get(timeout=1) returned: 400 = the note's (20 squared)")),
    Claim("mp.map-materializes", "mp", _SECTION, "map returns a full list, so memory grows with the input; prefer imap.",
          "memory에 부담", (Check("mp.pool.map_over_imap_peak.list", "above(1.0)"),
                           Check("mp.pool.map_over_imap_peak.generator", "above(1.0)")),
          departs="The parent's peak traced memory (tracemalloc) while 4 workers square 60,000 numbers, map "
                  "against imap at the same chunksize (500), the input a list (built before measuring) or a "
                  "generator; imap's results are consumed one by one.",
          headline=Headline("mp.pool.map_over_imap_peak.list", "x (ratio)",
                            "the parent's peak traced memory with map over imap on the same list: 1 = the same, "
                            "above 1 = map holds more")),
    Claim("mp.map-async-callbacks", "mp", _SECTION,
          "map_async calls callback with the results and error_callback with the exception.",
          "error_callback", (Check("mp.pool.map_async_error_is_zerodivision", "equals(1)"),
                             Check("mp.pool.map_async_callback_ok", "equals(1)")),
          departs="The note's example runs at module level under `with Pool(...)` without a __main__ guard, "
                  "which fails under spawn and forkserver; ours is in a function.",
          headline=Headline("mp.pool.map_async_error_is_zerodivision", "flag (1 = yes, 0 = no)",
                            "1 = map_async's error_callback got the ZeroDivisionError of x // x at 0; 0 = it did not")),
    Claim("mp.imap-chunksize", "mp", _SECTION, "imap's default chunksize is 1; a larger one greatly speeds it up.",
          "처리 속도를 크게 높일 수 있다",
          (Check("mp.pool.imap.speedup_chunksize100", "above(2.0)"),),
          context=("mp.pool.imap.speedup_chunksize10", "mp.pool.imap.speedup_chunksize1000"),
          departs="Pool(4).imap over 2,000 numbers; 'greatly' is read as more than x2.",
          headline=Headline("mp.pool.imap.speedup_chunksize100", "x (speedup)",
                            "time of Pool(4).imap with chunksize 1 over chunksize 100: 1 = no gain, above 2 = "
                            "greatly faster")),
    Claim("mp.imap-unordered", "mp", _SECTION, "imap_unordered may return results out of order; one process keeps order.",
          "순서가 보장되지 않는다",
          (Check("mp.pool.unordered.procs4", "sometimes(%s)" % _RUN_RATE), Check("mp.pool.unordered.procs1", "never(%s)" % _RUN_RATE)),
          departs="The note's imap_unordered(f, range(10)), run 100 times on one pool of 4 and one of 1; "
                  "a run counts when its order differs from the input's.",
          headline=Headline("mp.pool.unordered.procs4", "share of runs",
                            "the share of runs of imap_unordered on a pool of 4 whose results came back out of "
                            "order: 0 = the order was kept, above 0 = not guaranteed (k of n runs, 95% interval)")),
    Claim("mp.daemon-killed", "mp", _SECTION, "A daemon process ends when the main process ends.",
          "main process가 종료되면 함께 종료된다", (Check("mp.life.daemon_side_effect_lost", "equals(1)"),),
          context=("mp.life.daemon.parent_exit_wait_s",),
          departs="A real parent process (demos/_mp_parent.py) starts a daemonic child that would write a file "
                  "after 0.5 s, and exits; the file never appears. The note's 10 s sleep is 0.5 s.",
          headline=Headline("mp.life.daemon_side_effect_lost", "flag (1 = yes, 0 = no)",
                            "1 = a daemonic child's pending write never happened after the parent exited (it ended "
                            "with the parent); 0 = it ran on")),
    Claim("mp.join-waits", "mp", _SECTION, "join() makes the parent wait for the child.",
          "부모 process가 기다리게 한다",
          # Shown where the control (no join()) puts the parent's line first in the same run: the two
          # counts compared by a one-sided Fisher exact test; one misordered run with join() contradicts it.
          (Check("mp.life.join.misordered", "removed(%s)" % _RUN_RATE, versus="mp.life.join.no_join_misordered"),),
          context=("mp.life.join.no_join_misordered",),
          departs="The child writes its line after 50 ms, the parent right after join(); without join() the "
                  "parent's line must come first (the control), and join() is judged against it.",
          headline=Headline("mp.life.join.misordered", "share of runs",
                            "the share of runs in which the parent's line came before the child's despite join(): 0 "
                            "= join() always waited (k of n runs, 95% interval)")),
    Claim("mp.zombie", "mp", _SECTION, "A child that ended without join() stays a zombie while the parent runs.",
          "zombie process가 된다", (Check("mp.life.zombie_seen", "equals(1)"),), note_figure="Z state",
          context=("mp.life.zombie_reaped_by.join", "mp.life.zombie_reaped_by.active_children", "mp.life.zombie_reaped_by.start",
                   "mp.life.zombie_seen.fork", "mp.life.zombie_seen.spawn", "mp.life.zombie_seen.forkserver"),
          departs="The child's state is read from /proc/<pid>/stat under the default start method; shown beside "
                  "it: each method, and whether join(), active_children() or starting another Process reaps it. "
                  "Under forkserver the server is the child's parent and reaps it at once: no zombie.",
          changes=(_FORKSERVER_DEFAULT,),
          headline=Headline("mp.life.zombie_seen", "flag (1 = yes, 0 = no)",
                            "1 = a child that ended without join() was seen in state Z (<defunct>) while the parent "
                            "ran; 0 = it was not")),
    Claim("mp.implicit-join", "mp", _SECTION, "A non-daemonic child is joined implicitly at exit; a daemonic one is not.",
          "암묵적으로 join() 메서드가 호출된다",
          (Check("mp.life.implicit_join", "equals(1)"), Check("mp.life.daemon_side_effect_lost", "equals(1)")),
          context=("mp.life.non_daemon.parent_exit_wait_s", "mp.life.daemon.parent_exit_wait_s"),
          departs="Observed through a real parent process that exits: with a non-daemonic child it ends only "
                  "after the child's 0.5 s work, whose file exists when it has exited.",
          headline=Headline("mp.life.implicit_join", "flag (1 = yes, 0 = no)",
                            "1 = the parent's exit waited for its non-daemonic child's work (an implicit join); 0 = "
                            "it did not")),
    Claim("mp.event", "mp", _SECTION, "An Event starts unset; wait() blocks until set().",
          "기본적으로 False 상태로 시작한다",
          (Check("mp.sync.event_initially_set", "equals(0)"), Check("mp.sync.event.early_wakeups", "never(%s)" % _RUN_RATE)),
          note_figure="False at start", context=("mp.sync.event.wakeup_latency",),
          departs="The note's 5 s sleep is 20 ms; a child wait()s, the parent set()s, the child reports when it "
                  "woke (a clock shared by the processes).",
          headline=Headline("mp.sync.event_initially_set", "flag (1 = yes, 0 = no)",
                            "whether a new Event is set: 0 = unset at start, as the note says (False); 1 = set")),
    Claim("mp.lock-blocks", "mp", _SECTION, "acquire() blocks the other processes until release().",
          "release()를 실행할 때 까지 block된다", (Check("mp.sync.lock.entered_while_held", "equals(0)"),),
          # The control: the same processes without the lock get in at once while another is inside.
          given=(Check("mp.sync.lock.contended", "above(0)"),
                 Check("mp.sync.lock.unlocked_entered_while_held", "above(0)")),
          context=("mp.sync.lock.contended", "mp.sync.lock.unlocked_contended", "mp.sync.lock.wait"),
          departs="Of the entries asked for while another process held the lock, none got in before its "
                  "release, while without the lock some got in at once (the control); their waits are shown. "
                  "It reads the sections of mp.lock-serializes from the waiting side (an early entry is an "
                  "overlap), so the two rows are one measurement. Judged as a fact of one run (entries that got in early: 0, "
                  "of some contended ones), not as a rate: the entries of the same few processes are not "
                  "independent trials.",
          headline=Headline("mp.sync.lock.entered_while_held", "count (contended entries)",
                            "entries asked for while another process held the Lock that got in before its "
                            "release, in one run (of mp.sync.lock.contended): 0 = acquire() blocked every time")),
    Claim("mp.processes-not-threads", "mp", _SECTION,
          "Because of the GIL, CPU-bound Python is parallelised with processes, not threads.",
          "multi-thread 방식 보다는 multi-processing 방식으로 병렬 처리를 해야한다",
          # The parallel gate of every claim about parallel speed (applies="multicore parallel": n/a where
          # 2 processes on the countdown, in the same run, lie wholly below x1.5), then the usual checks.
          (Check("mp.workers.threads2", "below(1.5)", machine_bound=True), Check("mp.workers.processes_over_threads2", "above(1.0)")),
          applies="multicore parallel",
          context=("mp.workers.threads4", "mp.workers.processes4", "mp.workers.words.threads2",
                   "mp.workers.words.processes2") + tuple("mp.ft.%s.scaling" % p for p in _PATTERNS),
          departs="The countdown split over a thread pool and a process pool (speedup over 1 worker of the same "
                  "kind), full work in every mode; as every claim about parallel speed, n/a where 2 processes on the "
                  "countdown in the same run lie wholly below x1.5 (their 95% interval). Shown beside it: a word "
                  "count, and the access patterns of CPython's Tools/ftscalingbench, time(2 threads, each doing "
                  "the full work) / time(1 thread): about 1 scales, about 2 is serialised.",
          changes=(FREE_THREADING,),
          headline=Headline("mp.workers.processes_over_threads2", "x (ratio)",
                            "time of the countdown on a pool of 2 threads over a pool of 2 processes: 1 = no "
                            "difference, above 1 = processes are faster")),
)


_START = grid("mp_start", {"method": ("fork", "spawn", "forkserver")})
_IPC = grid("mp_ipc", {"channel": ("pipe", "queue"), "size": _SIZES}, bare=("channel",))
_SHARED = grid("mp_shared", {"state": ("value", "manager-proxy")}, bare=("state",))
_IMAP = grid("mp_imap", {"chunksize": (1, 10, 100, 1000)})
# The countdown and a word count over a thread pool and a process pool of 1, 2, 4 workers.
_WORKERS = grid("mp_workers", *({"task": (task,), kind: (1, 2, 4)}
                                for task in ("countdown", "words") for kind in ("threads", "processes")),
                bare=("task",))
_FT = grid("ft", {"pattern": _PATTERNS, "threads": (1, 2)}, bare=("pattern",))


def _imap(c):
    return _IMAP.benchmark(chunksize=c)


def _workers(task, kind, k):
    return _WORKERS.benchmark(task, **{kind: k})


# The keys each workload's observe() returns (on any interpreter: some only on some builds);
# bench.ledger.producer() finds a metric's workload among them and the derived metrics.
_OBSERVED_MP_START = (
    "mp.start.default_is_fork", "mp.start.default_method", "mp.start.fd_inherited.fork",
    "mp.start.fd_inherited.forkserver", "mp.start.fd_inherited.spawn", "mp.start.latency_s.fork",
    "mp.start.latency_s.forkserver", "mp.start.latency_s.spawn", "mp.start.method_count", "mp.start.methods",
)
_OBSERVED_MP_IPC = (
    "mp.ipc.method", "mp.ipc.pipe_roundtrip_ok", "mp.ipc.pipe_roundtrip_s.1048576",
    "mp.ipc.pipe_roundtrip_s.16", "mp.ipc.pipe_roundtrip_s.16384", "mp.ipc.queue_duplicated",
    "mp.ipc.queue_lost", "mp.ipc.queue_messages", "mp.ipc.queue_not_once", "mp.ipc.queue_roundtrip_ok",
    "mp.ipc.queue_roundtrip_s.1048576", "mp.ipc.queue_roundtrip_s.16", "mp.ipc.queue_roundtrip_s.16384",
)
_OBSERVED_MP_SHARED = (
    "mp.shared.manager_example_ok", "mp.shared.method", "mp.shared.proxy_op_s",
    "mp.shared.value_array_example_ok", "mp.shared.value_op_s",
)
_OBSERVED_MP_POOL = (
    "mp.pool.apply_async_timeout_raised", "mp.pool.apply_async_value", "mp.pool.apply_async_waited_s",
    "mp.pool.apply_value", "mp.pool.map_async_callback_ok", "mp.pool.map_async_error_is_zerodivision",
    "mp.pool.map_over_imap_peak_pairs.generator", "mp.pool.map_over_imap_peak_pairs.list", "mp.pool.method",
    "mp.pool.unordered_1proc.out_of_order", "mp.pool.unordered_1proc.trials",
    "mp.pool.unordered_4procs.out_of_order", "mp.pool.unordered_4procs.trials", "mp.pool.usable_after_timeout",
    "mp.pool.with_exit_s", "mp.pool.with_exit_terminated_task",
)
_OBSERVED_MP_LIFECYCLE = (
    "mp.life.daemon.parent_exit_wait_s", "mp.life.daemon_side_effect_lost", "mp.life.implicit_join",
    "mp.life.join.misordered", "mp.life.join.no_join_misordered", "mp.life.join.trials", "mp.life.method",
    "mp.life.non_daemon.parent_exit_wait_s", "mp.life.proc_available",
    "mp.life.zombie_reaped_by.active_children", "mp.life.zombie_reaped_by.join",
    "mp.life.zombie_reaped_by.start", "mp.life.zombie_seen", "mp.life.zombie_seen.fork",
    "mp.life.zombie_seen.forkserver", "mp.life.zombie_seen.spawn",
)
_OBSERVED_MP_SYNC = (
    "mp.sync.event.not_blocked", "mp.sync.event.trials", "mp.sync.event.wakeup_latency_s", "mp.sync.event.woke",
    "mp.sync.event_initially_set", "mp.sync.lock.contended", "mp.sync.lock.entered_while_held",
    "mp.sync.lock.overlapping", "mp.sync.lock.sections", "mp.sync.lock.unlocked_overlapping",
    "mp.sync.lock.unlocked_contended", "mp.sync.lock.unlocked_entered_while_held",
    "mp.sync.lock.wait_s", "mp.sync.method",
)

WORKLOADS = (
    Workload("mp_start", "mp", "mp.start.", demo="demos.mp_start", script="bm_mp_start.py",
             observes=_OBSERVED_MP_START,
             derived=(("mp.start.spawn_over_fork", ratio(_START.benchmark(method="spawn"), _START.benchmark(method="fork"))),
                      ("mp.start.spawn_over_forkserver",
                       ratio(_START.benchmark(method="spawn"), _START.benchmark(method="forkserver"))),
                      ("mp.start.forkserver_over_fork",
                       ratio(_START.benchmark(method="forkserver"), _START.benchmark(method="fork")))),
             # isolated: a fork's cost grows with the parent, and spawn's child imports what it imported.
             grid=_START, start_method=True, isolated=True),
    Workload("mp_ipc", "mp", "mp.ipc.", observes=_OBSERVED_MP_IPC, demo="demos.mp_ipc", script="bm_mp_ipc.py",
             derived=tuple(
                 ("mp.ipc.queue_over_pipe.%d" % s, ratio(_IPC.benchmark("queue", size=s), _IPC.benchmark("pipe", size=s)))
                 for s in _SIZES),
             grid=_IPC, start_method=True),
    Workload("mp_shared", "mp", "mp.shared.", demo="demos.mp_shared", script="bm_mp_shared.py",
             observes=_OBSERVED_MP_SHARED,
             derived=(("mp.shared.proxy_over_value", ratio(_SHARED.benchmark("manager-proxy"), _SHARED.benchmark("value"))),),
             grid=_SHARED, start_method=True),
    Workload("mp_pool", "mp", "mp.pool.", observes=_OBSERVED_MP_POOL, demo="demos.mp_pool", script="bm_mp_imap.py",
             derived=(("mp.pool.map_over_imap_peak.list", samples("mp.pool.map_over_imap_peak_pairs.list")),
                      ("mp.pool.map_over_imap_peak.generator", samples("mp.pool.map_over_imap_peak_pairs.generator")),
                      ("mp.pool.unordered.procs4", count("mp.pool.unordered_4procs.out_of_order", "mp.pool.unordered_4procs.trials")),
                      ("mp.pool.unordered.procs1", count("mp.pool.unordered_1proc.out_of_order", "mp.pool.unordered_1proc.trials")))
             + tuple(("mp.pool.imap.speedup_chunksize%d" % c, ratio(_imap(1), _imap(c))) for c in (10, 100, 1000)),
             grid=_IMAP, start_method=True),
    Workload("mp_lifecycle", "mp", "mp.life.", observes=_OBSERVED_MP_LIFECYCLE, demo="demos.zombie",
             # 0 of 73 bounds a rate below 5% (two-sided 95% Clopper-Pearson; 59 at one-sided 95%), in
             # every mode: a join trial (with its control) cost 0.16 s on the 2-CPU VM, so 73 add about 12 s to a column.
             params={"fast": {"join_trials": 73}, "default": {"join_trials": 80}, "rigorous": {"join_trials": 150}},
             derived=(("mp.life.join.misordered", count("mp.life.join.misordered", "mp.life.join.trials")),
                      ("mp.life.join.no_join_misordered", count("mp.life.join.no_join_misordered", "mp.life.join.trials")))),
    Workload("mp_sync", "mp", "mp.sync.", observes=_OBSERVED_MP_SYNC, demo="demos.mp_sync",
             # Event trials as the join's: 73 decide never(0.05) in fast mode too (0.02 s each on the 2-CPU VM: 1.6 s).
             params={"fast": {"event_trials": 73}, "default": {"event_trials": 80},
                     "rigorous": {"event_trials": 150, "sections": 50}},
             # The lock's counts are judged as they are (facts of one run), not as rates; the control's
             # share only gates them (a control that overlaps in over half its sections).
             derived=(("mp.sync.lock.wait", sample_mean("mp.sync.lock.wait_s")),
                      ("mp.sync.lock.unlocked_overlap_share",
                       count("mp.sync.lock.unlocked_overlapping", "mp.sync.lock.sections")),
                      ("mp.sync.event.early_wakeups", count("mp.sync.event.not_blocked", "mp.sync.event.trials")),
                      ("mp.sync.event.wakeup_latency", sample_mean("mp.sync.event.wakeup_latency_s")))),
    Workload("mp_workers", "mp", "mp.workers.", script="bm_mp_workers.py",
             # Fast mode: the countdown only (the word count is context), at full work: at a quarter
             # (0.05 s a call) process start-up filled the interval and 6 of 9 cells stayed undecided.
             script_args={"fast": ("--tasks", "countdown")},
             derived=tuple(("mp.workers.%s%d" % (kind, k), ratio(_workers("countdown", kind, 1), _workers("countdown", kind, k)))
                           for kind in ("threads", "processes") for k in (2, 4))
             + tuple(("mp.workers.words.%s%d" % (kind, k), ratio(_workers("words", kind, 1), _workers("words", kind, k)))
                     for kind in ("threads", "processes") for k in (2, 4))
             + (("mp.workers.processes_over_threads2",
                 ratio(_workers("countdown", "threads", 2), _workers("countdown", "processes", 2))),),
             grid=_WORKERS, start_method=True,
             options=(Option("--work-scale", "float", 1.0,
                             "scale of the work per call (default 1: countdown(4,000,000), 4,000 lines)"),
                      Option("--tasks", "str", "countdown,words",
                             "comma-separated tasks to time (default: countdown,words)"))),
    Workload("ft_patterns", "mp", "mp.ft.", script="bm_ftscaling.py",
             derived=tuple(("mp.ft.%s.scaling" % p, ratio(_FT.benchmark(p, threads=2), _FT.benchmark(p, threads=1)))
                           for p in _PATTERNS),
             grid=_FT),
)

# What physics allows the pools' speedups (bench.ledger.bounds): both tasks are pure Python, so a
# pool of threads runs one at a time under the GIL.
PHYSICAL = tuple(
    speedup_bound("mp.workers.%s%s%d" % (task, kind, k), k, "gil-on" if kind == "threads" else "",
                  "%s%s" % (task.replace(".", " ") if task else "countdown ", kind))
    for task in ("", "words.") for kind in ("threads", "processes") for k in (2, 4))
