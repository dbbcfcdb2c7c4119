"""The safeguarding check, on messages written the way young people and parents write them.

The tables are the lexicon's specification: every message in MUST_FLAG is caught (with the
category the lead will see) and nothing in MUST_NOT_FLAG is. The run prints the rates.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.content import (
    Audience,
    Content,
    ContentError,
    Safeguarding,
    SafeguardingMatch,
    load_content,
)
from bot.content.safeguarding import load_safeguarding
from bot.content.spelling import forgiving, tidy

CONTENT_DIR = Path(__file__).resolve().parents[1] / "content"
FILE = "safeguarding/en.yaml"

SUICIDE, SELF_HARM, SEXUAL = "suicide", "self_harm", "sexual_abuse"
ABUSE, HURT, NEGLECT, UNSAFE, EXPLOITED = "abuse", "hurt", "neglect", "unsafe", "exploitation"


@pytest.fixture
def safeguarding(content: Content) -> Safeguarding:
    """The real lexicon, as the bot loads it at start-up."""
    return content.safeguarding


def test_the_tables_are_big_enough() -> None:
    assert len(MUST_FLAG) >= 60 and len(MUST_NOT_FLAG) >= 40
    assert len({m for m, _ in MUST_FLAG}) == len(MUST_FLAG)
    assert len(set(MUST_NOT_FLAG)) == len(MUST_NOT_FLAG)


def test_hit_rates(safeguarding: Safeguarding, capsys: pytest.CaptureFixture[str]) -> None:
    """Prints the rates on every run (not only with -s); every trigger caught, no false alarm."""
    missed = [m for m, _ in MUST_FLAG if safeguarding.check(m) is None]
    alarms = [m for m in MUST_NOT_FLAG if safeguarding.check(m) is not None]
    caught = len(MUST_FLAG) - len(missed)
    with capsys.disabled():
        print(
            f"\nsafeguarding: {caught}/{len(MUST_FLAG)} triggers caught, "
            f"{len(alarms)}/{len(MUST_NOT_FLAG)} false alarms"
        )
    assert missed == [] and alarms == []


def test_each_is_flagged_with_the_category_the_lead_sees(safeguarding: Safeguarding) -> None:
    found = {message: safeguarding.check(message) for message, _ in MUST_FLAG}
    wrong = [
        (message, category, match.category, match.phrase)
        for message, category in MUST_FLAG
        if (match := found[message]) is not None and match.category != category
    ]
    assert wrong == []


def test_the_most_urgent_category_wins(safeguarding: Safeguarding) -> None:
    match = safeguarding.check("he hit me again and i want to die")
    assert match == SafeguardingMatch("suicide", "want to die")


def test_a_match_keeps_the_words_out_of_logs(safeguarding: Safeguarding) -> None:
    match = safeguarding.check("my dad hits me")
    assert match is not None and match.phrase == "my dad hits me"
    assert "hits" not in repr(match) and "hits" not in str(match)


def test_nothing_to_check(safeguarding: Safeguarding) -> None:
    for text in ["", "   ", "👍", "...", "0800 1111"]:
        assert safeguarding.check(text) is None


def test_fast_enough_for_every_message(safeguarding: Safeguarding) -> None:
    """Typical messages well under a millisecond each; the longest Telegram allows, quickly."""
    messages = [m for m, _ in MUST_FLAG] + MUST_NOT_FLAG
    started = time.perf_counter()
    for message in messages:
        safeguarding.check(message)
    per_message = (time.perf_counter() - started) / len(messages)
    longest = ("the staff have been brilliant and he loves it there " * 80)[:4096]
    started = time.perf_counter()
    safeguarding.check(longest)
    assert per_message < 0.005 and time.perf_counter() - started < 0.25


def test_national_lines_per_audience(safeguarding: Safeguarding) -> None:
    def numbers(audience: Audience | None) -> list[str]:
        return [line.number for line in safeguarding.help_for(audience)]

    assert numbers(Audience.YOUNG_PERSON) == ["0800 1111", "999"]
    assert numbers(Audience.PARENT_CARER) == ["116 123", "0808 800 5000", "999"]
    assert numbers(Audience.PRACTITIONER) == numbers(None) == ["116 123", "999"]
    assert safeguarding.help_for(Audience.YOUNG_PERSON)[0].name == "Childline"


# How a message is tidied and how a pattern forgives, which the lexicon's header promises.

TIDIED = [
    ("I’m SO scared 2 go home!!! 😭", "im so scared 2 go home"),
    ("don't  DON’T dont", "dont dont dont"),
    ("k!ll mys3lf", "kill myself"),
    ("su1c1de", "suicide"),
    ("we ran 5 kms, help!", "we ran 5 kms help"),
    ("self-harm", "self harm"),
    ("𝘬𝘪𝘭𝘭 𝘮𝘺𝘴𝘦𝘭𝘧", "kill myself"),
    ("👍🏽 ok_then", "ok then"),
]


@pytest.mark.parametrize(("text", "tidied"), TIDIED)
def test_tidy(text: str, tidied: str) -> None:
    assert tidy(text) == tidied


FORGIVEN = [
    ("kill myself", "kill myself", True),
    ("kill myself", "kil myself", True),
    ("kill myself", "kiiilllll myselfff", True),
    ("kill myself", "killmyself", True),
    ("kill myself", "skill myself", False),
    ("kill myself", "kill my self", False),
    ("of[f] myself", "off myself", True),
    ("of[f] myself", "of myself", False),
    ("no[o]se", "nose", False),
    ("no[o]se", "nooose", True),
    (r"(?<!\d )kms", "lol kms", True),
    (r"(?<!\d )kms", "5 kms", False),
    (r"hit me(?! up)", "hit me up", False),
    (r"he( \w+){0,2} hit me", "he just hit me", True),
]


@pytest.mark.parametrize(("pattern", "text", "matches"), FORGIVEN)
def test_forgiving(pattern: str, text: str, matches: bool) -> None:
    regex = rf"(?<!\w)(?:{forgiving(pattern)})(?!\w)"
    assert bool(re.search(regex, tidy(text))) is matches


def test_forgiving_rewrites_letters_only() -> None:
    assert forgiving("kill myself") == "kk*ii*ll* ?mm*yy*ss*ee*ll*ff*"
    assert forgiving(r"kill?( \w+){0,3}[a-z]\b") == r"kk*ii*ll*l?(?: \w+){0,3}[a-z]\b"
    assert forgiving("{me} too", {"me": "(?:mm*ee*)"}) == "(?:mm*ee*) tt*oo*"


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("I want", "write 'I' in lower case"),
        ("don't", '"\'" never reaches the check'),
        ("self-harm", "'-' never reaches the check"),
        ("(?P<x>die)", "only (?:…), (?=…), (?!…), (?<=…) and (?<!…) groups are allowed"),
        ("(kill|die", "a ( is never closed"),
        ("die)|(kill", "a ) closes nothing"),
        ("[a-z", "a [ is never closed"),
        ("{me} hits", "no word list {me} above this entry; known: none"),
    ],
)
def test_forgiving_refuses_what_could_never_match(pattern: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        forgiving(pattern)


# The loader, on a small lexicon of its own: each break names file, entry and problem.

SMALL = """\
words:
  someone: ['he|she|my (dad|mum)']
categories:
  suicide:
    phrases: ["kill myself"]
  abuse:
    patterns: ['{someone} hits me']
not:
  phrases: ["hit me up"]
help:
  default:
    - {name: "Samaritans", number: "116 123", when: "Any time."}
"""

Break = Callable[[str], str]


def swap(old: str, new: str) -> Break:
    def apply(text: str) -> str:
        assert old in text, f"the break found no {old!r}"
        return text.replace(old, new, 1)

    return apply


def write(tmp_path: Path, text: str) -> Path:
    root = tmp_path / "content"
    (root / "safeguarding").mkdir(parents=True)
    (root / FILE).write_text(text, encoding="utf-8")
    return root


def test_the_small_lexicon_loads(tmp_path: Path) -> None:
    lexicon = load_safeguarding(write(tmp_path, SMALL))
    assert lexicon.categories == ("suicide", "abuse")
    assert lexicon.check("My Dad hits me!!") == SafeguardingMatch("abuse", "my dad hits me")
    assert lexicon.check("hit me up") is None
    assert lexicon.help_for(Audience.YOUNG_PERSON)[0].number == "116 123"


BREAKS = [
    pytest.param(
        swap("'{someone} hits me'", r"'{someone} hits me', '(?<!\w+)kms'"),
        r"categories.abuse.patterns[1]: not a valid pattern (look-behind requires fixed-width"
        r" pattern): '(?<!\\w+)kms'",
        id="regex that does not compile",
    ),
    pytest.param(
        swap("'{someone} hits me'", "'(hits|slaps me'"),
        "categories.abuse.patterns[0]: a ( is never closed: '(hits|slaps me'",
        id="unclosed group",
    ),
    pytest.param(
        swap("'{someone} hits me'", "'{somebody} hits me'"),
        "categories.abuse.patterns[0]: no word list {somebody} above this entry; "
        "known: {someone}: '{somebody} hits me'",
        id="unknown word list",
    ),
    pytest.param(
        swap("'{someone} hits me'", "'He hits me'"),
        "categories.abuse.patterns[0]: write 'H' in lower case",
        id="capital letter",
    ),
    pytest.param(
        swap("'{someone} hits me'", '"he\'s hitting me"'),
        'categories.abuse.patterns[0]: "\'" never reaches the check',
        id="apostrophe in a pattern",
    ),
    pytest.param(
        swap("  abuse:", "  Abuse:"),
        "categories.Abuse: a category is lower_case_with_underscores, 32 letters at most",
        id="category name",
    ),
    pytest.param(
        swap('["kill myself"]', '["kill myself", "Kill myself!"]'),
        "categories.suicide.phrases[1]: 'kill myself' is listed already, at "
        "categories.suicide.phrases[0]",
        id="phrase twice",
    ),
    pytest.param(
        swap('["hit me up"]', '["hit me up", "kill myself"]'),
        "not.phrases[1]: 'kill myself' is listed already, at categories.suicide.phrases[0]",
        id="phrase both flagged and not",
    ),
    pytest.param(
        swap('["hit me up"]', "[]\n  patterns: ['kill \\w+']"),
        "categories.suicide.phrases[0]: 'kill myself' is cut out by an entry under `not`",
        id="phrase silenced by not",
    ),
    pytest.param(
        swap("words:\n", "words:\n  unused: ['x']\n"),
        "words.unused: not used by any pattern; use or remove it",
        id="word list nobody uses",
    ),
    pytest.param(
        swap("    patterns: ['{someone} hits me']\n", "    patterns: []\n"),
        "categories.abuse: needs phrases or patterns",
        id="empty category",
    ),
    pytest.param(
        swap("  default:", "  young-person:"),
        "help.default: missing (every audience without its own gets it)",
        id="no default help",
    ),
    pytest.param(
        swap('"116 123"', '"116-123"'),
        "help.default[0].number: '116-123' should be digits and spaces, as spoken",
        id="number with a dash",
    ),
    pytest.param(
        swap("  default:", "  teenager:"),
        "help.teenager: unknown entry; expected one of default, parent-carer, young-person, "
        "practitioner",
        id="unknown audience",
    ),
]


@pytest.mark.parametrize(("break_", "problem"), BREAKS)
def test_a_broken_lexicon_is_named(tmp_path: Path, break_: Break, problem: str) -> None:
    root = write(tmp_path, break_(SMALL))
    with pytest.raises(ContentError) as raised:
        load_safeguarding(root)
    assert str(raised.value).startswith(f"content/{FILE}: {problem}")


def test_the_real_lexicon_is_part_of_the_content(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, root)
    (root / FILE).write_text(SMALL.replace("'{someone} hits me'", "'(hits'"), encoding="utf-8")
    with pytest.raises(ContentError, match=re.escape(f"content/{FILE}: categories.abuse")):
        load_content(root)


# The tables: the lexicon's specification, and where to add a message it got wrong.
# (message, the category the lead sees); young people write lower case, no punctuation,
# text-speak, stretched letters and emoji; parents and carers write about their child.

MUST_FLAG = [
    # Suicide.
    ("i want to die", SUICIDE),
    ("I WANT TO DIE!!!", SUICIDE),
    ("wanna die rn", SUICIDE),
    ("i wana die", SUICIDE),
    ("i wanna diiiie 😭😭", SUICIDE),
    ("want 2 die tbh", SUICIDE),
    ("i want to die lmao", SUICIDE),
    ("i cant take it anymore i want to die", SUICIDE),
    ("i dont want to die", SUICIDE),  # no negation handling, on purpose: a lead reads it
    ("kms", SUICIDE),
    ("lol kms", SUICIDE),
    ("ngl i might kms", SUICIDE),
    ("i wanna kms", SUICIDE),
    ("kill myself", SUICIDE),
    ("im going to kill myself", SUICIDE),
    ("gonna kill my self", SUICIDE),
    ("i could kil myself", SUICIDE),
    ("i want to k!ll myself", SUICIDE),
    ("𝘪 𝘸𝘢𝘯𝘯𝘢 𝘥𝘪𝘦", SUICIDE),
    ("thinking about unaliving", SUICIDE),
    ("im gonna unalive myself fr", SUICIDE),
    ("i tried to hang myself", SUICIDE),
    ("i feel suicidal", SUICIDE),
    ("sucidal thoughts again", SUICIDE),
    ("im thinking about suicide", SUICIDE),
    ("i dont want to be here anymore", SUICIDE),
    ("i don’t want to live anymore", SUICIDE),
    ("i dont wanna be alive", SUICIDE),
    ("i want to be dead", SUICIDE),
    ("i wish i was dead", SUICIDE),
    ("i wish i could just die", SUICIDE),
    ("sometimes i wish i was never born", SUICIDE),
    ("i just want to end it all", SUICIDE),
    ("im ready to end it", SUICIDE),
    ("i'm going to end it tonight", SUICIDE),
    ("i'm so done with life", SUICIDE),
    ("i just want to disappear", SUICIDE),
    ("i hate my life and want it to stop", SUICIDE),
    ("i dont see the point anymore", SUICIDE),
    ("whats the point in living", SUICIDE),
    ("i want to go to sleep and never wake up", SUICIDE),
    ("i cant do this anymore i just want to sleep forever", SUICIDE),
    ("everyone would be better off without me", SUICIDE),
    ("sometimes i think everyone would be happier if i was gone", SUICIDE),
    ("no one would care if i died", SUICIDE),
    ("no one would miss me if i was gone", SUICIDE),
    ("i feel like a burden to everyone", SUICIDE),
    ("im gonna jump off a bridge", SUICIDE),
    ("i took a load of paracetamol last night", SUICIDE),
    ("people at school keep telling me to kys", SUICIDE),
    ("they told me to kill myself", SUICIDE),
    ("my son has talked about ending his life", SUICIDE),
    ("She said she wants to kill herself.", SUICIDE),
    ("my 9 year old said he wants to kill himself", SUICIDE),
    ("He tried to take his own life last year.", SUICIDE),
    ("he keeps saying he wants to die", SUICIDE),
    ("She has said a few times that she wishes she wasn't alive", SUICIDE),
    ("he said the world would be better without him", SUICIDE),
    ("my daughter told the gp she has suicidal thoughts", SUICIDE),
    ("i found a note in her room saying goodbye", SUICIDE),
    ("she was sectioned after an overdose", SUICIDE),
    ("my son is 12 and last night he told me he wants to die, i didnt know who to tell", SUICIDE),
    ("thinking of ending it", SUICIDE),
    ("suicide is on my mind a lot", SUICIDE),
    ("i want to kms so bad", SUICIDE),
    ("i want to end my life", SUICIDE),
    ("honestly i just wanna die at this point", SUICIDE),
    ("i keep thinking about killing myself", SUICIDE),
    ("i took too many pills", SUICIDE),
    ("ive been thinking of suicide for a while", SUICIDE),
    ("i wish i was never here", SUICIDE),
    ("no point in me being alive", SUICIDE),
    ("i hate myself and want to die", SUICIDE),
    ("i want to stop existing", SUICIDE),
    ("my daughter has been talking about dying a lot", SUICIDE),
    ("my son said he wants to die", SUICIDE),
    ("he says nobody would miss him", SUICIDE),
    ("sometimes i think about ending everything", SUICIDE),
    ("i just dont want to exist anymore", SUICIDE),
    ("honestly i might as well be dead", SUICIDE),
    ("i hate being alive so much", SUICIDE),
    ("my mate said she wants to kms and i dont know what to do", SUICIDE),
    ("i think about dying every day", SUICIDE),
    ("ive written a goodbye letter", SUICIDE),
    ("i've been feeling like ending my life", SUICIDE),
    ("i want to die so badly", SUICIDE),
    ("idk how much longer i can keep going, i dont want to be here", SUICIDE),
    ("i think i'm going to take all my tablets tonight", SUICIDE),
    ("nobody would notice if i was gone", SUICIDE),
    ("i dont wanna live like this anymore", SUICIDE),
    ("life isnt worth living", SUICIDE),
    # Self-harm.
    ("ive been cutting myself", SELF_HARM),
    ("i cut myself again last night", SELF_HARM),
    ("cutting again", SELF_HARM),
    ("i want to cut", SELF_HARM),
    ("i need to cut", SELF_HARM),
    ("i self harm", SELF_HARM),
    ("selfharm", SELF_HARM),
    ("i harm myself", SELF_HARM),
    ("been doing sh again", SELF_HARM),
    ("relapsed on sh", SELF_HARM),
    ("i relapsed", SELF_HARM),
    ("my sh scars show in pe", SELF_HARM),
    ("i want to hurt myself", SELF_HARM),
    ("i wanna hurt myself", SELF_HARM),
    ("i hit myself when im angry", SELF_HARM),
    ("i burn myself when it gets bad", SELF_HARM),
    ("i scratch my arms till they bleed", SELF_HARM),
    ("i starve myself", SELF_HARM),
    ("i make myself sick after eating", SELF_HARM),
    ("i dont eat so i can punish myself", SELF_HARM),
    ("i deserve to be hurt", SELF_HARM),
    ("ive got a blade", SELF_HARM),
    ("my arms are covered in cuts", SELF_HARM),
    ("my daughter self harms and the school don't know", SELF_HARM),
    ("he's been self-harming since year 8", SELF_HARM),
    ("He's been hurting himself again.", SELF_HARM),
    ("she's been cutting", SELF_HARM),
    ("there are cuts on her arms", SELF_HARM),
    ("my daughter has scars on her thighs", SELF_HARM),
    ("she wears long sleeves all the time to hide the marks", SELF_HARM),
    ("found blades in her room", SELF_HARM),
    ("he bangs his head against the wall until it bleeds", SELF_HARM),
    ("im cutting myself again", SELF_HARM),
    ("i burned my arm on purpose", SELF_HARM),
    ("i cut my wrists last night", SELF_HARM),
    ("my daughter is self harming and the school hasnt noticed", SELF_HARM),
    ("i punch walls until my knuckles bleed", SELF_HARM),
    ("i keep hurting myself and i cant stop", SELF_HARM),
    ("i used a razor on my legs again", SELF_HARM),
    ("my son has cuts all over his arms and says the cat did it", SELF_HARM),
    ("i bite myself till it bleeds", SELF_HARM),
    ("im hiding my cuts from my mum", SELF_HARM),
    ("i have been cutting my arms with a sharpener blade", SELF_HARM),
    ("i hurt myself last night on purpose", SELF_HARM),
    ("my daughter burns herself with a lighter", SELF_HARM),
    ("he scratches himself until he bleeds when he's anxious", SELF_HARM),
    ("my son has been pulling his hair out and hitting his head on the wall", SELF_HARM),
    # Sexual abuse, and being groomed online.
    ("someone touched me", SEXUAL),
    ("he touches me and i dont like it", SEXUAL),
    ("he touched my bum", SEXUAL),
    ("my coach touches me", SEXUAL),
    ("a man touched me on the bus", SEXUAL),
    ("someone at the party touched me when i was asleep", SEXUAL),
    ("my uncle touched my private parts", SEXUAL),
    ("my cousin makes me do stuff i dont want to do", SEXUAL),
    ("i think i was raped", SEXUAL),
    ("someone online asked me for nudes", SEXUAL),
    ("he made me send pics", SEXUAL),
    ("he sends me pics of his willy", SEXUAL),
    ("a man on snapchat wants me to send pictures", SEXUAL),
    ("he asked me to send him pictures of me naked", SEXUAL),
    ("someone is sending me creepy messages and wants to meet me", SEXUAL),
    ("a man i met on roblox wants to meet up", SEXUAL),
    ("my child told me a teacher touched her", SEXUAL),
    ("my son told me his uncle touches him", SEXUAL),
    ("an older guy is grooming my daughter", SEXUAL),
    ("my son was groomed online", SEXUAL),
    ("i think my daughter is being sexually abused", SEXUAL),
    ("my daughter is being groomed by an older man she met online", SEXUAL),
    ("he forced me to do things", SEXUAL),
    ("my teacher touches my leg and it makes me uncomfortable", SEXUAL),
    ("a man showed me his private parts", SEXUAL),
    ("my boyfriend forces me to have sex", SEXUAL),
    ("someone made me send nudes", SEXUAL),
    ("an adult i know keeps sending me messages asking me to meet him alone", SEXUAL),
    ("my mums boyfriend walks in when im in the shower", SEXUAL),
    ("he showed me videos of people having sex", SEXUAL),
    ("he makes me touch him", SEXUAL),
    ("my son told me someone at the club touched him", SEXUAL),
    ("my step dad touched me where he shouldn't", SEXUAL),
    ("my coach asked me to send him photos", SEXUAL),
    ("a boy from school is making me send nudes", SEXUAL),
    ("my cousin raped me", SEXUAL),
    # Abuse: hitting, threats, secrets.
    ("my dad hits me", ABUSE),
    ("dad hits me when hes drunk", ABUSE),
    ("my mum hit me with a belt", ABUSE),
    ("my mam hits us with a slipper", ABUSE),
    ("my nan hits me with a wooden spoon", ABUSE),
    ("my parents hit me", ABUSE),
    ("my carer hits me", ABUSE),
    ("my sister hits me with things", ABUSE),
    ("he keeps hitting me", ABUSE),
    ("theyre always hitting me", ABUSE),
    ("im being bullied and they hit me every day", ABUSE),
    ("mum slaps me", ABUSE),
    ("they slap me", ABUSE),
    ("my mum smacked me in the face", ABUSE),
    ("my dad smacks me when i get things wrong", ABUSE),
    ("my step dad beats us", ABUSE),
    ("my dad batters me", ABUSE),
    ("he beat me up", ABUSE),
    ("they beat me up after school", ABUSE),
    ("he kicks me and punches me", ABUSE),
    ("my brother punches me every day", ABUSE),
    ("he chokes me", ABUSE),
    ("he burns me with cigarettes", ABUSE),
    ("my stepdad grabbed me by the neck", ABUSE),
    ("he pushed me down the stairs", ABUSE),
    ("he locks me in my room", ABUSE),
    ("he threatened to kill me", ABUSE),
    ("my dad threatens me", ABUSE),
    ("he says he will kill me", ABUSE),
    ("he said he'd hurt me if i told", ABUSE),
    ("she said she would hurt me if i told anyone", ABUSE),
    ("she said shed hurt my dog if i told anyone", ABUSE),
    ("hell kill me if i tell", ABUSE),
    ("i owe them money and they said theyll hurt me", ABUSE),
    ("he told me not to tell anyone", ABUSE),
    ("he asked me to keep it secret", ABUSE),
    ("he gives me money and presents and says i cant tell", ABUSE),
    ("its our little secret he said", ABUSE),
    ("mums boyfriend is abusive", ABUSE),
    ("my mum's boyfriend hits her", ABUSE),
    ("my son is being abused", ABUSE),
    ("the teacher grabbed my arm really hard and it left a mark", ABUSE),
    ("his dad hit him across the face", ABUSE),
    ("there's domestic violence at home", ABUSE),
    ("i'm a victim of domestic violence and we're in a refuge", ABUSE),
    ("my husband hits me and the kids see it", ABUSE),
    ("my ex partner is violent and i'm worried he'll take the kids", ABUSE),
    ("dad punched a hole in the wall and then hit mum", ABUSE),
    ("dad strangled mum", ABUSE),
    ("my partner hits me in front of the children", ABUSE),
    ("i am a victim of domestic abuse", ABUSE),
    ("my stepmum hits me", ABUSE),
    ("my dad beat me last night", ABUSE),
    ("my mum keeps hitting me with a hairbrush", ABUSE),
    ("my brother strangled me", ABUSE),
    ("he grabbed me by my hair", ABUSE),
    ("dads girlfriend slaps me across the face", ABUSE),
    ("my mum pinches me and pulls my hair", ABUSE),
    ("my foster carer hit me", ABUSE),
    ("a lad at school punched me in the face", ABUSE),
    ("he said he would kill my mum", ABUSE),
    ("my step dad hit me with his belt", ABUSE),
    ("my mum shouts and hits us when shes angry", ABUSE),
    ("my dad threw a plate at me", ABUSE),
    ("he squeezed my neck till i couldnt breathe", ABUSE),
    ("my uncle hits my cousins", ABUSE),
    ("my big brother beats me up when mum is out", ABUSE),
    ("she pulled me by the hair", ABUSE),
    ("he said no one would believe me if i told", ABUSE),
    ("he tells me its our secret", ABUSE),
    ("my daughter told me her dad hits her when she stays with him", ABUSE),
    ("my dad punches me when he's drunk", ABUSE),
    ("mum's partner kicked me in the stomach", ABUSE),
    ("he hits my mum and me", ABUSE),
    ("my dad beats my mum", ABUSE),
    ("my mum's boyfriend threatened to hurt me", ABUSE),
    ("my uncle said he'd kill my dog if i told", ABUSE),
    ("someone older keeps messaging me on snapchat telling me not to tell my parents", ABUSE),
    # Hurt: by someone, or injuries nobody explains.
    ("someone hurt me", HURT),
    ("he hurts me", HURT),
    ("a boy in my class hurts me", HURT),
    ("my brother hurts me and mum doesnt do anything", HURT),
    ("i got beat up by my stepdad", HURT),
    ("im scared hes going to hurt me", HURT),
    ("She came home with bruises and won't say why.", HURT),
    ("he has marks on his neck and wont say how he got them", HURT),
    ("unexplained bruises on his arms again", HURT),
    ("she has bruises on her arms and says her dad did it", HURT),
    ("he has a black eye and says he fell", HURT),
    ("i'm worried my ex will hurt the kids", HURT),
    ("theres a lot of shouting at home and my dad hurts my mum", HURT),
    ("theres a lot of shouting and fighting at home and my dad hurts my mum", HURT),
    ("he says if i tell anyone he will hurt my mum", HURT),
    ("my dad hurt me last night", HURT),
    ("i got hit by my dad", HURT),
    ("i got slapped by my mum", HURT),
    ("my teacher said if i told anyone he would hurt me", HURT),
    ("i'm really worried about my daughter, she said her boyfriend hurts her", HURT),
    ("i think my neighbour is hurting his kids", HURT),
    ("she was assaulted at a party", HURT),
    # Neglect.
    ("nobody feeds me", NEGLECT),
    ("no one feeds me at home", NEGLECT),
    ("theres never any food at home", NEGLECT),
    ("i'm always hungry and there's nothing to eat at home", NEGLECT),
    ("we have no food", NEGLECT),
    ("i havent eaten in 2 days", NEGLECT),
    ("mum doesnt cook for us and i look after my little brother", NEGLECT),
    ("nobody washes my clothes", NEGLECT),
    ("nobody cares about me", NEGLECT),
    ("theres no one to look after us when mum is at work at night", NEGLECT),
    ("they leave me home alone all weekend", NEGLECT),
    ("im left on my own all night", NEGLECT),
    ("mum goes out and leaves us on our own", NEGLECT),
    ("mum drinks and forgets about us", NEGLECT),
    ("mum is always drunk", NEGLECT),
    ("my dad kicked me out", NEGLECT),
    ("my mum threw me out last night", NEGLECT),
    ("there is never food in the house", NEGLECT),
    ("i havent had dinner for three days", NEGLECT),
    ("mum never buys food", NEGLECT),
    ("we dont have any food at home", NEGLECT),
    ("nobody is home to look after me", NEGLECT),
    ("i dont have a bed", NEGLECT),
    ("theres never enough food and im always hungry", NEGLECT),
    ("my mum sleeps all day and we have to get ourselves to school", NEGLECT),
    ("no one washes our uniform and i get teased for smelling", NEGLECT),
    ("we were left home alone for the whole weekend", NEGLECT),
    ("my dad is drunk every night", NEGLECT),
    ("there's no food in the house again", NEGLECT),
    ("i haven't eaten since friday", NEGLECT),
    ("we get left on our own every night", NEGLECT),
    ("my mum doesn't look after us", NEGLECT),
    ("dad is off his face every weekend", NEGLECT),
    ("i get scared when my dad comes home drunk", NEGLECT),
    # Exploitation.
    ("older boys make me carry stuff for them", EXPLOITED),
    ("some older kids are making me sell weed", EXPLOITED),
    ("they make me hold stuff for them", EXPLOITED),
    ("i think my son is involved in county lines", EXPLOITED),
    ("i'm being made to sell drugs", EXPLOITED),
    (
        "my son has been coming home with expensive new trainers and cash he can't explain",
        EXPLOITED,
    ),
    ("some older lads give me money to take packages across town", EXPLOITED),
    ("i've been asked to carry stuff for some older boys", EXPLOITED),
    ("some men are making my son sell drugs", EXPLOITED),
    ("my daughter keeps coming home with money and won't tell me where it's from", EXPLOITED),
    # Feeling unsafe.
    ("i dont feel safe at home", UNSAFE),
    ("i don't feel safe", UNSAFE),
    ("i dont feel safe in my house", UNSAFE),
    ("im not safe", UNSAFE),
    ("im not safe at home", UNSAFE),
    ("im scared", UNSAFE),
    ("I'm scared to go home", UNSAFE),
    ("im scarred to go home", UNSAFE),
    ("i feel scared at home", UNSAFE),
    ("i dont want to go home", UNSAFE),
    ("i dont want to go back home tonight", UNSAFE),
    ("im scared of my dad", UNSAFE),
    ("i'm frightened of my stepdad", UNSAFE),
    ("i want to run away from home", UNSAFE),
    ("a man keeps following me home from school", UNSAFE),
    ("I'm worried about my child's safety with his stepdad", UNSAFE),
    ("i'm worried for my daughter's safety", UNSAFE),
    ("she doesn't feel safe around her stepdad", UNSAFE),
    ("i'm not safe here", UNSAFE),
    ("my step brother comes into my room at night", UNSAFE),
    ("im scared of going home because of my dad", UNSAFE),
    ("i feel unsafe at my dads house", UNSAFE),
    ("i am frightened of my mums boyfriend", UNSAFE),
    ("my mum's new partner scares me", UNSAFE),
    ("a man at the park asked me to get in his car", UNSAFE),
    ("i'm scared of what my dad will do when he gets home", UNSAFE),
    ("i dont feel safe around my stepdad", UNSAFE),
    ("my dad gets really angry and i hide in my room", UNSAFE),
    ("mum's boyfriend frightens me", UNSAFE),
    ("my parents fight and i'm scared", UNSAFE),
    ("my son was found with a knife and is scared of some older boys", UNSAFE),
    ("i'm too scared to go home today", UNSAFE),
    ("i don't feel safe living with my dad", UNSAFE),
    ("my step mum terrifies me", UNSAFE),
    ("i'm really worried about my son's safety at his dad's house", UNSAFE),
    # Not what the lexicon is for, but a lead should read them all the same: flagged.
    ("i don't feel safe leaving him with supply teachers who don't know him", UNSAFE),
    ("i was abused online by other parents in the facebook group", ABUSE),
    ("the toilets at school don't feel safe for my daughter because of the broken locks", UNSAFE),
]

# Ordinary things parents and young people say, many holding a word from the lexicon.
MUST_NOT_FLAG = [
    # Idioms.
    "the school is killing it with the new sensory room",
    "I could die of embarrassment at sports day lol",
    "i want to die of embarrassment 😂",
    "i nearly died laughing",
    "i nearly died when i saw the price of the uniform",
    "dead good",
    "dead bored in maths",
    "im dead 😂😂",
    "I'd kill for a longer lunch",
    "this homework is killing me",
    "the cost of the uniform is killing us",
    "killing time before pickup",
    "she killed it in the school play",
    "the new head has killed off the after school clubs which is a shame",
    "hes killing himself laughing",
    "my mum will kill me if im late lol",
    "my mum will literally kill me if i lose another coat",
    "im dying to go on the trip",
    "my son is dying to start year 7",
    "thinking about dying my hair blue",
    "i want to die my hair purple",
    "i'd rather die than do cross country lol",
    "he's willing to die on this hill about uniform",
    "im so proud of myself",
    "i'm sick of filling in forms",
    "hit me up if you need anything",
    "that song hits different",
    "he hit the nail on the head",
    "it really hit me how much he has grown",
    "your message really touched me",
    "i was touched by how kind they were",
    "the dinner lady touched my heart",
    "They never ask what we think. I feel like I'm banging my head against a brick wall.",
    "my feelings were hurt by the way the meeting went",
    "i am not worried about his safety at all",
    "i had so much fun i dont want to go home",
    # Sport, play and accidents: not flagged, by choice (see the lexicon's header).
    "the hurdles race hurt my legs",
    "she hurt her ankle at netball and the staff were brilliant",
    "he hurt himself at football but first aid was great",
    "the nurse gave him an ice pack when he hurt his wrist",
    "he got hurt playing rugby",
    "he hurt his knee",
    "the ball hit me in the face in pe",
    "he hit his head on the table and they rang me straight away",
    "he hits the ball really well",
    "they kicked the ball over the fence",
    "my brother beat me at fifa again",
    "she beat me in the spelling test",
    "she beat her personal best on sports day",
    "my little one gets bruises from climbing everything",
    "he has a bruise from football but he's fine",
    "she bruised her knee in pe",
    "I accidentally cut myself chopping onions lol",
    "she fell and cut her lip",
    "he fell off his bike and grazed his knee",
    # Words that hold, or look like, a word in the lexicon.
    "my son's cut his hair",
    "she cuts her own sandwiches now",
    "we do a lot of cutting and sticking at home",
    "the safe space room is great",
    "he feels safe at school now",
    "they helped him feel safe enough to go into class",
    "i have never felt unsafe there",
    "the car park isnt safe at pickup time",
    "we did a fire safety talk",
    "we ran 5 kms for charity",
    "his therapist is lovely",
    "she has got great skills",
    "that was an odd thing to say",
    "my nose is always runny",
    "he is obsessed with killer whales",
    "hangman in english was fun",
    "he loves shooting hoops",
    "he got a black belt in karate",
    "we took the dog to the grooming place",
    "sh he's asleep",
    "sh*t day but the kids are happy",
    "she hit her targets in maths",
    "he hits his targets every term",
    "he's scared of dogs",
    "my son is scared of the dark",
    "he was scared to go on the big slide",
    "he was scared to go to school after the holidays",
    "nobody makes me laugh like my teacher",
    "nobody feeds the fish when we are away",
    "no one feeds back to parents",
    "nobody cares about us parents at this school",
    "i feel like no one gets me at school",
    "there was no food left at the school disco",
    "my son hasnt eaten his lunch for days because he doesnt like the food",
    "he's a picky eater so he often comes home hungry",
    "we watched home alone at christmas",
    "the teacher left him alone for a minute to calm down",
    "he is left alone in the corridor when upset",
    "i dont want to live in this town forever",
    "he is fed up with homework",
    "my son's school did a suicide prevention assembly",
    "mum makes me carry the shopping bags",
    "the doctor said it would hurt him a bit",
    "he sometimes hits out when he's overwhelmed but the staff handle it calmly",
    "the teachers push him to do his best",
    "he keeps running away from class",
    "we locked ourselves out of the house lol",
    "we had a secret santa at the club",
    "he doesn't like being touched, and the staff respect that",
    "my grandad died last year and the school were so kind",
    # A diagnosis the family has shared, not a behaviour described: not flagged.
    "she has an eating disorder and camhs are involved",
    # More of what parents and young people write, none of it a concern.
    "i feel like nobody listens to parents",
    "the kids were hurt when the trip was cancelled",
    "she had a cut on her knee from the playground",
    "the cut on his finger healed quickly",
    "i killed the spider for him",
    "the plants died over summer",
    "he was beaten in the final but he was proud",
    "he kicks off when he's tired",
    "the teacher shouted at the class",
    "he plays fortnite and shoots everyone lol",
    "my daughter is in the shooting club",
    "the school gave us a safe place to talk",
    "he said school is the only place he feels safe",
    "i feel safe with my key worker",
    "the road safety session was great",
    "she was really touched by the card",
    "i was moved to tears at the nativity",
    "they played dead in drama",
    "he is starving when he gets in from school",
    "that hits the spot",
    "the school nurse checked his bruise",
    "my son was scared of the fire alarm",
    "i'm scared of spiders",
    "he doesnt want to go to school",
    "nobody told me about the meeting",
    "no one answered the phone",
    "i don't want him to go on the trip alone",
    "he got left behind on the trip",
    "he is alone at lunch times",
    "the school lets him go home early",
    "she pushes herself too hard",
    "he throws himself into everything",
    "i was killing myself laughing",
    "the kids loved the slime, they were dying to take it home",
    "she killed me with that joke",
    "i'm dead tired after swimming",
    "my dad is going to kill me when he sees my report lol",
    "he hurt his ankle on the trampoline",
    "my son is hurt that he wasn't invited to the party",
    "she's been cutting down on sugar",
    "he cut his finger on the scissors in art",
    "the hit me up sign in reception is funny",
    "they hit the ground running this term",
    "she's scared of heights",
    "he is terrified of spiders",
    "nobody likes the new lunch menu",
    "no one tells us anything about the homework",
    "he's home alone for an hour after school while i finish work",
    "the kids are left alone to get on with their work",
    "we don't have a car so we walk to school",
    "she felt safe enough to talk to her teacher",
    "i don't feel he's making progress",
    "i never feel listened to",
    "the teachers are always fighting for him",
    "they do karate on tuesdays and he loves the kicking",
    "he punches the air when he scores",
    "she beat everyone in the race",
    "the school is a safe place for him",
    "he feels safe with his 1 to 1",
    "he talks about death a lot since his grandad passed",
    "the pe teacher shouts at them",
    "my son hates his life at school at the moment because of the noise",
    "i cant cope with the paperwork",
    "the teacher is killing it this year",
    "i'd do anything for my kids",
    "my daughter's scars from her operation have healed",
    "the assembly about online safety was good",
    "he hangs out with his mates after school",
    "the new playground has a climbing wall he loves",
    "he got a bit hurt in pe but the staff were lovely",
    "she fell over and scraped her knee at break",
    "my son got a nosebleed in class and they rang me",
    "he came home with paint all over him",
    "she came home with a certificate",
    "he was dead chuffed with his award",
    "i'm dying to know how the play went",
    "i nearly killed myself laughing at the panto",
    "the homework club is a lifesaver",
    "the staff are brilliant at de-escalating when he hits out",
    "he's been a bit down this week",
    "i don't feel the school listens to me",
    "he is scared of the loud bell",
    "she is afraid of the dark",
    "they shout at him a lot at home time",
    "no one at the office ever calls back",
    "nobody reads the newsletter",
    "he feels like nobody understands him at school",
    "we were left waiting for ages at pickup",
    "i left him at home with his dad",
    "he was left out of the football team",
    "the kids fight over the ipad",
    "my kids fight all the time lol",
    "his brother always beats him at mario kart",
    "she smashed her spelling test",
    "he killed it at sports day",
    "the food at school is terrible",
    "he doesnt eat much at school",
    "we can't afford the school trip this year",
    "money is tight at the moment",
    "he pushed himself really hard in the race",
    "the teacher pushes her to read more",
    "she hurt her wrist at gymnastics",
    "he has a scar from his operation",
    "my son punched the air when he got his results",
    "the sensory room is a lifesaver for him",
    "i could kill for a coffee right now lol",
    "he's been killing it in maths",
    "this weather is killing me",
    "she laughed so hard she nearly died",
    "he got hit in the face with a football but he's fine",
    "she knocked her head on the table in class",
    "he cut his knee playing football",
    "she burned her hand on the oven at home ec",
    "my son always comes home hungry, he's a growing lad",
    "we don't have much money but we manage",
    "i'm not scared to speak up at meetings",
    "he's scared of the dentist",
    "she's afraid of wasps",
    "i feel safe leaving him there",
    "the school feels safe and welcoming",
    "the school keeps him safe",
    "the fire door is never shut which isn't safe",
    "he ran away from the teacher in the playground",
    "the kids played tag and he got pushed over",
    "my daughter and her friends fight all the time but they make up",
    "he kicked a ball through the window lol",
    "the teacher said she was dying to meet him",
    "he's dead excited for the trip",
    "my son left his coat at school again",
    "he's on his own a lot at break",
    "nobody tells me when there are changes",
    "no one explained the new reading scheme",
    "the breakfast club is amazing, he gets fed there",
    "The SENCo really listens. When he had a meltdown they rang me straight away.",
    "Honestly it's exhausting fighting for his EHCP, I'm at the end of my tether",
    "My daughter was hurt when she wasn't picked for the choir but the teacher explained it kindly",
    "The staff know him so well, they can tell when he's about to kick off",
    "She hates PE, the changing rooms are too loud",
    "he's been dying to tell you about his project",
    "my son loves dead poets society",
    "we were late because the car died",
    "the battery died on his ipad",
    "he was cutting out shapes all afternoon",
    "he burned the toast lol",
    "my friends are my safe people",
    "i was bullied in year 5 but the school sorted it",
    "i feel left out at break",
    "nobody sits with me at lunch",
    "no one listens when i say its too loud",
    "my son broke his arm on the trampoline",
    "we are struggling with money at the moment",
    "the uniform costs an arm and a leg",
    "my son won't eat school dinners so he takes a packed lunch",
    "the teachers shout a lot",
    "the teacher shouted at me for talking",
    "he's terrified of the hand dryers",
    "she's scared of loud noises",
    "she's frightened of the dog next door",
    "he doesnt feel confident at school",
    "i dont feel listened to",
    "he doesn't feel welcome at the club",
    "i dont feel like they understand autism",
    "im worried about my son's progress in reading",
    "i'm worried about the transition to secondary",
    "she ran out of the classroom and hid",
    "the gate is never locked",
    "they locked the doors at lunchtime for safety",
    "he gets left out of group work",
    "home is where he feels happiest",
    "he loves going home at the end of the day",
    "he lives with his dad at weekends",
    "my son said the teacher touched his heart with her speech",
    "he likes to touch everything",
    "he loves keeping secrets about birthday presents",
    "he's obsessed with zombies and blood",
    "the school went above and beyond when his grandad died",
    "he's been really down since his nan died",
]
