"""Everything in `content/`, loaded and checked once at start-up into typed, frozen objects.

A mistake in a content file stops the bot before it talks to anyone, with a `ContentError`
naming the file, the entry and what is wrong: better than a partner meeting it mid-journey.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.content.framework import load_framework, load_overlays
from bot.content.lexicon import Lexicon, load_lexicon, normalise
from bot.content.messages import Messages, load_messages
from bot.content.model import (
    Audience,
    Cornerstone,
    Framework,
    Indicator,
    Prompt,
    Rating,
    Statement,
)
from bot.content.prompts import fill, load_prompts
from bot.content.safeguarding import HelpLine, Safeguarding, SafeguardingMatch, load_safeguarding
from bot.content.source import ContentError

__all__ = [
    "Audience",
    "Content",
    "ContentError",
    "Cornerstone",
    "Framework",
    "HelpLine",
    "Indicator",
    "Lexicon",
    "Messages",
    "Prompt",
    "Rating",
    "Safeguarding",
    "SafeguardingMatch",
    "Statement",
    "default_content",
    "load_content",
    "normalise",
]

CONTENT_DIR_VARIABLE = "CORNERSTONES_CONTENT_DIR"
# bot/content/__init__.py → the repository's content/ folder.
DEFAULT_ROOT = Path(__file__).resolve().parents[2] / "content"


# eq=False: two loads are two contents; identity is what a cache or a test wants to compare.
@dataclass(frozen=True, eq=False)
class Content:
    framework: Framework
    messages: Messages
    lexicon: Lexicon
    safeguarding: Safeguarding
    prompts: Mapping[Audience, Mapping[str, Prompt]] = field(repr=False)
    overlays: Mapping[str, Framework] = field(repr=False)  # by organisation slug

    def prompt(self, audience: Audience, statement_id: str, setting: str) -> Prompt:
        """The audience's prompt for a statement, `{setting}` filled ("the school")."""
        return fill(self.prompts[Audience(audience)][statement_id], setting)

    def framework_for(self, organisation_slug: str | None) -> Framework:
        """The tool plus the organisation's own indicators, if it has an overlay file."""
        if organisation_slug is None:
            return self.framework
        return self.overlays.get(organisation_slug, self.framework)


def load_content(root: Path | None = None) -> Content:
    """Read and check every content file; `ContentError` says which one is wrong and how."""
    root = _resolve_root(root)
    if not root.is_dir():
        raise ContentError(f"{root}: no content folder here (set {CONTENT_DIR_VARIABLE}?)")
    framework = load_framework(root)
    return Content(
        framework=framework,
        messages=load_messages(root),
        lexicon=load_lexicon(root),
        safeguarding=load_safeguarding(root),
        prompts=load_prompts(root, framework),
        overlays=load_overlays(root, framework),
    )


@cache
def default_content() -> Content:
    """The content the bot runs with, read once per process."""
    return load_content()


def _resolve_root(root: Path | None) -> Path:
    if root is not None:
        return root
    configured = os.environ.get(CONTENT_DIR_VARIABLE, "").strip()
    return Path(configured).expanduser() if configured else DEFAULT_ROOT
