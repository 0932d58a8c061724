"""pyperf: the access patterns of CPython's Tools/ftscalingbench on 1 and N threads, each thread doing the full work."""
from bench.harness.pyperf_script import bench_all, make_runner
from demos import ft_patterns


def _pass_threads(cmd, args):
    cmd.extend(("--ft-threads", str(args.ft_threads)))


def main():
    runner = make_runner(add_cmdline_args=_pass_threads)
    runner.argparser.add_argument("--ft-threads", type=int, default=2, help="N, the threads of the parallel run")
    args = runner.parse_args()
    runner.metadata["ft_threads"] = args.ft_threads
    bench_all(runner, [("ft[%s,threads=%d]" % (name, k), ft_patterns.run_pattern, name, k)
                       for name in ft_patterns.PATTERNS for k in (1, args.ft_threads)])


if __name__ == "__main__":
    main()
