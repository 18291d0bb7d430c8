"""``python -m dashboard``: the command line (dashboard/cli/)."""
import sys
from dashboard.cli import main, run  # noqa: F401 - main is what the tests call
if __name__ == "__main__":
    sys.exit(run())
