"""pyperf: work that releases the GIL (sha256, zlib) vs pure Python, a fixed total on 1, 2, 4 threads
(the gil_release workload's grid)."""
from bench.harness.pyperf_script import bench_interleaved, grid, make_runner
from demos import gil_release


def main():
    runner = make_runner("gil_release")
    args = runner.parse_args()
    runner.metadata["release_scale"] = args.release_scale
    gil_release.prepare()  # builds the input buffers once per worker, outside the timed loops
    benchmarks = grid("gil_release")
    bench_interleaved(runner, [(benchmarks.name(p), gil_release.run_work, p["work"], p["threads"], args.release_scale)
                       for p in benchmarks.points()])

if __name__ == "__main__":
    main()
