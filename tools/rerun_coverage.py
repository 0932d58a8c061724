"""Share of run B's dimensionless metrics inside run A's 95% interval (bench.publish.rerun.coverage).

    .venv/bin/python tools/rerun_coverage.py RESULTS_A RESULTS_B
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.publish import rerun  # noqa: E402


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for line in rerun.coverage([argv[0]], [argv[1]]).lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
