"""`newsbrief train`: fit the topic classifier and write its artifact."""

from __future__ import annotations

import argparse

from models.analyzer import NotBuiltError


def run_train(args: argparse.Namespace) -> int:
    del args
    raise NotBuiltError("training is not built yet")
