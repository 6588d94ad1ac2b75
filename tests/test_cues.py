"""Service cues (issue 26): the labelled replies in tests/data/cues_<language>.json
meet the precision and recall the issue asks of every cue in every language,
and the rules behind them (negation, folding, inflection, exceptions, admin
changes) hold on their own. The matcher is pure: no app, no database."""

from __future__ import annotations

import ast
import json
import statistics
import time
from pathlib import Path

import pytest

from trainer.coaching.cues import (
    CUES,
    FLAGS,
    LANGUAGES,
    PhraseError,
    check_phrase,
    cue_lines,
    find_cues,
    phrase_book,
    warm,
)

DATA = Path(__file__).parent / "data"
PRECISION = 0.9
RECALL = {**dict.fromkeys(CUES, 0.75), **dict.fromkeys(FLAGS, 0.85)}
# Fewer examples than this and a cue's figures say little either way.
MIN_EXAMPLES = 5


def labelled(language: str) -> list[dict]:
    return json.loads((DATA / f"cues_{language}.json").read_text(encoding="utf-8"))["replies"]


def scores(language: str) -> dict[str, tuple[int, float, float]]:
    """Cue → (replies labelled with it, precision, recall)."""
    counts = {kind: [0, 0, 0] for kind in CUES + FLAGS}  # true positives, false positives, misses
    for reply in labelled(language):
        found = find_cues(reply["text"], language)
        got, wanted = set(found.cues + found.flags), set(reply["cues"] + reply["flags"])
        for kind, count in counts.items():
            if kind in got:
                count[0 if kind in wanted else 1] += 1
            elif kind in wanted:
                count[2] += 1
    return {kind: (hit + missed, hit / (hit + wrong) if hit + wrong else 1.0,
                   hit / (hit + missed) if hit + missed else 1.0)
            for kind, (hit, wrong, missed) in counts.items()}


def table(language: str, figures: dict[str, tuple[int, float, float]]) -> str:
    lines = [f"{language}: {'cue':<10} {'n':>3} {'precision':>9} {'recall':>6}"]
    lines += [f"    {kind:<10} {n:>3} {p:>9.2f} {r:>6.2f}" for kind, (n, p, r) in figures.items()]
    return "\n".join(lines)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_labelled_set_is_big_enough_and_names_real_cues(language):
    replies = labelled(language)
    assert len(replies) >= 40
    for reply in replies:
        assert set(reply["cues"]) <= set(CUES) and set(reply["flags"]) <= set(FLAGS), reply
    assert len({reply["text"] for reply in replies}) == len(replies), "a reply is there twice"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cue_meets_its_precision_and_recall(language, capsys):
    figures = scores(language)
    with capsys.disabled():
        print("\n" + table(language, figures))
    for kind, (n, precision, recall) in figures.items():
        assert n >= MIN_EXAMPLES, f"{language}: only {n} replies labelled {kind}"
        assert precision >= PRECISION, f"{language} {kind}: precision {precision:.2f}\n" + table(language, figures)
        assert recall >= RECALL[kind], f"{language} {kind}: recall {recall:.2f}\n" + table(language, figures)


# --- negation ------------------------------------------------------------------------

@pytest.mark.parametrize(("language", "text", "kind", "present"), [
    ("en", "I can't help you.", "refusal", True),
    ("en", "I cannot help you with that.", "refusal", True),
    ("en", "I can help!", "refusal", False),
    ("en", "No problem at all.", "apology", False),
    ("en", "I'm not sorry.", "apology", False),
    ("en", "There's no need to apologise.", "apology", False),
    ("en", "Please don't thank me.", "thanks", False),
    ("en", "I can't thank you enough.", "thanks", True),
    ("en", "It's not your fault.", "blame", False),
    ("en", "It's your fault.", "blame", True),
    ("en", "That isn't free, I'm afraid.", "beyond", False),
    ("en", "Not only will we clean it today, it's free.", "beyond", True),
    ("en", "No worries, I'll bring you a towel.", "next_step", True),
    ("ru", "Я не могу вам помочь.", "refusal", True),
    ("ru", "Я могу вам помочь.", "refusal", False),
    ("ru", "Ничем не могу помочь.", "refusal", True),
    ("ru", "Извиняться не буду.", "apology", False),
    ("ru", "Не нужно извиняться.", "apology", False),
    ("ru", "Это не бесплатно.", "beyond", False),
    ("ru", "Вернуть деньги не можем.", "next_step", False),
    ("ru", "Не переживайте, сегодня же пришлём мастера.", "next_step", True),
    ("uk", "Не можу вам допомогти.", "refusal", True),
    ("uk", "Можу вам допомогти.", "refusal", False),
    ("uk", "Не дякуйте.", "thanks", False),
    ("uk", "Ви ні в чому не винні.", "blame", False),
    ("el", "Δεν μπορώ να σας βοηθήσω.", "refusal", True),
    ("el", "Μπορώ να σας βοηθήσω.", "refusal", False),
    ("el", "Δεν θα ζητήσω συγγνώμη.", "apology", False),
    ("el", "Μη με ευχαριστείτε.", "thanks", False),
    ("el", "Όχι μόνο θα καθαρίσουμε το δωμάτιο, θα σας κεράσουμε και ένα γλυκό.", "beyond", True),
])
def test_negation_flips_only_what_it_negates(language, text, kind, present):
    found = find_cues(text, language)
    assert (kind in found.cues + found.flags) is present, found


def test_a_negation_stops_at_a_comma():
    assert "apology" in find_cues("No, sorry.", "en").cues
    assert "next_step" in find_cues("No, I'll call you at 6 pm.", "en").cues


# --- folding and inflection ----------------------------------------------------------

@pytest.mark.parametrize(("language", "text", "kind"), [
    ("en", "WE APOLOGISE FOR THE TROUBLE", "apology"),
    ("en", "Apologies!", "apology"),
    ("en", "we apologized already", "apology"),
    ("en", "THANK YOU", "thanks"),
    ("ru", "ЗА НАШ СЧЕТ", "beyond"),  # ё typed as е, and capitals
    ("ru", "за наш счёт", "beyond"),
    ("ru", "Приносим извинения", "apology"),
    ("ru", "Извиняемся!", "apology"),
    ("ru", "Благодарим вас", "thanks"),
    ("ru", "Мы переселим вас", "next_step"),
    ("ru", "Я переселил вас", "next_step"),
    ("uk", "Вибачаємося", "apology"),
    ("uk", "Дякуємо вам", "thanks"),
    ("uk", "Ми повернемо кошти", "next_step"),
    ("uk", "ми вже повернули кошти", "next_step"),
    ("uk", "Вибачте, що пам’ятаємо не все", "apology"),  # a curly apostrophe inside a word
    ("el", "ΣΥΓΓΝΩΜΗ", "apology"),  # capitals drop the tonos
    ("el", "συγγνωμη", "apology"),  # typed without accents
    ("el", "Ζητάμε συγγνώμη", "apology"),
    ("el", "Σας ευχαριστούμε", "thanks"),
    ("el", "ευχαριστουμε πολυ", "thanks"),
    ("el", "Θα σας στείλουμε καινούργιο", "next_step"),
])
def test_case_accents_and_inflected_forms_still_match(language, text, kind):
    found = find_cues(text, language)
    assert kind in found.cues + found.flags, found


# --- exceptions, irony, rules between cues -------------------------------------------

@pytest.mark.parametrize(("language", "text"), [
    ("en", "I'm sorry you feel that way."),
    ("ru", "Мне жаль, что вы так это восприняли."),
    ("uk", "Шкода, що ви так це сприйняли."),
    ("el", "Λυπάμαι αν νιώθετε έτσι."),
])
def test_a_non_apology_is_no_apology(language, text):
    assert find_cues(text, language).cues == ()


def test_sympathy_is_empathy_not_apology():
    found = find_cues("I'm sorry to hear that.", "en")
    assert found.cues == ("empathy",)


@pytest.mark.parametrize(("language", "text"), [
    ("en", "Oh sure, let me just switch off the sun for you."),
    ("ru", "Ну конечно, сейчас я лично выключу солнце, давайте я ещё и море уберу."),
    ("el", "Α, βεβαίως, θα σας φέρω αμέσως και μια θάλασσα χωρίς νερό."),
])
def test_irony_cancels_positive_cues(language, text):
    assert find_cues(text, language).cues == ()


def test_a_rule_with_a_way_forward_is_no_policy_flag():
    assert find_cues("That's company policy.", "en").flags == ("policy",)
    found = find_cues("That's company policy, but I'll move you to the garden wing today.", "en")
    assert found.flags == () and found.cues == ("next_step",)


def test_results_list_each_cue_once_in_a_fixed_order_with_the_phrase_that_found_it():
    found = find_cues("Thank you! Sorry, so sorry. I'll call you at 5 pm, and dinner is on us.", "en")
    assert found.cues == ("apology", "next_step", "beyond", "thanks")
    assert found.flags == ()
    assert [kind for kind, _phrase in found.evidence] == ["thanks", "apology", "next_step", "beyond"]
    assert dict(found.evidence)["beyond"] == "on us"
    assert find_cues("", "en").cues == () and find_cues("   ", "ru").flags == ()


# --- phrase books: an admin's additions and removals ------------------------------------

def test_added_phrases_count_and_removed_ones_stop_counting():
    reply = "Your sandcastle permit is approved."
    assert find_cues(reply, "en").cues == ()
    added = phrase_book("en", added={"next_step": ["permit is approved"]})
    assert find_cues(reply, "en", added).cues == ("next_step",)
    removed = phrase_book("en", removed={"apology": ["SORRY"]})  # matched folded
    assert "apology" not in find_cues("So sorry!", "en", removed).cues
    assert "apology" in find_cues("Our apologies!", "en", removed).cues
    assert "sorry" not in removed.phrases["apology"] and "sorry" in phrase_book("en").phrases["apology"]
    # Removing what is not there is no error: the shipped list may have dropped it since.
    unchanged = phrase_book("en", removed={"thanks": ["cheers, mate"]})
    assert unchanged.phrases["thanks"] == phrase_book("en").phrases["thanks"]


def test_admin_phrases_are_matched_as_inflected_as_shipped_ones():
    book = phrase_book("ru", added={"beyond": ["подарочная корзина"]})
    assert "beyond" in find_cues("Пришлём вам подарочную корзину", "ru", book).cues


@pytest.mark.parametrize(("kind", "text", "language", "code"), [
    ("apology", "   ", "en", "phrase_blank"),
    ("apology", "x" * 201, "en", "phrase_long"),
    ("apology", "... sorry", "en", "phrase_syntax"),
    ("apology", "so*", "en", "phrase_syntax"),
    ("apology", "sorry but", "en", "phrase_break"),  # a reply is split at "but"
    ("kindness", "sorry", "en", "unknown_cue"),
    ("apology", "sorry", "fr", "unknown_language"),
])
def test_a_phrase_that_cannot_work_is_refused_with_a_reason(kind, text, language, code):
    with pytest.raises(PhraseError) as refused:
        check_phrase(kind, text, language)
    assert refused.value.code == code


def test_a_good_phrase_is_kept_single_spaced():
    assert check_phrase("empathy", "  what   a  bother ", "en") == "what a bother"
    with pytest.raises(PhraseError):
        phrase_book("en", added={"kindness": ["hello"]})


# --- the command, and the rules' own purity and speed -----------------------------------

def test_cue_lines_gives_one_json_object_per_reply_line():
    lines = list(cue_lines(["Спасибо, что сказали!\n", "\n", "Это не моя работа.\r\n"], "ru"))
    assert [json.loads(line) for line in lines] == [
        {"cues": ["thanks"], "flags": []}, {"cues": [], "flags": []}, {"cues": [], "flags": ["refusal"]}]
    explained = json.loads(next(cue_lines(["Спасибо!"], "ru", explain=True)))
    assert explained["evidence"] == [["thanks", "спасибо"]]


def test_the_cues_command_reads_stdin(runner):
    replies = "Συγγνώμη για την ταλαιπωρία.\nΔεν είναι δουλειά μου.\n"
    result = runner.invoke(args=["cues", "--language", "el"], input=replies)
    assert result.exit_code == 0, result.output
    assert [json.loads(line) for line in result.output.splitlines()] == [
        {"cues": ["apology"], "flags": []}, {"cues": [], "flags": ["refusal"]}]
    assert runner.invoke(args=["cues", "--language", "fr"], input="bonjour\n").exit_code == 2
    english = runner.invoke(args=["cues"], input="Sorry!\n")
    assert english.exit_code == 0 and json.loads(english.output) == {"cues": ["apology"], "flags": []}


def test_the_matcher_imports_no_flask_and_no_database():
    package = Path(__file__).parents[1] / "trainer" / "coaching" / "cues"
    for module in package.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                assert node.level <= 1, f"{module.name} reaches outside the cues package"
                assert not (node.module or "").startswith(("flask", "sqlalchemy")), module.name
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith(("flask", "sqlalchemy")) for alias in node.names), module.name


def six_hundred_characters(language: str) -> str:
    """Labelled replies strung together to 600 characters: real words, real cues."""
    text = ""
    for reply in labelled(language):
        text += reply["text"] + " "
        if len(text) >= 600:
            return text[:600]
    raise AssertionError("not enough text")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_600_character_reply_takes_under_2_ms(language):
    warm(language)
    reply = six_hundred_characters(language)
    find_cues(reply, language)  # the phrase book is compiled once, on first use
    times = []
    for _ in range(30):
        start = time.perf_counter()
        find_cues(reply, language)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.002, f"{language}: median {statistics.median(times) * 1000:.2f} ms"
