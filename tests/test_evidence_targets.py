"""Sentence targets of the evidence design, and the data checks on marked sentences."""

from __future__ import annotations

import numpy as np

from models.features import article_parts
from training.checks import Report, check_marks
from training.corpus import LabelledArticle
from training.evidence import UNKNOWN, pseudo_targets, sentence_targets

TEXT = (
    "The Treasury froze the assets of two shipping firms on Monday. "
    "The firms carried oil for a sanctioned refinery. "
    "Separately, a second battery of the air-defence system arrived at the base. "
    "Officials said the weather was fine."
)
LABELS = ("air_defense_procurement", "sanctions")


def _article(**marks: dict[str, tuple[str, ...]]) -> LabelledArticle:
    return LabelledArticle("a1", "", TEXT, ("sanctions",), "", **marks)


def test_marked_sentences_are_positive_the_rest_of_the_article_negative() -> None:
    article = _article(
        evidence={"sanctions": ("The Treasury froze the assets of two shipping firms on Monday.",)}
    )
    targets = sentence_targets(article, article_parts(TEXT), LABELS)
    assert targets[:, 1].tolist() == [1, 0, 0, 0]
    # The article lacks air_defense_procurement, so all its sentences are negatives for it.
    assert targets[:, 0].tolist() == [0, 0, 0, 0]


def test_a_label_without_marks_is_unknown_until_pseudo_labelled() -> None:
    targets = sentence_targets(_article(), article_parts(TEXT), LABELS)
    assert targets[:, 1].tolist() == [UNKNOWN] * 4
    filled = pseudo_targets(targets, np.array([[0, 3.0], [0, 1.0], [0, 2.0], [0, -1.0]]))
    assert filled[:, 1].tolist() == [1, 0, 0, 0]
    assert filled[:, 0].tolist() == [0, 0, 0, 0]


def test_marks_must_be_verbatim_and_on_the_right_side_of_the_labels() -> None:
    report = Report()
    article = _article(
        evidence={
            "sanctions": ("The Treasury froze everything.",),
            "safe_zone": ("Officials said the weather was fine.",),
        },
        mentions={"sanctions": ("The firms carried oil for a sanctioned refinery.",)},
    )
    check_marks([article], report)
    assert any("evidence not in the text" in e for e in report.errors)
    assert any("evidence for safe_zone" in e for e in report.errors)
    assert any("a mention of sanctions" in e for e in report.errors)
    clean = Report()
    check_marks(
        [_article(evidence={"sanctions": ("The firms carried oil for a sanctioned refinery.",)})],
        clean,
    )
    assert clean.errors == []


def test_the_evidence_design_learns_from_labels_alone_when_nothing_is_marked() -> None:
    from models.margins import margins
    from training import designs

    texts = [
        "The Treasury froze the assets of two firms. Officials said more measures would follow.",
        "Troops from two countries patrolled the border together. The patrol lasted a day.",
        "The weather was fine on Sunday. Farmers sold cheese at the market.",
    ] * 4
    y = np.array([[0, 1], [1, 0], [0, 0]] * 4)
    parts = [article_parts(t) for t in texts]
    model = designs.fit("evidence", ("joint_patrols", "sanctions"), parts, y, None, 7)
    scored = margins(model, [p.doc for p in parts[:3]], [p.units for p in parts[:3]])
    assert (scored.documents > 0).astype(int).tolist() == y[:3].tolist()
