"""The SQLite fallback's text rules, independent of the database."""

from fb15.search_folding import (
    fold,
    highlight,
    light_stem,
    query_groups,
    query_terms,
    umlaut_variant,
)


def test_fold_lowers_case_and_drops_umlaut_marks_and_sharp_s():
    assert fold("Straße") == "strasse"
    assert fold("ÄRZTE Öffnung Übersicht") == "arzte offnung ubersicht"
    assert fold("Café") == "cafe"
    assert fold(None) == ""


def test_umlaut_variant_reads_ae_oe_ue_as_umlauts():
    assert umlaut_variant("Antraege Oeffnung Tuer") == "Anträge Öffnung Tür"
    assert umlaut_variant("Antrag") == "Antrag"


def test_light_stem_strips_one_ending_and_keeps_four_letters():
    assert light_stem("antrage") == "antrag"
    assert light_stem("digitalisierung") == "digitalisier"
    assert light_stem("schuler") == "schul"
    assert light_stem("akte") == "akte"


def test_query_terms_hold_each_spelling_of_a_word():
    assert query_terms("Anträge Schueler") == [("antrag",), ("schuel", "schul")]
    assert query_terms("'\"&|!:*()") == []


def test_highlight_marks_matches_in_the_original_spelling_and_escapes():
    terms = query_terms("strasse")
    assert highlight("Die <b>Straße</b>", terms) == "Die &lt;b&gt;<mark>Straße</mark>&lt;/b&gt;"


def test_highlight_cuts_around_the_first_match():
    text = "Wort " * 100 + "Antrag auf Wohngeld " + "Rest " * 100
    html = highlight(text, query_terms("Anträge"), width=80)
    assert html.startswith("… ") and html.endswith(" …")
    assert "<mark>Antrag</mark>" in html and len(html) < 140


def test_sentinel_characters_in_the_text_cannot_forge_marks():
    assert highlight("a\ue000b\ue001c", query_terms("zzz")) == "abc"


def test_query_groups_read_oder_and_minus_like_the_websearch_syntax():
    assert query_groups("Antrag -Wohngeld oder Kita") == [
        ([("antrag",)], [("wohngeld",)]),
        ([("kita",)], []),
    ]
    assert query_groups("oder") == []
