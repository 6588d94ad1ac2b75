"""Every sentence in the code is translated into Russian, Ukrainian and Greek,
nothing is fuzzy, no placeholder is lost, and the catalogs match the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po
from live import ROOT

TRANSLATIONS = ROOT / "trainer" / "translations"
LANGUAGES = ("ru", "uk", "el")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
# Kept in step with the Makefile's `make translations`.
KEYWORDS = ["_", "gettext", "ngettext:1,2", "lazy_gettext", "lazy_ngettext:1,2", "_l", "_plural:1,2", "Plural:1,2"]


def catalog(folder: Path, language: str):
    with (folder / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def problems(folder: Path, language: str) -> list[str]:
    """Every untranslated, fuzzy or placeholder-breaking entry of one catalog."""
    found = []
    for message in catalog(folder, language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        label = f"{language}: {ids[0]!r}"
        if message.fuzzy:
            found.append(f"{label} is fuzzy")
        if not all(strings):
            found.append(f"{label} is not translated")
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                found.append(f"{label} has placeholders {sorted(set(PLACEHOLDER.findall(text)))}, not {sorted(wanted)}")
    return found


def extract() -> set:
    """What `make translations` would extract (babel.cfg's files, the Makefile's keywords)."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=parse_keywords(KEYWORDS)
    ):
        found.add(message)
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_without_fuzz_or_lost_placeholders(language):
    found = problems(TRANSLATIONS, language)
    assert not found, f"{len(found)} problems, first ones:\n" + "\n".join(found[:15])


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_passes_the_checks_pybabel_compile_makes(language):
    """What `make` would refuse to compile (a plural form naming a placeholder its msgid lacks, say)."""
    checked = catalog(TRANSLATIONS, language).check()
    found = [f"{message.id!r}: {', '.join(map(str, errors))}" for message, errors in checked]
    assert not found, "\n".join(found[:10])


def test_the_catalogs_are_up_to_date_with_the_code():
    in_code = extract()
    for language in LANGUAGES:
        in_catalog = {m.id for m in catalog(TRANSLATIONS, language) if m.id}
        missing = in_code - in_catalog
        assert not missing, f"{language}: run `make translations`; not in the catalog: {sorted(missing, key=str)[:10]}"
        stale = in_catalog - in_code
        assert not stale, f"{language}: run `make translations`; no longer in the code: {sorted(stale, key=str)[:10]}"


def test_the_check_itself_finds_each_kind_of_problem(tmp_path):
    """The checks above can fail: a catalog with each fault is caught."""
    folder = tmp_path / "translations"
    (folder / "ru" / "LC_MESSAGES").mkdir(parents=True)
    (folder / "ru" / "LC_MESSAGES" / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && '
        '(n%100<10 || n%100>=20) ? 1 : 2);\\n"\n\n'
        'msgid "Untranslated"\nmsgstr ""\n\n'
        '#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Нечётко"\n\n'
        'msgid "Hello %(name)s"\nmsgstr "Привет, %(имя)s"\n\n'
        'msgid "%(num)s vote"\nmsgid_plural "%(num)s votes"\nmsgstr[0] "%(num)s голос"\n'
        'msgstr[1] "%(num)s голоса"\nmsgstr[2] ""\n\n'
        'msgid "Fine"\nmsgstr "Хорошо"\n',
        encoding="utf-8",
    )
    found = " | ".join(problems(folder, "ru"))
    assert "'Untranslated' is not translated" in found
    assert "'Fuzzy' is fuzzy" in found
    assert "'Hello %(name)s' has placeholders" in found
    assert "'%(num)s vote' is not translated" in found
    assert "Fine" not in found
