"""``gilbench publish RUN_DIR``: a matrix run rendered into the committed results folder (docs/results/)."""
import os

from bench.progress import fail, progress, usage


def _publish(args):
    from bench.judge.load import ResultsError
    from bench.publish import folder

    if not os.path.isdir(args.results):  # a path that names nothing: the command line, not the work
        return usage("results folder %s does not exist" % args.results)
    try:
        skipped = folder.publish(args.results, args.to, None if args.no_readme else args.readme)
    except (ResultsError, OSError) as exc:
        return fail(exc)
    for line in skipped:
        progress(line)
    progress("published %s into %s%s" % (args.results, args.to, "" if args.no_readme else
                                         " and its claim table into %s" % args.readme))
    return 0


def register(sub):
    p = sub.add_parser("publish", help="render a results folder into docs/results/ (every format, the raw files) "
                                       "and its claim table into the README")
    p.add_argument("results", metavar="DIR", help="a results folder (of gilbench matrix)")
    p.add_argument("--to", default="docs/results", metavar="DIR", help="the published folder, replaced whole "
                                                                        "(default: docs/results)")
    p.add_argument("--readme", default="README.md", help="the README whose claim table is replaced (default: README.md)")
    p.add_argument("--no-readme", action="store_true", help="leave the README alone")
    p.set_defaults(func=_publish)
