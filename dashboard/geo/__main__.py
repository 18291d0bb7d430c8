"""``python -m dashboard.geo build``: the basemap build's command line (:func:`dashboard.geo.build.main`)."""

import sys

from dashboard.geo.build import main

sys.exit(main())
