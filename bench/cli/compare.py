"""``gilbench compare [BASE] [NEW]``: one run against another (default: the newest run under results/
against the published docs/results), claim by claim, and the timings through pyperf's compare_to."""
import json
import os
import subprocess
import sys

from bench.cli import runs
from bench.progress import fail, usage


def _folders(args):
    """(base, new) as given; NEW alone is compared with the published run; neither: the newest run."""
    given = list(args.runs)
    if len(given) > 2:
        raise ValueError("compare takes BASE and NEW (two folders), not %d" % len(given))
    if len(given) == 2:
        base, new = given
    else:
        base, new = runs.PUBLISHED, given[0] if given else runs.latest()
    return runs.resolve(base), runs.resolve(new), base, new


def _pyperf_compare(base_dir, new_dir, pair):
    """pyperf's own comparison of two columns' bench.json (its table of means and their
    significance), or the line that says why there is none."""
    a, b = (os.path.join(d, c, "bench.json") for d, c in ((base_dir, pair.base), (new_dir, pair.new)))
    missing = [path for path in (a, b) if not os.path.isfile(path)]
    if missing:
        return "no timings compared: %s not found (a run without pyperf workloads, or another layout)" % (
            " and ".join(missing))
    proc = subprocess.run([sys.executable, "-m", "pyperf", "compare_to", "--table", a, b],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, universal_newlines=True)
    if proc.returncode != 0:
        return "pyperf compare_to failed (exit %d): %s" % (proc.returncode, proc.stdout.strip()[-400:])
    return proc.stdout


def _compare(args):
    from bench.judge.load import ResultsError
    from bench.publish import compare, model, rerun

    try:
        base_dir, new_dir, base_name, new_name = _folders(args)
    except ValueError as exc:
        return usage(exc)
    if os.path.realpath(base_dir) == os.path.realpath(new_dir):
        return usage("BASE and NEW are the same folder (%s)" % base_dir)
    try:
        # Each run judged on its own: merging would refuse the same interpreter of the same host twice.
        base, new = model.build([base_dir]), model.build([new_dir])
    except ResultsError as exc:
        return fail(exc)
    timings = []
    if not args.no_timings:
        for pair in compare.pairs(base, new)[0]:
            text = _pyperf_compare(base_dir, new_dir, pair)
            if text is not None:
                timings.append((pair.label, text))
    # Do the base run's intervals hold the new run's values (bench.publish.rerun)?
    # Both ways round: which run's intervals are the narrower is chance (issue 17's reviews).
    held, held_back = rerun.both_ways([base_dir], [new_dir])
    if args.json:
        doc = compare.to_dict(base_name, new_name, base, new, timings)
        doc["rerun_coverage"] = {"inside": held.inside, "metrics": len(held.pairs), "share": held.share,
                                 "outside": [{"column": p.column, "metric": p.metric, "new": p.new, "base": p.base,
                                              "interval": list(p.interval)} for p in held.pairs if not p.inside],
                                 "reverse": {"inside": held_back.inside, "metrics": len(held_back.pairs),
                                             "share": held_back.share}}
        sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(compare.to_markdown(base_name, new_name, base, new, timings, show_all=args.all))
        sys.stdout.write("\n## Do the intervals of each run hold the other run's values?\n\n"
                         + "\n".join(held.lines()) + "\n")
        if held_back.pairs:
            sys.stdout.write("\nThe other way round: %d of %d dimensionless metrics (%.0f%%) of the base run lie "
                             "inside the new run's 95%% interval.\n"
                             % (held_back.inside, len(held_back.pairs), 100 * held_back.share))
    return 0


def register(sub):
    p = sub.add_parser("compare", help="one run against another, claim by claim (default: the newest run under "
                                       "results/ against the published docs/results)")
    p.add_argument("runs", metavar="RUN", nargs="*",
                   help="BASE NEW; NEW alone: against docs/results; none: the newest run under results/ against "
                        "docs/results (a published folder: its raw/)")
    p.add_argument("--all", action="store_true", help="also list the cells whose verdict did not change")
    p.add_argument("--no-timings", action="store_true", help="leave out pyperf's comparison of the timings")
    p.add_argument("--json", action="store_true", help="the comparison as JSON")
    p.set_defaults(func=_compare)
