"""Telling a caller how far an export has got: a progress bar in the CLI, a message in chat."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int], None]  # (steps done, steps in all)


class Steps:
    """Counts steps as they are done and tells `progress` every so often and at the end.

    Rows are counted one by one, but reported in batches: a bar redrawn 250,000 times would
    cost more than the export.
    """

    def __init__(self, progress: Progress | None, total: int, every: int = 1) -> None:
        self.progress = progress
        self.total = max(total, 1)
        self.every = every
        self.done = 0
        self._told = 0

    def advance(self, steps: int = 1) -> None:
        self.done = min(self.done + steps, self.total)
        if self.progress is not None and self.done - self._told >= self.every:
            self._tell()

    def finish(self) -> None:
        self.done = self.total
        if self.progress is not None and self._told < self.total:
            self._tell()

    def _tell(self) -> None:
        assert self.progress is not None
        self._told = self.done
        self.progress(self.done, self.total)
