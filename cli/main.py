"""`newsbrief`: train, evaluate, classify, brief, analyze, serve."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
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


def _add_batch(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    batch = sub.add_parser(
        "batch",
        help="back-fill a file or folder of articles into Parquet or JSON Lines",
        description="Analyse every article of INPUT (a .jsonl/.ndjson/.parquet file or a folder "
        "of them: id, text, optional title) into OUTPUT, a folder of one file per shard plus a "
        "manifest. Rerun the same command after a crash: finished shards are skipped.",
    )
    batch.add_argument("input", help="input file or folder")
    batch.add_argument("output", help="output folder (created; reused to resume)")
    batch.add_argument(
        "--format", choices=["parquet", "jsonl"], default="parquet", help="output format"
    )
    batch.add_argument(
        "--engine", choices=["local", "ray"], default="local", help="local processes or Ray Data"
    )
    batch.add_argument(
        "--workers",
        type=int,
        help="worker processes / Ray actors, one model copy each (default: the cores here, "
        "or the cluster's CPUs with --address)",
    )
    batch.add_argument(
        "--address", help="Ray cluster to join (auto, ray://host:10001); default: a local Ray"
    )
    batch.add_argument(
        "--shard-size", type=int, default=1000, help="rows per shard, the unit of resume"
    )
    batch.add_argument(
        "--allow-mixed-models",
        action="store_true",
        help="resume even though finished shards were written by other model versions",
    )
    _add_brief_options(batch)
    batch.add_argument("--min-score", type=float, help="list topics scoring at least this")


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

    _add_batch(sub)

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


def _batch(args: argparse.Namespace) -> int:
    from batch.run import BatchRefused, BatchRequest, run_batch

    if args.shard_size < 1 or (args.workers is not None and args.workers < 1):
        print("newsbrief batch: --shard-size and --workers must be at least 1", file=sys.stderr)
        return EXIT_UNUSABLE
    if args.address is not None and args.engine != "ray":
        print("newsbrief batch: --address needs --engine ray", file=sys.stderr)
        return EXIT_UNUSABLE
    request = BatchRequest(
        input=Path(args.input).resolve(),
        output=Path(args.output).resolve(),
        format=args.format,
        shard_size=args.shard_size,
        engine=args.engine,
        workers=args.workers,
        address=args.address,
        allow_mixed_models=args.allow_mixed_models,
        options=_options(args, ()),
    )
    try:
        return run_batch(request, sys.stderr)
    except BatchRefused as error:
        print(f"newsbrief batch: {error}", file=sys.stderr)
        return EXIT_UNUSABLE


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
        if args.command == "batch":
            return _batch(args)
        parts: dict[str, list[Part]] = {
            "classify": ["topics"],
            "brief": ["brief"],
            "analyze": ["topics", "brief"],
        }
        return _run_articles(args, parts[args.command])
    except (InputError, NotBuiltError, ConfigError, ArticleError) as error:
        print(f"newsbrief {args.command}: {error}", file=sys.stderr)
        return EXIT_UNUSABLE
