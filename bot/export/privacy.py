"""What keeps partners anonymous in an export: pseudonyms, and masking inside their own words.

Exports never read a partner's first name or `Contact`; what is left to guard is what partners
typed themselves, where people often leave a way to reach them ("ring me on 07700 900123").
"""

from __future__ import annotations

import re

from bot.state.retention import pseudonym

__all__ = ["mask", "mask_optional", "pseudonym"]

EMAIL_REMOVED = "[email removed]"
PHONE_REMOVED = "[phone removed]"
HANDLE_REMOVED = "[handle removed]"
NAME_REMOVED = "[name removed]"

_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+\s*(?:@|\(at\)|\[at\])\s*[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)
# 9 to 15 digits (UK numbers have 10 or 11, E.164 at most 15), optionally after + or 00, with
# spaces, dashes, dots or brackets between them: 07700 900123, +44 (0)20 7946-0958, 0161.496.0000.
# Fewer than 9 digits is left alone so dates, years and sums of money survive.
_PHONE = re.compile(r"(?<![\w+])\(?\+?\d(?:[ \t\-.()]{0,3}\d){8,14}(?![\w])")
# @name on Telegram, Instagram, X and the like; after e-mails are gone, so "a@b.com" is not one.
_HANDLE = re.compile(r"(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?")


def mask(text: str, own_name: str | None = None) -> str:
    """A partner's words with e-mail addresses, phone numbers and @handles taken out, and their
    own first name (as Telegram gave it) where they signed with it: "Bartholomew here again".

    The name is matched as a whole word, as written or in capitals, never in lower case: a
    partner called Will still "will" in their sentences.
    """
    text = _EMAIL.sub(EMAIL_REMOVED, text)
    text = _PHONE.sub(PHONE_REMOVED, text)
    text = _HANDLE.sub(HANDLE_REMOVED, text)
    name = (own_name or "").strip()
    if len(name) >= 2:
        spelt = "|".join(re.escape(form) for form in {name, name.upper(), name.capitalize()})
        text = re.sub(rf"(?<!\w)(?:{spelt})(?!\w)", NAME_REMOVED, text)
    return text


def mask_optional(text: str | None, own_name: str | None = None) -> str | None:
    return None if text is None else mask(text, own_name)
