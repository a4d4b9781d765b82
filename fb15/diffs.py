"""Word-by-word differences of two texts, for people: what was struck, what was added.

Used wherever an old and a new text are shown together (the comparison of revisions, the
History tabs). The texts are split into words, single punctuation marks and runs of
whitespace, so a changed comma is marked alone and line breaks survive; difflib finds the
longest matching stretches. Rendering escapes every piece of text; the markup is `<del>`
for removed and `<ins>` for added words (struck through and underlined by fb15.css), each
with a visually hidden „entfernt:“ / „hinzugefügt:“ so the change is clear without colour
and without the screen reader announcing deletions and insertions.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

# A word (with inner hyphens and apostrophes: "E-Akte", "Bürger*innen" stays "Bürger", "*",
# "innen"), one other visible character, or a run of whitespace.
TOKEN = re.compile(r"\w+(?:[-‐'’]\w+)*|[^\w\s]|\s+")
# Unchanged stretches longer than this many words are shortened to their first and last
# CONTEXT_WORDS words around „…“, so a one-word change in a long description stays findable.
CONTEXT_WORDS = 8


@dataclass(frozen=True)
class Segment:
    """A piece of one side: unchanged, changed (removed / added) or an omitted stretch."""

    text: str
    changed: bool = False
    omitted: bool = False


@dataclass(frozen=True)
class WordDiff:
    """Both sides of a comparison: the old text with its removed, the new with its added words."""

    old: tuple[Segment, ...]
    new: tuple[Segment, ...]

    @property
    def old_html(self) -> SafeString:
        return _render(self.old, "del", _("entfernt:"))

    @property
    def new_html(self) -> SafeString:
        return _render(self.new, "ins", _("hinzugefügt:"))


def is_free_text(model_field) -> bool:
    """A field whose values are worth comparing word by word: text without choices."""
    from django.db import models

    return (
        isinstance(model_field, models.CharField | models.TextField)
        and not model_field.choices
        and not model_field.is_relation
    )


def tokens(text: str) -> list[str]:
    """Split `text` so that joining the tokens gives it back unchanged."""
    return TOKEN.findall(text or "")


def word_diff(old: str, new: str, *, context: int = CONTEXT_WORDS) -> WordDiff:
    """Compare two texts word by word (see the module docstring)."""
    before, after = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    old_side: list[Segment] = []
    new_side: list[Segment] = []
    blocks = _blocks(matcher.get_opcodes(), before)
    for index, (is_equal, i1, i2, j1, j2) in enumerate(blocks):
        if is_equal:
            # The same stretch on both sides, shortened alike: keep the words next to a
            # change before it (`head`) and after it (`tail`).
            shortened = _shorten(
                before[i1:i2],
                head=context if index > 0 else 0,
                tail=context if index < len(blocks) - 1 else 0,
                context=context if len(blocks) > 1 else len(before),
            )
            old_side += shortened
            new_side += shortened
            continue
        if i2 > i1:
            old_side.append(Segment("".join(before[i1:i2]), changed=True))
        if j2 > j1:
            new_side.append(Segment("".join(after[j1:j2]), changed=True))
    return WordDiff(tuple(old_side), tuple(new_side))


def _blocks(opcodes, before: list[str]) -> list[tuple[bool, int, int, int, int]]:
    """Opcodes as (equal?, i1, i2, j1, j2), neighbouring changes joined into one block.

    A lone blank between two changes joins them too, so „neue Akte“ → „digitale Vorgänge“
    reads as one removed and one added stretch, not as word salad around a kept space.
    """
    blocks: list[list] = []
    for position, (op, i1, i2, j1, j2) in enumerate(opcodes):
        is_equal = op == "equal"
        between_changes = 0 < position < len(opcodes) - 1
        if is_equal and between_changes and "".join(before[i1:i2]).isspace():
            is_equal = False
        if blocks and not is_equal and not blocks[-1][0]:
            blocks[-1][2], blocks[-1][4] = i2, j2
        else:
            blocks.append([is_equal, i1, i2, j1, j2])
    return [tuple(block) for block in blocks]


def _shorten(parts: list[str], *, head: int, tail: int, context: int) -> list[Segment]:
    """An unchanged stretch; with more words than needed around the changes, the middle
    becomes „…“ (a stretch before the first change keeps only its end, and so on)."""
    text = "".join(parts)
    words = [i for i, token in enumerate(parts) if not token.isspace()]
    if len(words) <= head + tail + context:
        return [Segment(text)]
    segments = []
    if head:
        segments.append(Segment("".join(parts[: words[head - 1] + 1]) + " "))
    segments.append(Segment("…", omitted=True))
    if tail:
        segments.append(Segment(" " + "".join(parts[words[-tail] :])))
    return segments


def _render(segments: tuple[Segment, ...], tag: str, announcement: str) -> SafeString:
    if not segments:
        return mark_safe("—")
    parts = []
    for segment in segments:
        if segment.changed:
            parts.append(
                f'<{tag} class="fb15-word-diff__{tag}"><span class="kern-sr-only">'
                f"{escape(announcement)} </span>{escape(segment.text)}</{tag}>"
            )
        elif segment.omitted:
            parts.append(
                '<span class="fb15-word-diff__gap" aria-hidden="true">…</span>'
                f'<span class="kern-sr-only">{escape(_("(unveränderter Text ausgelassen)"))}</span>'
            )
        else:
            parts.append(escape(segment.text))
    # Every piece of text above is escaped.
    return mark_safe("".join(parts))
