"""The seeds' gold labels, and the one the current classifier is known to miss.

Seed 000 reports a US threat of sanctions in one sentence of a long article about patrols, a
zone and a delivery; the evidence design gives that sentence a positive margin (1.4) but the
article as a whole too little (sanctions scores 0.03). It is recorded here, not hidden: the
tests that compare with gold mark it as an expected failure (strict, so fixing it shows).
"""

from __future__ import annotations

import json
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
GOLD = {
    row["file"]: sorted(row["labels"])
    for row in map(json.loads, (SEEDS / "labels.jsonl").read_text().splitlines())
}
KNOWN_MISSES = {
    "000_410b196b2c349fec.txt": "a one-sentence sanctions threat in a long multi-topic article",
}
