"""``python -m dashboard``: the command line (dashboard/cli/)."""
import sys
from dashboard.cli import main, run  # noqa: F401 - main is what the tests call
from dashboard.cli.brief import _output  # noqa: F401 - issue 19: tests/test_brief.py imports it from here
if __name__ == "__main__":
    sys.exit(run())
