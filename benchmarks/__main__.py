"""Run the benchmark: ``python -m benchmarks [--quick] [--json PATH]``."""

from benchmarks.run import main

raise SystemExit(main())
