"""Text folding for the SQLite fallback and for variants of what people type.

PostgreSQL's `german` configuration stems words and, as the Snowball German stemmer does,
drops umlaut marks and turns "ß" into "ss". SQLite knows none of that, so the fallback
compares *folded* text (case folded, ß → ss, accents removed) with lightly stemmed query
words, and marks the matches in Python.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.html import escape

# People without a German keyboard write "ae" for "ä": search for both spellings.
_DIGRAPHS = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"), ("Ae", "Ä"), ("Oe", "Ö"), ("Ue", "Ü"))
# Common German inflection and derivation endings, longest first (a light stemmer).
_SUFFIXES = (
    "ungen",
    "heiten",
    "keiten",
    "ung",
    "heit",
    "keit",
    "ern",
    "em",
    "en",
    "er",
    "es",
    "e",
    "n",
    "s",
)
_MIN_STEM = 4
MAX_TERMS = 10
# Private-use sentinels around matches until the text is escaped.
START, STOP = "\ue000", "\ue001"


def fold(text: str | None) -> str:
    """Lower case without accents: "Straße" → "strasse", "Anträge" → "antrage"."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def umlaut_variant(text: str) -> str:
    """The spelling with umlauts: "Antraege" → "Anträge" (unchanged if there is no digraph)."""
    for digraph, umlaut in _DIGRAPHS:
        text = text.replace(digraph, umlaut)
    return text


def light_stem(word: str) -> str:
    """Strip one common ending, keeping at least four letters: "antrage" → "antrag"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def _spellings(word: str) -> tuple[str, ...]:
    return tuple(sorted({light_stem(fold(word)), light_stem(fold(umlaut_variant(word)))}))


def query_terms(query: str) -> list[tuple[str, ...]]:
    """The words of a query to highlight, each as its folded, stemmed spellings."""
    words = [word for word in re.findall(r"\w+", query) if word.lower() not in _OR_WORDS]
    return [_spellings(word) for word in words[:MAX_TERMS]]


_OR_WORDS = {"oder", "or"}


def query_groups(query: str) -> list[tuple[list[tuple[str, ...]], list[tuple[str, ...]]]]:
    """The query as alternatives ("oder"/"or" between words), each with the words it needs
    and the words it excludes ("-Wort"), every word in all its spellings.

    The same reading as PostgreSQL's websearch syntax, quotes aside.
    """
    groups: list[tuple[list, list]] = [([], [])]
    for token in query.split()[: MAX_TERMS * 2]:
        if token.lower() in _OR_WORDS:
            groups.append(([], []))
            continue
        excluded = token.startswith("-")
        for word in re.findall(r"\w+", token):
            groups[-1][1 if excluded else 0].append(_spellings(word))
    return [group for group in groups if group[0]]


def _folded_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, its index in the original."""
    parts, positions = [], []
    for index, char in enumerate(text):
        folded = fold(char)
        parts.append(folded)
        positions.extend([index] * len(folded))
    return "".join(parts), positions


def match_spans(text: str, terms: list[tuple[str, ...]]) -> list[tuple[int, int]]:
    """Sorted, merged (start, end) spans of the original text matching any term."""
    folded, positions = _folded_with_positions(text)
    spans = []
    for variants in terms:
        for variant in variants:
            if not variant:
                continue
            for found in re.finditer(re.escape(variant), folded):
                end = positions[found.end() - 1] + 1
                while end < len(text) and text[end].isalnum():  # mark the whole word
                    end += 1
                spans.append((positions[found.start()], end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark_sentinels(text: str) -> str:
    """Escape text carrying match sentinels and turn each marked part into <mark>…</mark>."""
    escaped = str(escape(text))
    marked = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", escaped)
    return marked.replace(START, "").replace(STOP, "")


def highlight(text: str, terms: list[tuple[str, ...]], *, width: int | None = None) -> str:
    """HTML of `text` (escaped) with matches in <mark>; cut to about `width` characters
    around the first match when given (with "…" where cut)."""
    text = (text or "").replace(START, "").replace(STOP, "")
    spans = match_spans(text, terms)
    start, end = 0, len(text)
    if width is not None and len(text) > width:
        centre = spans[0][0] if spans else 0
        start = max(0, centre - width // 3)
        if start:
            space = text.rfind(" ", 0, start)
            start = space + 1 if space != -1 and start - space < 20 else start
        end = min(len(text), start + width)
        if end < len(text):
            space = text.find(" ", end)
            end = space if space != -1 and space - end < 20 else end
    pieces, cursor = [], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(text[cursor:span_start])
        pieces.append(START + text[span_start:span_end] + STOP)
        cursor = span_end
    pieces.append(text[cursor:end])
    html = mark_sentinels("".join(pieces))
    return ("… " if start else "") + html + (" …" if end < len(text) else "")
