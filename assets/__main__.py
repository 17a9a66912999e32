"""`python -m assets`: materialize every asset once (what `make run` does) and print what was written."""

from __future__ import annotations

import sys

from assets.run_all import main

if __name__ == "__main__":  # worker processes re-import this module; they must not run it again
    sys.exit(main())
