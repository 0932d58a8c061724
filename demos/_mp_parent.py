"""A real parent process for the lifecycle demo: starts one child and exits without join().

Run as ``python -m demos._mp_parent METHOD daemon|non-daemon DELAY_S MARKER``; prints the child's
pid and the moment it reaches the end of its main code.  The child sleeps DELAY_S, then writes
MARKER: whether the marker exists, and when the parent process really ended, show what
multiprocessing does with a daemonic and a non-daemonic child at exit.
"""
import multiprocessing
import sys
import time


def sleep_then_mark(delay_s, marker):
    time.sleep(delay_s)
    with open(marker, "w") as f:
        f.write("the child finished")


def main(argv):
    method, kind, delay_s, marker = argv
    ctx = multiprocessing.get_context(None if method == "default" else method)
    child = ctx.Process(target=sleep_then_mark, args=(float(delay_s), marker))
    child.daemon = kind == "daemon"
    child.start()
    # No join(): multiprocessing's exit handler decides what happens to the child.
    print("child %d" % child.pid, flush=True)
    print("main-end %r" % time.perf_counter(), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
