"""Focused briefs, measured: ROUGE against one reference per topic of multi-topic articles.

References ({"id", "label", "reference"} JSON Lines, reference_briefs_focus.jsonl) brief one
held-out article on one of its topics ("brief me on sanctions"). Each is scored for three
systems, all of 3 sentences, in the same run:
- focused: the summarizer with ``focus`` on that label (the classifier's evidence for it, as
  the service does for ``options.focus``);
- unfocused: the same summarizer without focus;
- keywords-first: the first sentences naming the topic's keywords (training/keywords.py),
  topped up with the lead when fewer match.

    python -m training.brief_focus [--json] [--references PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from models.analyzer import AnalysisOptions, Analyzer
from models.article import Article
from models.text import body_sentences
from training.brief_eval import BRIEF_SENTENCES, Case, System, join_sentences, score_system
from training.corpus import DATA_DIR, LabelledArticle, load_labelled
from training.keywords import KEYWORDS

FOCUS_REFERENCES_PATH = DATA_DIR / "reference_briefs_focus.jsonl"


def load_focus_references(path: Path) -> list[tuple[str, str, str]]:
    """(id, label, reference) rows; a malformed line is an error."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if not all(isinstance(row.get(key), str) for key in ("id", "label", "reference")):
            raise ValueError(f"{path}:{number}: needs string fields id, label and reference")
        rows.append((row["id"], row["label"], row["reference"]))
    return rows


def load_focus_cases(path: Path, data_dir: Path) -> tuple[list[Case], list[str]]:
    """Focus references joined to their articles, and the ids no corpus file has."""
    rows = load_focus_references(path)
    articles: dict[str, LabelledArticle] = {}
    for corpus in sorted(data_dir.glob("*.jsonl")):
        if not corpus.name.startswith("reference_briefs"):
            articles.update({a.id: a for a in load_labelled(corpus)})
    cases = [
        Case(i, articles[i].text, reference, articles[i].title, label)
        for i, label, reference in rows
        if i in articles
    ]
    return cases, sorted({i for i, _, _ in rows if i not in articles})


def keywords_first(case: Case, label: str, k: int = BRIEF_SENTENCES) -> str:
    """The first k sentences naming the label's keywords, then the lead, in source order."""
    found = body_sentences(case.text)
    pattern = KEYWORDS.get(label)
    naming = [i for i, s in enumerate(found) if pattern is not None and pattern.search(s.text)]
    chosen = naming[:k]
    chosen += [i for i in range(len(found)) if i not in chosen][: k - len(chosen)]
    return join_sentences(found[i] for i in sorted(chosen))


def focus_systems(analyzer: Analyzer, k: int = BRIEF_SENTENCES) -> dict[str, System]:
    def brief(case: Case, focus: tuple[str, ...]) -> str:
        options = AnalysisOptions(max_sentences=k, focus=focus)
        (result,) = analyzer.run([Article(case.id, case.text, case.title)], ["brief"], options)
        return str(result["brief"]["text"]) if isinstance(result, dict) else ""

    return {
        "focused": lambda case: brief(case, (case.label,)),
        "unfocused": lambda case: brief(case, ()),
        "keywords-first": lambda case: keywords_first(case, case.label, k),
    }


def evaluate_focus(cases: Sequence[Case], systems: dict[str, System]) -> dict[str, Any]:
    """Mean ROUGE per system over the per-topic references."""
    return {
        "n": len(cases),
        "articles": len({case.id for case in cases}),
        "systems": {name: score_system(system, cases) for name, system in systems.items()},
    }


def _table(report: dict[str, Any]) -> str:
    lines = [
        f"focused briefs: {report['n']} per-topic references on {report['articles']} articles",
        f"  {'system':<14} {'ROUGE-1':>8} {'ROUGE-2':>8} {'ROUGE-L':>8} {'words':>6}",
    ]
    for name, row in report["systems"].items():
        lines.append(
            f"  {name:<14} {row['rouge1']:>8.4f} {row['rouge2']:>8.4f} {row['rougeL']:>8.4f} "
            f"{row['mean_words']:>6.1f}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, analyzer: Analyzer | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.brief_focus", description=__doc__)
    parser.add_argument("--references", type=Path, default=FOCUS_REFERENCES_PATH)
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="directory of corpus files")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if not args.references.is_file():
        print(f"no focus references yet ({args.references}); nothing to evaluate", file=sys.stderr)
        return 0
    cases, missing = load_focus_cases(args.references, args.data)
    if missing:
        print(f"{len(missing)} reference ids have no article: {missing[:5]}", file=sys.stderr)
    if analyzer is None:
        from models.loading import load_analyzer
        from models.settings import ModelSettings

        analyzer = load_analyzer(ModelSettings.from_env(), ["brief"])
    report = {**evaluate_focus(cases, focus_systems(analyzer)), "missing_ids": missing}
    print(json.dumps(report) if args.json else _table(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
