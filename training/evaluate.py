"""`newsbrief evaluate`: per-label and overall scores on labelled data."""

from __future__ import annotations

import argparse

from models.analyzer import NotBuiltError


def run_evaluate(args: argparse.Namespace) -> int:
    del args
    raise NotBuiltError("evaluation is not built yet")
