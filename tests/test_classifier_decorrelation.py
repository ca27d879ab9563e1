"""The trained classifier labels what an article reports, not the topics it usually sits with.

Written for these tests (none is in the corpus, none is taken from a real page): each story
reports one topic and names its usual neighbour in passing, or is a short wire item.
"""

from __future__ import annotations

import pytest

from models.classifier import TopicClassifier

pytestmark = pytest.mark.slow

DELIVERY_WITH_CRITICISM = (
    "Four Il-76 transport aircraft landed at an air base outside the capital on Thursday "
    "carrying launchers and radar units of the second S-400 regiment, the defence ministry "
    "said.\n"
    "Technicians from the Russian manufacturer will spend about six weeks assembling the "
    "equipment and training local crews before acceptance trials in the spring.\n"
    "The ministry said the remaining missiles would arrive by sea before the end of the year, "
    "completing a contract signed in 2021.\n"
    "Washington has repeatedly voiced its displeasure with the purchase, and a State "
    "Department spokesman said on Thursday that the United States was 'disappointed'.\n"
    "Officials in the capital said the new regiment would protect the industrial belt along the "
    "river and that a site for a third unit was being surveyed near the northern border."
)

PATROL_WITH_ZONE_BACKGROUND = (
    "Russian and Turkish troops carried out a joint patrol east of the Euphrates on Tuesday, "
    "the Turkish defence ministry said, the first in three weeks after bad weather halted the "
    "convoys.\n"
    "Eight armoured vehicles and two drones took part in the patrol, which set out from a "
    "village near Kobani and covered about 70 kilometres before returning at dusk.\n"
    "The area lies inside the strip along the border that Kurdish fighters left in 2019.\n"
    "Residents watched from rooftops as the column passed; a few threw stones, and the "
    "vehicles sped up through the market without stopping.\n"
    "The ministry said the two sides would decide next week on the route of the next patrol."
)

SHORT_SANCTIONS_ITEM = (
    "The European Union on Monday froze the assets of six shipping companies accused of "
    "moving Iranian oil to Syria and barred their directors from entering the bloc, "
    "diplomats said. The measures take effect on Wednesday."
)

SHORT_PATROL_ITEM = (
    "Malaysian and Indonesian warships began a coordinated patrol of the Malacca Strait on "
    "Friday, the navies said, after three attacks on tankers this month."
)


def _labels(classifier: TopicClassifier, text: str) -> set[str]:
    [result] = classifier.predict([text])
    return {t.label for t in result.topics}


def test_delivery_with_criticism_gets_no_sanctions(classifier: TopicClassifier) -> None:
    labels = _labels(classifier, DELIVERY_WITH_CRITICISM)
    assert "air_defense_procurement" in labels
    assert "sanctions" not in labels


def test_patrol_with_zone_in_background_gets_no_safe_zone(classifier: TopicClassifier) -> None:
    labels = _labels(classifier, PATROL_WITH_ZONE_BACKGROUND)
    assert "joint_patrols" in labels
    assert "safe_zone" not in labels


@pytest.mark.parametrize(
    ("text", "label"),
    [(SHORT_SANCTIONS_ITEM, "sanctions"), (SHORT_PATROL_ITEM, "joint_patrols")],
    ids=["sanctions", "joint_patrols"],
)
def test_short_wire_item_still_gets_its_topic(
    classifier: TopicClassifier, text: str, label: str
) -> None:
    assert _labels(classifier, text) == {label}
