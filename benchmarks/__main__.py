"""Run the benchmark: ``python -m benchmarks [--quick] [--json PATH]``, or the load test: ``python -m benchmarks load …``."""

import sys

if sys.argv[1:2] == ["load"]:
    from benchmarks.load import main

    raise SystemExit(main(sys.argv[2:]))

from benchmarks.run import main

raise SystemExit(main())
