"""`python -m bot`: the `cornerstones` command (see bot/cli/)."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
