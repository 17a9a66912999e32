"""`python -m pipeline`: the command line (see `pipeline.cli`)."""

import sys

from pipeline.cli import main

if __name__ == "__main__":  # worker processes re-import this module; they must not run the CLI
    sys.exit(main())
