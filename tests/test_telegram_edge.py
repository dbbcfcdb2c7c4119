"""Telegram stays at the edge: only bot/telegram/ and bot/app.py import `telegram`."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
ALLOWED = {BOT / "app.py", *(BOT / "telegram").rglob("*.py")}


def imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_nothing_else_imports_telegram() -> None:
    leaks = [
        str(path.relative_to(BOT.parent))
        for path in sorted(BOT.rglob("*.py"))
        if path not in ALLOWED and "telegram" in imported(ast.parse(path.read_text("utf-8")))
    ]
    assert not leaks, "import telegram only in bot/telegram/ and bot/app.py:\n" + "\n".join(leaks)
