"""`newsbrief`: train, evaluate, classify, brief, analyze, serve."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from cli.jsonl import InputError, process, read_input
from models.analyzer import AnalysisOptions, Analyzer, NotBuiltError, Part
from models.article import Article, ArticleError
from models.settings import ConfigError, ModelSettings

# Exit status: 0 all lines succeeded, 1 some line failed, 2 the run could not start.
EXIT_UNUSABLE = 2


def _add_input(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "input",
        help="JSON Lines file with one article per line ({id, title?, text}), a plain-text "
        "file taken as one article, or - for stdin",
    )


def _add_brief_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-sentences", type=int, help="sentences in the brief (default 3)")
    parser.add_argument("--max-words", type=int, help="word budget instead of a sentence count")
    parser.add_argument(
        "--focus",
        action="append",
        default=[],
        metavar="LABEL",
        help="prefer sentences supporting this topic (repeatable)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbrief", description="Topic tags and faithful briefs for news articles."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = sub.add_parser(
        "train", help="fit the topic classifier and the brief selector and write their artifacts"
    )
    train.add_argument(
        "--data", help="labelled JSON Lines (default: the bundled corpus's train split)"
    )
    train.add_argument("--name", default=None, help="artifact name (default: NEWSBRIEF_CLASSIFIER)")
    train.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing when a loadable artifact of that name already exists",
    )
    train.add_argument(
        "--designs",
        nargs="+",
        help="designs to compare (default: evidence tfidf+sentences; also tfidf, embeddings, "
        "combined)",
    )
    train.add_argument(
        "--only",
        choices=("classifier", "brief"),
        help="train one of the two (the brief selector always trains on the bundled data, "
        "and not at all with --data)",
    )

    evaluate = sub.add_parser("evaluate", help="score the classifier on labelled data")
    evaluate.add_argument(
        "--data",
        help="labelled JSON Lines, or a real-pages index such as training/real/index.jsonl "
        "(default: the held-out split)",
    )
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument(
        "--errors", action="store_true", help="list every article a system gets wrong"
    )
    evaluate.add_argument(
        "--baseline", choices=["keywords"], help="evaluate only the keyword baseline"
    )

    classify = sub.add_parser("classify", help="topic tags for each article")
    _add_input(classify)
    classify.add_argument("--min-score", type=float, help="list topics scoring at least this")

    brief = sub.add_parser("brief", help="a short extractive brief for each article")
    _add_input(brief)
    _add_brief_options(brief)

    analyze = sub.add_parser("analyze", help="topic tags and a brief for each article")
    _add_input(analyze)
    _add_brief_options(analyze)
    analyze.add_argument("--min-score", type=float, help="list topics scoring at least this")

    serve = sub.add_parser("serve", help="run the HTTP service under gunicorn")
    serve.add_argument("--host", help="bind address (default NEWSBRIEF_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default NEWSBRIEF_PORT or 8000)")
    serve.add_argument("--workers", type=int, help="worker processes (default NEWSBRIEF_WORKERS)")
    return parser


def _options(args: argparse.Namespace, labels: Sequence[str]) -> AnalysisOptions:
    raw: dict[str, Any] = {}
    for name in ("max_sentences", "max_words", "min_score"):
        value = getattr(args, name, None)
        if value is not None:
            raw[name] = value
    if getattr(args, "focus", None):
        raw["focus"] = list(args.focus)
    return AnalysisOptions.from_dict(raw, labels)


def load_analyzer(parts: Sequence[Part]) -> Analyzer:
    """The models this command needs, loaded from the configured models directory."""
    from models.loading import load_analyzer as load

    return load(ModelSettings.from_env(), parts)


def _run_articles(args: argparse.Namespace, parts: list[Part]) -> int:
    lines = read_input(args.input)
    analyzer = load_analyzer(parts)
    options = _options(args, analyzer.labels)
    analyzer.run([], parts, options)  # fail before any output if a model is missing

    def handle(articles: list[Article]) -> list[dict[str, Any] | ArticleError]:
        return analyzer.run(articles, parts, options)

    return process(lines, handle, sys.stdout, sys.stderr)


def _train(args: argparse.Namespace) -> int:
    from training.train import run_train

    return run_train(args)


def _evaluate(args: argparse.Namespace) -> int:
    from training.evaluate import run_evaluate

    return run_evaluate(args)


def _serve(args: argparse.Namespace) -> int:
    from service.serve import run_serve

    return run_serve(host=args.host, port=args.port, workers=args.workers)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "train":
            return _train(args)
        if args.command == "evaluate":
            return _evaluate(args)
        if args.command == "serve":
            return _serve(args)
        parts: dict[str, list[Part]] = {
            "classify": ["topics"],
            "brief": ["brief"],
            "analyze": ["topics", "brief"],
        }
        return _run_articles(args, parts[args.command])
    except (InputError, NotBuiltError, ConfigError, ArticleError) as error:
        print(f"newsbrief {args.command}: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
