"""Deck files in and out, as plain Python (no Flask, no database).

Two formats: CSV as Excel and LibreOffice open and save it (UTF-8, a BOM
tolerated, comma or semicolon separated, a header row naming the columns) and
JSON carrying the deck's metadata too (the format of the files in decks/).
Parsing never raises for a bad row: every row comes back, either as a card or
with the problems that keep it out. A file that can't be read at all raises
DeckFileRefused. Problems are codes with details; trainer.studio_messages
turns them into sentences.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

from .rules import (
    Problem,
    check_card,
    check_meta,
    complaint_key,
    with_duplicates_marked,
)

DECK_FORMAT = "too-sandy-deck/1"
MAX_FILE_BYTES = 2 * 1024 * 1024
# A file of more cards than this is refused whole (the largest shipped deck
# has a few dozen); reading stops at the first row past it.
MAX_CARDS = 1000
# A deck file is an object holding a list of card objects: three levels.
# Python's JSON reader recurses once a level, so a file nested 100,000 deep
# would raise RecursionError instead of a sentence.
MAX_JSON_DEPTH = 16
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")
CSV_COLUMNS = ("complaint", "coach_note", "theme", "difficulty", "enabled")
_HEADER_ALIASES = {"coach": "coach_note", "note": "coach_note", "coachs_note": "coach_note", "text": "complaint"}
# A cell starting with one of these runs as a formula in a spreadsheet; the
# export guards it with a leading apostrophe, which the import takes off.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


class DeckFileRefused(ValueError):
    """The whole file is refused; nothing in it is used."""

    def __init__(self, code: str, **details: object) -> None:
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class CardData:
    complaint: str
    theme: str = "other"
    difficulty: int = 1
    coach_note: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class DeckMeta:
    name: str
    slug: str = ""
    language: str = "en"
    description: str = ""


@dataclass(frozen=True)
class Row:
    """One line of a file: a card, or the problems that keep it out."""

    line: int
    text: str  # the complaint as written, to show beside a problem
    card: CardData | None
    problems: tuple[Problem, ...] = ()


class SplitRows:
    """Rows that parsed into a card (good) and rows with problems (bad)."""

    rows: list[Row]

    @property
    def good(self) -> list[Row]:
        return [row for row in self.rows if row.card is not None]

    @property
    def bad(self) -> list[Row]:
        return [row for row in self.rows if row.card is None]


@dataclass
class ParsedFile(SplitRows):
    kind: str  # "csv" or "json"
    rows: list[Row]
    meta: DeckMeta | None = None
    ignored_columns: list[str] = field(default_factory=list)


# --- reading ---------------------------------------------------------------

def _ticker(pause: Callable[[], None] | None, every: int = 100) -> Callable[[], None]:
    """Calls ``pause`` once every ``every`` calls: a long file lets the server's
    other work (every live game on this worker) run between its rows."""
    count = 0

    def tick() -> None:
        nonlocal count
        count += 1
        if pause is not None and count % every == 0:
            pause()

    return tick


def read_file(filename: str, data: bytes, pause: Callable[[], None] | None = None) -> ParsedFile:
    """Bytes of an uploaded or given file → its rows; refuses unreadable files.

    ``pause`` is called now and then while reading (the server yields to its
    other work there)."""
    if len(data) > MAX_FILE_BYTES:
        raise DeckFileRefused("too_big", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    suffix = PurePath(filename).suffix.lower()
    if suffix not in (".csv", ".json", ".txt", ""):
        raise DeckFileRefused("not_deck_file", filename=filename)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DeckFileRefused("not_utf8") from None
    if "\x00" in text:
        raise DeckFileRefused("not_deck_file", filename=filename)
    if not text.strip():
        raise DeckFileRefused("empty_file")
    looks_json = text.lstrip().startswith(("{", "["))
    tick = _ticker(pause)
    if suffix == ".json" or (suffix != ".csv" and looks_json):
        parsed = parse_json(text, tick)
    else:
        parsed = parse_csv(text, tick)
    if not parsed.rows:
        raise DeckFileRefused("no_cards")
    return parsed


def _header_name(raw: str) -> str:
    name = re.sub(r"[\s\-']+", "_", raw.strip().casefold()).strip("_")
    return _HEADER_ALIASES.get(name, name)


def _choose_delimiter(text: str) -> tuple[str, str]:
    """Comma or semicolon (spreadsheets in many locales use ;); a "sep=" line wins."""
    first, _, rest = text.partition("\n")
    if first.strip().lower() in ("sep=;", "sep=,"):
        return first.strip()[-1], rest
    best = max((",", ";"), key=lambda d: ("complaint" in _headers(first, d), len(_headers(first, d))))
    return best, text


def _headers(line: str, delimiter: str) -> list[str]:
    return [_header_name(cell) for cell in next(csv.reader([line], delimiter=delimiter), [])]


def parse_csv(text: str, tick: Callable[[], None] = lambda: None) -> ParsedFile:
    delimiter, text = _choose_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [_header_name(cell) for cell in next(reader)]
    except (StopIteration, csv.Error):
        raise DeckFileRefused("no_complaint_column", columns="") from None
    if "complaint" not in header:
        raise DeckFileRefused("no_complaint_column", columns=", ".join(h for h in header if h))
    rows, line = [], reader.line_num
    try:
        for cells in reader:
            tick()
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue  # spreadsheets leave blank rows at the end
            if len(rows) == MAX_CARDS:
                raise DeckFileRefused("too_many_cards", limit=MAX_CARDS)
            if any(cell.strip() for cell in cells[len(header):]):
                # Shifted cells would make every later column wrong too: say the cause once.
                rows.append(Row(start, cells[header.index("complaint")], None, (Problem("extra_cells"),)))
                continue
            values = dict(zip(header, cells, strict=False))
            # Only CSV cells carry the export's formula guard; JSON text is as written.
            for column in ("complaint", "coach_note"):
                values[column] = _unguard(values.get(column))
            rows.append(_row(start, values, []))
    except csv.Error as broken:
        raise DeckFileRefused("bad_csv", line=reader.line_num, reason=str(broken)) from None
    ignored = [h for h in header if h and h not in CSV_COLUMNS]
    return ParsedFile("csv", with_duplicates_marked(rows), ignored_columns=ignored)


def _unguard(value: object) -> object:
    if isinstance(value, str) and _FORMULA.match(value) and value.startswith("'"):
        return value[1:]
    return value


def _row(line: int, values: dict, problems: list[Problem]) -> Row:
    """One record's fields → a Row; ``problems`` found earlier come first."""
    raw = values.get("complaint", "")
    card, found = check_card(
        complaint=raw,
        theme=values.get("theme"),
        difficulty=values.get("difficulty"),
        coach_note=values.get("coach_note"),
        enabled=values.get("enabled"),
    )
    problems += found
    text = raw if isinstance(raw, str) else json.dumps(raw)
    if problems:
        return Row(line, text, None, tuple(problems))
    return Row(line, text, CardData(**card))


class _LinedList(list):
    lines: list[int] = []


def _lined_decoder(text: str, tick: Callable[[], None]) -> json.JSONDecoder:
    """A decoder whose lists know the line each of their items starts on."""
    from bisect import bisect_right
    from json.scanner import py_make_scanner

    newlines = [i for i, ch in enumerate(text) if ch == "\n"]
    decoder = json.JSONDecoder()

    def parse_array(s_and_end, scan_once, *args):
        starts = []

        def recording(string, index):
            tick()
            starts.append(index)
            return scan_once(string, index)

        values, end = json.decoder.JSONArray(s_and_end, recording, *args)
        lined = _LinedList(values)
        lined.lines = [bisect_right(newlines, index) + 1 for index in starts]
        return lined, end

    decoder.parse_array = parse_array
    decoder.scan_once = py_make_scanner(decoder)
    return decoder


def _too_deep(text: str) -> bool:
    """Whether brackets outside strings nest deeper than MAX_JSON_DEPTH (read
    before parsing: the scan is linear and never recurses)."""
    depth = 0
    for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            return True
    return False


def parse_json(text: str, tick: Callable[[], None] = lambda: None) -> ParsedFile:
    if _too_deep(text):
        raise DeckFileRefused("too_deep")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as broken:
        raise DeckFileRefused("bad_json", line=broken.lineno, column=broken.colno) from None
    if not isinstance(data, dict) or data.get("format") != DECK_FORMAT:
        raise DeckFileRefused("wrong_format", expected=DECK_FORMAT)
    if not isinstance(data.get("cards"), list):
        raise DeckFileRefused("no_cards_list")
    if len(data["cards"]) > MAX_CARDS:
        raise DeckFileRefused("too_many_cards", limit=MAX_CARDS)
    meta, problem = check_meta(data)
    if problem:
        raise DeckFileRefused(problem.code, **problem.details)
    cards = _lined_decoder(text, tick).decode(text)["cards"]
    rows = []
    for number, (item, line) in enumerate(zip(cards, cards.lines, strict=True), start=1):
        tick()
        if not isinstance(item, dict):
            rows.append(Row(line, json.dumps(item)[:80], None, (Problem("not_a_card", number=number),)))
        else:
            rows.append(_row(line, item, []))
    return ParsedFile("json", with_duplicates_marked(rows), meta=DeckMeta(**meta))


_BULLET = re.compile(r"^\s*(?:[-*•–—]|\d{1,3}[.)])\s+")


def parse_lines(text: str, theme: str, difficulty: int | str) -> list[Row]:
    """Pasted complaints, one a line; list bullets and numbering are dropped."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        complaint = _BULLET.sub("", line)
        if complaint.strip():
            rows.append(_row(number, {"complaint": complaint, "theme": theme, "difficulty": difficulty}, []))
    return with_duplicates_marked(rows)


# --- writing ---------------------------------------------------------------

def _guard(text: str) -> str:
    return "'" + text if _FORMULA.match(text) else text


def export_csv(cards: list[CardData]) -> bytes:
    """UTF-8 with a BOM, so Excel reads the accents; comma separated."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for card in cards:
        writer.writerow([
            _guard(card.complaint), _guard(card.coach_note), card.theme, card.difficulty,
            "yes" if card.enabled else "no",
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_json(meta: DeckMeta, cards: list[CardData]) -> bytes:
    data = {
        "format": DECK_FORMAT,
        "slug": meta.slug,
        "name": meta.name,
        "language": meta.language,
        "description": meta.description,
        "cards": [
            {"complaint": c.complaint, "theme": c.theme, "difficulty": c.difficulty,
             "coach_note": c.coach_note, "enabled": c.enabled}
            for c in cards
        ],
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


__all__ = [
    "CardData", "DeckFileRefused", "DeckMeta", "ParsedFile", "Problem", "Row", "complaint_key",
    "export_csv", "export_json", "parse_csv", "parse_json", "parse_lines", "read_file",
]
