"""The seed articles are acceptance cases: present, intact and well-formed."""

import json
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
KNOWN = {"air_defense_procurement", "safe_zone", "joint_patrols", "sanctions"}


def _labels() -> list[dict]:
    return [json.loads(line) for line in (SEEDS / "labels.jsonl").read_text().splitlines() if line]


def test_every_seed_file_has_gold_labels_and_vice_versa() -> None:
    files = {p.name for p in SEEDS.glob("*.txt")}
    assert len(files) == 5
    assert {row["file"] for row in _labels()} == files


def test_gold_labels_are_known_and_unique() -> None:
    for row in _labels():
        assert row["labels"], row["file"]
        assert set(row["labels"]) <= KNOWN, row
        assert len(set(row["labels"])) == len(row["labels"])


def test_seed_texts_are_utf8_articles_of_realistic_length() -> None:
    for path in SEEDS.glob("*.txt"):
        words = len(path.read_text(encoding="utf-8").split())
        assert 250 <= words <= 700, (path.name, words)


def test_seeds_kept_as_received_with_their_scraping_noise() -> None:
    text = (SEEDS / "004_0755255ae1d6484b.txt").read_text(encoding="utf-8")
    assert "6061172755001 b5a623e2-ab88-4c55-8180-4cc689afd1fe" in text
    headline = "US dispatches two top soldiers to discuss future of Syria safe zone"
    assert (SEEDS / "001_18b194c529416b89.txt").read_text(encoding="utf-8").count(headline) == 3
