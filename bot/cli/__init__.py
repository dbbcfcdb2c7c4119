"""The `cornerstones` command, a module for each group of its subcommands."""

from bot.cli import exports, privacy, running, setup
from bot.cli.common import main

__all__ = ["main"]
# Imported for the commands they add to `main`.
_COMMANDS = (exports, privacy, running, setup)
