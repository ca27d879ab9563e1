"""Data tests: the bundled corpus passes its checks, and the checks do catch what they claim."""

from __future__ import annotations

from training.checks import Report, check_duplicates, check_seed_overlap, run_checks
from training.corpus import LabelledArticle, load_corpus, split, stratified_test_ids

STORY = (
    "The defence ministry said on Tuesday that the second battery of the system had arrived "
    "at the air base after a week-long journey by sea and rail from the factory. Engineers "
    "from the manufacturer will spend a month installing the radar and the launchers before "
    "the first test firing over the range in the north of the country. Officials declined to "
    "say how much the contract was worth, but opposition lawmakers put it near two billion."
)


def _article(article_id: str, text: str, labels: tuple[str, ...] = ()) -> LabelledArticle:
    return LabelledArticle(article_id, "title", text, labels)


def test_bundled_corpus_passes_every_check() -> None:
    report = run_checks()
    assert report.errors == []
    assert report.stats["articles"] >= 900
    assert report.stats["repeated_long_sentences"]["share"] < 0.02


def test_near_duplicates_and_reused_sentences_are_caught() -> None:
    report = Report()
    tweaked = STORY.replace("Tuesday", "Wednesday")
    check_duplicates(
        [_article("a", STORY), _article("b", tweaked), _article("c", "Unrelated words. " * 30)],
        report,
    )
    assert any("near-duplicates" in e for e in report.errors)
    assert any("long sentences occur in more than one article" in e for e in report.errors)


def test_copying_a_seed_sentence_is_caught() -> None:
    seed = "Akar said the first joint reconnaissance flight was carried out with a helicopter."
    report = Report()
    check_seed_overlap([_article("x", "Some text. " + seed + " More text.")], [seed], report)
    assert any("copies a seed sentence" in e for e in report.errors)


def test_split_is_fixed_stratified_and_disjoint() -> None:
    articles = load_corpus()
    train, test = split(articles)
    assert {a.id for a in train}.isdisjoint({a.id for a in test})
    assert len(train) + len(test) == len(articles)
    assert 0.17 <= len(test) / len(articles) <= 0.23
    for label in ("air_defense_procurement", "joint_patrols", "safe_zone", "sanctions"):
        share = sum(label in a.labels for a in test) / sum(label in a.labels for a in articles)
        assert 0.14 <= share <= 0.26, (label, share)


def test_growing_the_corpus_moves_no_article_across_the_split() -> None:
    articles = load_corpus()
    first = set(stratified_test_ids(articles[:600]))
    first_train = {a.id for a in articles[:600]} - first
    grown = set(
        stratified_test_ids(articles, already=frozenset(first), settled=frozenset(first_train))
    )
    assert first <= grown
    assert not grown & first_train
    added = grown - first
    assert 0.1 <= len(added) / (len(articles) - 600) <= 0.3


def test_reference_briefs_stay_on_their_side_of_the_split() -> None:
    """Training references come from training articles and reported ones from held-out articles,
    so the ROUGE that is reported was never trained on."""
    from training.brief_eval import DEV_REFERENCES_PATH, REFERENCES_PATH, load_references

    train, test = split(load_corpus())
    held_out = {a.id for a in test}
    trained_on = {a.id for a in train}
    reported = load_references(REFERENCES_PATH)
    tuned = load_references(DEV_REFERENCES_PATH)
    assert len(reported) >= 100 and set(reported) <= held_out
    assert len(tuned) >= 400 and set(tuned) <= trained_on
    for reference in [*reported.values(), *tuned.values()]:
        assert 30 <= len(reference.split()) <= 130, reference


def test_focus_references_brief_one_topic_of_a_held_out_multi_topic_article() -> None:
    from training.brief_focus import FOCUS_REFERENCES_PATH, load_focus_references

    _, test = split(load_corpus())
    held_out = {a.id: a for a in test}
    rows = load_focus_references(FOCUS_REFERENCES_PATH)
    assert len({article_id for article_id, _, _ in rows}) >= 40
    assert len(rows) == len({(article_id, label) for article_id, label, _ in rows})
    for article_id, label, reference in rows:
        article = held_out[article_id]
        assert len(article.labels) >= 2 and label in article.labels
        assert 30 <= len(reference.split()) <= 130, reference
