"""The optional rude-word filter, in the four languages the offices speak."""

from __future__ import annotations

import pytest

from trainer.live.profanity import LANGUAGES, is_rude, word_list


@pytest.mark.parametrize("text", [
    "What the FUCK is this",          # en
    "this shitty hotel",              # en
    "Это просто пиздец",              # ru
    "Ти мудак",                       # uk
    "Яка курва це зробила",           # uk
    "Είσαι ΜΑΛΆΚΑΣ",                  # el, capitals and tonos
    "σκατά",                          # el
])
def test_rude_words_are_caught_whatever_the_case_or_accents(text):
    assert is_rude(text)


@pytest.mark.parametrize("text", [
    "Dear guest, we are so sorry about the sand.",
    "Our shitake mushrooms come from a local farm",   # not "shit"
    "Scunthorpe hotel",                               # no match inside words
    "Ο γάμος ήταν ωραίος",                            # γάμος (a wedding) is not γαμώ
    "Небо было ясным",                                # небо contains no stem at its start
    "Дякуємо, що написали нам",
])
def test_ordinary_replies_pass(text):
    assert not is_rude(text)


def test_every_language_has_a_list():
    for language in LANGUAGES:
        words, stems = word_list(language)
        assert len(words) + len(stems) >= 15
