"""Behaviour of the trained classifier: acceptance seeds, invariance, direction, near misses.

The texts here were written for these tests; none is in the training corpus.
"""

from __future__ import annotations

import pytest

from models.classifier import TopicClassifier
from tests.seed_gold import GOLD, KNOWN_MISSES, SEEDS

pytestmark = pytest.mark.slow

JOINT_EXERCISE = (
    "Greek and Egyptian forces wrapped up a ten-day joint exercise on Thursday, the defence "
    "ministry in Athens said.\n"
    "The drill, held off the coast of Alexandria, brought together frigates, special forces and "
    "helicopters from both countries.\n"
    "Officers practised boarding a suspect vessel and evacuating civilians from a port.\n"
    '"Our crews have never worked so closely together," a Greek rear admiral told reporters on '
    "the deck of the flagship.\n"
    "The two navies hold the exercise every autumn, and next year's edition will take place in "
    "the Aegean.\n"
    "Egypt's army spokesman said the training improved the interoperability of the two forces."
)

CITY_COUNCIL = (
    "The city council sanctioned a plan on Tuesday to turn the old tram depot into a market hall.\n"
    "Councillors voted 31 to 9 for the project, which will cost 14 million euros.\n"
    "The mayor said the hall would host farmers from the surrounding villages three days a week.\n"
    "Opponents argued the money should go to repairing roads in the eastern districts.\n"
    "Construction is due to begin in the spring and last about eighteen months.\n"
    "The depot has stood empty since the tram line closed in 2009."
)

TRADE_FAIR = (
    "Exporters from Poland and Lithuania signed deals worth 40 million euros at a food fair in "
    "Vilnius on Friday.\n"
    "Dairy producers were the busiest, with cheese makers from both countries reporting orders "
    "from Scandinavian supermarkets.\n"
    "The organisers said 12,000 visitors came through the halls over three days.\n"
    "Next year's fair will add a section for organic wine and craft beer.\n"
    "Officials from both agriculture ministries toured the stands and tasted smoked fish from "
    "the Baltic coast."
)

S400_SENTENCE = (
    "\nSeparately, the defence ministry said the second battery of the S-400 air defence system "
    "was delivered to the Murted air base on Tuesday and will be installed and tested next month."
)

NOISE_LINES = [
    "\nPhoto: Soldiers at a checkpoint near the border / AFP",
    "\nBy Deniz Arslan, Ankara",
    "\nRead more: What the latest talks mean for the region",
    "\n6240551870001 1f0c2a9e-5b7d-4e61-9a3c-2d8e7f401b6a\nvideo",
]


def _labels(classifier: TopicClassifier, text: str) -> list[str]:
    [result] = classifier.predict([text])
    return sorted(t.label for t in result.topics)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_MISSES[name], strict=True))
        if name in KNOWN_MISSES
        else name
        for name in sorted(GOLD)
    ],
)
def test_every_seed_gets_exactly_its_gold_labels(classifier: TopicClassifier, name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    assert _labels(classifier, text) == GOLD[name]


@pytest.mark.parametrize("noise", NOISE_LINES)
@pytest.mark.parametrize("name", sorted(GOLD))
def test_page_furniture_does_not_change_labels(
    classifier: TopicClassifier, name: str, noise: str
) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    assert _labels(classifier, text + noise) == _labels(classifier, text)
    assert _labels(classifier, noise.strip() + "\n" + text) == _labels(classifier, text)


@pytest.mark.parametrize(
    ("text", "swaps"),
    [
        (
            JOINT_EXERCISE,
            [
                ("Greek", "Turkish"),
                ("Egyptian", "Russian"),
                ("Athens", "Ankara"),
                ("Egypt", "Russia"),
                ("Alexandria", "Latakia"),
                ("Aegean", "Black Sea"),
            ],
        ),
        (
            TRADE_FAIR,
            [
                ("Poland", "Turkey"),
                ("Lithuania", "Syria"),
                ("Vilnius", "Ankara"),
                ("Baltic", "Mediterranean"),
            ],
        ),
    ],
)
def test_changing_countries_in_a_negative_creates_no_labels(
    classifier: TopicClassifier, text: str, swaps: list[tuple[str, str]]
) -> None:
    assert _labels(classifier, text) == []
    for old, new in swaps:
        text = text.replace(old, new)
    assert _labels(classifier, text) == []


def test_appending_an_s400_delivery_adds_air_defense_procurement(
    classifier: TopicClassifier,
) -> None:
    text = (SEEDS / "002_62335940e15ec100.txt").read_text(encoding="utf-8")
    before = _labels(classifier, text)
    after = _labels(classifier, text + S400_SENTENCE)
    assert "air_defense_procurement" not in before
    assert "air_defense_procurement" in after
    [scored_before] = classifier.predict([text])
    [scored_after] = classifier.predict([text + S400_SENTENCE])
    label = "air_defense_procurement"
    assert scored_after.scores[label] > scored_before.scores[label]


def test_a_joint_exercise_is_not_a_joint_patrol(classifier: TopicClassifier) -> None:
    assert "joint_patrols" not in _labels(classifier, JOINT_EXERCISE)


def test_sanctioned_by_the_city_council_is_not_sanctions(classifier: TopicClassifier) -> None:
    assert _labels(classifier, CITY_COUNCIL) == []


def test_evidence_supports_each_seed_label(classifier: TopicClassifier) -> None:
    keywords = {
        "air_defense_procurement": ("S-400", "Patriot", "system"),
        "safe_zone": ("zone", "corridor", "mechanism"),
        "joint_patrols": ("patrol", "reconnaissance"),
        "sanctions": ("sanction", "F-35"),
    }
    for name in GOLD:
        text = (SEEDS / name).read_text(encoding="utf-8")
        [result] = classifier.predict([text])
        for topic in result.topics:
            assert 1 <= len(topic.evidence) <= 3
            for span in topic.evidence:
                assert text[span.start : span.end] == span.text
            assert any(
                word.lower() in span.text.lower()
                for span in topic.evidence
                for word in keywords[topic.label]
            ), (name, topic.label, topic.evidence)
