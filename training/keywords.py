"""The keyword baseline: what a careful regular-expression matcher achieves on the topics.

It exists to show where the trained model earns its keep. The corpus is deliberately rich in
near misses (joint exercises, police patrols, "sanctioned" meaning approved, air-defence
identification zones), which is exactly where this baseline fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

KEYWORDS: dict[str, re.Pattern[str]] = {
    "air_defense_procurement": re.compile(
        r"\b(?:S-?[34]00s?|Patriots?|THAAD|Iron Dome|David's Sling|Arrow[- ]?[23]|IRIS-T|NASAMS|"
        r"SAMP/T|Hisar|Siper|Akash|(?:air|missile)[- ]defen[cs]e systems?)\b",
        re.IGNORECASE,
    ),
    "safe_zone": re.compile(
        r"\b(?:safe|buffer|demilitari[sz]ed|security) zones?\b|\bsecurity mechanism\b|"
        r"\b(?:peace|security) corridor\b",
        re.IGNORECASE,
    ),
    "joint_patrols": re.compile(
        r"\b(?:joint|combined|coordinated) (?:\w+ )?patrol(?:s|ling|ing)?\b|"
        r"\bjoint reconnaissance\b",
        re.IGNORECASE,
    ),
    "sanctions": re.compile(r"\bsanction(?:s|ed|ing)?\b|\bembargo(?:es)?\b|\bCAATSA\b", re.I),
}


class KeywordBaseline:
    """Predicts a label when its pattern matches at least ``min_hits`` times."""

    def __init__(self, min_hits: int = 1) -> None:
        self.labels = tuple(KEYWORDS)
        self.min_hits = min_hits

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        return [
            [
                label
                for label, pattern in KEYWORDS.items()
                if len(pattern.findall(text)) >= self.min_hits
            ]
            for text in texts
        ]
