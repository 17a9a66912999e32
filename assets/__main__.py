"""`python -m assets`: materialize every asset once (what `make run` does) and print what was written."""

from __future__ import annotations

import sys

from assets.run_all import main

sys.exit(main())
