"""Where a partner's message meets the safeguarding lexicon: one tidy form, forgiving patterns.

Someone in distress does not spell carefully, and a young person may spell around a filter on
purpose ("k!ll", "su1c1de"). So a message is tidied (`tidy`) until case, apostrophes,
punctuation, emoji and fancy fonts no longer matter, and each lexicon pattern is rewritten
(`forgiving`) so that in the message
- any letter may be repeated: "diiie", "killlll", "pleeease";
- a double letter may be written once: "kil", "cuting" (a missing letter is another
  spelling, which the lexicon lists: "scard");
- a space between two letters may be left out: "killmyself", "selfharm".
The lexicon is written in plain spelling; the forgiveness is the same for every entry.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

# Phones type ’, some keyboards ‘ ʼ ` ´; "don't", "dont" and "don’t" are one word.
_APOSTROPHES = str.maketrans("", "", "'\u2019\u2018\u02bc`\u00b4")
# Look-alikes inside a word, spelled to slip past filters: "k!ll", "su1c1de", "s3lf h@rm".
# Only between two letters, so "5 kms", "help!" and "100%" keep their meaning.
_LOOKALIKE = re.compile(r"(?<=[^\W\d_])[!1|3@0$](?=[^\W\d_])")
_LOOKALIKES = {"!": "i", "1": "i", "|": "i", "3": "e", "@": "a", "0": "o", "$": "s"}
_NOT_A_WORD = re.compile(r"[\W_]+")

# In a pattern: what may follow a letter to quantify it, and the syntax kept as written.
_QUANTIFIER = re.compile(r"[?*+]|\{[\d,]")
_WORD_LIST = re.compile(r"\{([a-z_]+)\}")
_SYNTAX = frozenset("()|?*+{},.^$")
_GROUPS = ("(?:", "(?=", "(?!")
_LOOKBEHINDS = ("(?<=", "(?<!")


def tidy(text: str) -> str:
    """The form a message is checked in.

    "I’m SO scared 2 go home!!! 😭" → "im so scared 2 go home"; "𝘬!𝘭𝘭 𝘮𝘺𝘴𝘦𝘭𝘧" → "kill myself".
    """
    text = unicodedata.normalize("NFKC", text).casefold().translate(_APOSTROPHES)
    text = _LOOKALIKE.sub(lambda found: _LOOKALIKES[found.group()], text)
    return _NOT_A_WORD.sub(" ", text).strip()


def forgiving(pattern: str, words: Mapping[str, str] | None = None) -> str:
    """The pattern, rewritten to forgive repeated letters, single-for-double and missing spaces.

    "kill myself" becomes "kk*ii*ll* ?mm*yy*ss*ee*ll*ff*". `{name}` stands for `words[name]`,
    a regex made forgiving already. Escapes (`\\b`, `\\d`) and classes (`[a-z]`) are kept as
    written, and so is a lookbehind, which must keep a fixed width. Groups capture nothing.
    A `ValueError` says what a person should change.
    """
    out: list[str] = []
    run = ""  # the letter just written as "xx*": the rest of its run is covered already
    after_letter = False
    depth = 0  # open groups: an entry must close its own, or it would swallow its neighbours
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char.isalpha():
            if char != char.lower():
                raise ValueError(f"write {char!r} in lower case: messages are compared in it")
            if _QUANTIFIER.match(pattern, index + 1):
                out.append(char)  # "kill?", "die+": the writer has said how many already
                run = ""
            elif char != run:
                # "kk*", not "k+": a branch that opens on a plain letter is skipped at once by
                # the regex engine when the message has another letter there, which makes the
                # check several times faster.
                out.append(f"{char}{char}*")
                run = char
            after_letter = True
            index += 1
            continue
        if char == "(" and not pattern.startswith(_LOOKBEHINDS, index):
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise ValueError("a ) closes nothing")
        token, index = _syntax(pattern, index, words, after_letter)
        out.append(token)
        run, after_letter = "", False
    if depth:
        raise ValueError("a ( is never closed")
    return "".join(out)


def _syntax(
    pattern: str, index: int, words: Mapping[str, str] | None, after_letter: bool
) -> tuple[str, int]:
    """What to write for the non-letter at `index`, and where the next part starts."""
    char = pattern[index]
    if char == " ":
        # Optional only between two letters: "kill myself", never "( \w+)" or "(?! up)".
        between_letters = after_letter and pattern[index + 1 : index + 2].isalpha()
        return (" ?" if between_letters else " "), index + 1
    if named := _WORD_LIST.match(pattern, index):
        name = named.group(1)
        if words is None or name not in words:
            known = ", ".join(f"{{{word}}}" for word in words or {}) or "none"
            raise ValueError(f"no word list {{{name}}} above this entry; known: {known}")
        return words[name], named.end()
    if char == "\\":
        end = index + 2
    elif char == "[":
        end = _class_end(pattern, index)
    elif pattern.startswith(_LOOKBEHINDS, index):
        end = _group_end(pattern, index)
    elif pattern.startswith("(?", index):
        if not pattern.startswith(_GROUPS, index):
            raise ValueError("only (?:…), (?=…), (?!…), (?<=…) and (?<!…) groups are allowed")
        end = index + 3
    elif char == "(":
        return "(?:", index + 1  # nothing is captured but the category a match belongs to
    elif char.isdigit() or char == "_" or char in _SYNTAX:
        end = index + 1
    else:
        raise ValueError(
            f"{char!r} never reaches the check: punctuation becomes a space and apostrophes "
            "are dropped (write dont, im, self harm)"
        )
    return pattern[index:end], end


def _class_end(pattern: str, start: int) -> int:
    """The index just after the `]` closing the class that opens at `start`."""
    index = start + 1
    if pattern[index : index + 1] == "^":
        index += 1
    if pattern[index : index + 1] == "]":
        index += 1  # a `]` first in a class is a literal
    while index < len(pattern):
        if pattern[index] == "\\":
            index += 2
            continue
        if pattern[index] == "]":
            return index + 1
        index += 1
    raise ValueError("a [ is never closed")


def _group_end(pattern: str, start: int) -> int:
    """The index just after the `)` closing the group that opens at `start`."""
    depth = 0
    index = start
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if char == "[":
            index = _class_end(pattern, index)
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        index += 1
        if depth == 0:
            return index
    raise ValueError("a ( is never closed")
