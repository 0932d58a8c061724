"""pyperf: work that releases the GIL (sha256, zlib) vs pure Python, a fixed total on 1, 2, 4 threads."""
from bench.harness.pyperf_script import bench_all, make_runner
from demos import gil_release


def _pass_scale(cmd, args):
    # Workers are fresh processes: they only see --release-scale if it is forwarded.
    cmd.extend(("--release-scale", repr(args.release_scale)))


def main():
    runner = make_runner(add_cmdline_args=_pass_scale)
    runner.argparser.add_argument("--release-scale", type=float, default=1.0,
                                  help="multiply the fixed total work (default 1: ~0.2 s per run "
                                       "on one thread, CPython 3.11)")
    args = runner.parse_args()
    runner.metadata["release_scale"] = args.release_scale
    gil_release.prepare()  # builds the input buffers once per worker, outside the timed loops
    bench_all(runner, [("gil_release[work=%s,threads=%d]" % (work, k), gil_release.run_work, work, k,
                        args.release_scale) for work in gil_release.WORKS for k in (1, 2, 4)])

if __name__ == "__main__":
    main()
