"""The real-text development set: an index we commit, page texts we never commit.

Real pages judge whether the classifier learned topics or only our own writing habits, but
their text is not ours to ship. So ``training/real/index.jsonl`` holds, per page, where it came
from (url, the search query that found it), our labels and notes, its length and the sha256 of
its text; the texts live in the git-ignored ``training/real/texts/<id>.txt``. The README says
how to collect them again; ``load_real`` refuses a text whose hash differs from the index, so
a re-collected page that changed is noticed rather than silently scored.

``python -m training.real import FILE`` takes collected pages as JSON Lines
(``{"id", "url", "query", "text", "labels", "notes"}``) and writes both halves;
``python -m training.real missing`` lists the pages whose text a re-collection must find.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from training.corpus import CorpusError, LabelledArticle

REAL_DIR = Path(__file__).resolve().parent / "real"
INDEX_PATH = REAL_DIR / "index.jsonl"
INDEX_FIELDS = ("id", "url", "query", "labels", "notes", "words", "sha256")


def texts_dir(index: Path) -> Path:
    return index.parent / "texts"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_index(index: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(index.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        missing = [f for f in INDEX_FIELDS if f not in row]
        if missing:
            raise CorpusError(f"{index}:{number}: missing {', '.join(missing)}")
        if "text" in row:
            raise CorpusError(f"{index}:{number}: the index must not carry page text")
        rows.append(row)
    return rows


def is_index(path: Path) -> bool:
    """An index names texts by sha256 instead of carrying them."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            return "sha256" in row and "text" not in row
    return False


def load_real(index: Path = INDEX_PATH) -> list[LabelledArticle]:
    """The indexed pages whose texts are present and unchanged; missing ones are an error."""
    folder = texts_dir(index)
    articles, absent = [], []
    for row in read_index(index):
        path = folder / f"{row['id']}.txt"
        if not path.exists():
            absent.append(row["id"])
            continue
        text = path.read_text(encoding="utf-8")
        if text_sha256(text) != row["sha256"]:
            raise CorpusError(f"{path}: text differs from the one indexed (sha256)")
        articles.append(
            LabelledArticle(row["id"], "", text, tuple(sorted(row["labels"])), row["notes"])
        )
    if absent:
        raise CorpusError(
            f"{len(absent)} indexed page texts are not in {folder} (e.g. {absent[0]}): "
            "collect them as the README's 'Real pages' section says"
        )
    return articles


def import_pages(collected: Path, index: Path = INDEX_PATH) -> int:
    """Add collected pages to the index and the texts folder; returns how many were written.

    A page whose id is already indexed is a re-collection: its text is stored and its length
    and hash updated, while url, query, labels and notes stay as indexed (a changed hash then
    shows in the index's diff). A new id whose url is already indexed is skipped.
    """
    existing = {row["id"]: row for row in read_index(index)} if index.exists() else {}
    seen_urls = {row["url"] for row in existing.values()}
    folder = texts_dir(index)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for line in collected.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        page = json.loads(line)
        text = page["text"]
        row = existing.get(page["id"])
        if row is None:
            if page["url"] in seen_urls:
                continue
            row = {
                "id": page["id"],
                "url": page["url"],
                "query": page["query"],
                "labels": sorted(set(page["labels"])),
                "notes": page.get("notes", ""),
            }
            existing[page["id"]] = row
            seen_urls.add(page["url"])
        row["words"] = len(text.split())
        row["sha256"] = text_sha256(text)
        (folder / f"{page['id']}.txt").write_text(text, encoding="utf-8")
        written += 1
    index.parent.mkdir(parents=True, exist_ok=True)
    with index.open("w", encoding="utf-8") as out:
        for row in sorted(existing.values(), key=lambda r: r["id"]):
            out.write(json.dumps({f: row[f] for f in INDEX_FIELDS}, ensure_ascii=False) + "\n")
    return written


def missing(index: Path = INDEX_PATH) -> list[dict[str, Any]]:
    """Indexed pages whose text is absent: what a re-collection has to search for."""
    folder = texts_dir(index)
    return [row for row in read_index(index) if not (folder / f"{row['id']}.txt").exists()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m training.real")
    sub = parser.add_subparsers(dest="command", required=True)
    imported = sub.add_parser("import", help="add collected pages (JSON Lines with text)")
    imported.add_argument("files", nargs="+", type=Path)
    imported.add_argument("--index", type=Path, default=INDEX_PATH)
    absent = sub.add_parser("missing", help="list indexed pages whose text is not here")
    absent.add_argument("--index", type=Path, default=INDEX_PATH)
    args = parser.parse_args(argv)
    if args.command == "missing":
        for row in missing(args.index):
            print(json.dumps({k: row[k] for k in ("id", "query", "url")}, ensure_ascii=False))
        return 0
    for path in args.files:
        print(f"{path}: {import_pages(path, args.index)} pages added", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
