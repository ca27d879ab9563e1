"""Text cleaning and sentence splitting, shared by the classifier and the summarizer.

Scraped news pages carry furniture that is not article text: the headline repeated, photo
captions, bylines, "Read more" links, video-embed ids, a dateline alone on a line. Both halves
of the service must agree on what that furniture is, so it is recognised here and nowhere else.

Every segment keeps character offsets into the caller's original string (Python code-point
indices), so evidence and brief sentences can always be traced back to the source:
``text[seg.start:seg.end] == seg.text`` holds for every segment returned.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

SegmentKind = Literal["sentence", "heading", "noise"]


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of the input: a sentence, a heading-like line, or page furniture."""

    text: str
    start: int
    end: int
    kind: SegmentKind


# Words that end with a period without ending the sentence. Lower-case, without the period.
_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr prof st mt ft sen rep gov gen lt col maj capt cmdr adm sgt cpl pvt brig "
        "lieut supt insp det rev fr hon pres amb jr sr messrs "
        "jan feb mar apr jun jul aug sep sept oct nov dec "
        "no nos vol art sec fig approx est ca cf vs etc al dept univ"
    ).split()
)

# A dotted acronym such as "U.S", "U.N", "e.g" (the final period is matched separately).
_DOTTED_ACRONYM = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")

# Candidate sentence end: terminal punctuation, optional closing quotes or brackets, white
# space, then something that can open a sentence.
_BOUNDARY = re.compile(
    r"([.!?\u2026]+)([\"'\u201d\u2019\u00bb)\]]*)(\s+)(?=[\"'\u201c\u2018\u00ab(\[]?[A-Z0-9])"
)

_NOISE_LINE = re.compile(
    r"""^(?:
        (?:read|see)\s+(?:more|also)\b
      | also\s+read\b
      | related(?:\s+(?:stories|articles|news|coverage))?\s*:
      | (?:click|tap)\s+here\b
      | (?:subscribe|sign\s+up)\b
      | (?:get\s+our|join\s+our)\b.*newsletter
      | newsletter\b
      | follow\s+us\b
      | download\s+(?:our|the)\s+app\b
      | advertisement\s*$
      | sponsored(?:\s+content)?\s*$
      | share(?:\s+this(?:\s+(?:article|story|page))?)?\s*:?\s*$
      | (?:tweet|email|print|comments?)\s*$
      | (?:all|show(?:\s+(?:new|more|all|older|newer))?|view(?:\s+(?:all|more))?|load\s+more|hide
          |post\s+a|add\s+a|leave\s+a)\s+comments?\b
      | comments?\s*(?:are\s+closed|\(\d+\))
      | \d+\s+comments?\s*$
      | date\s*[:=]?\s*\d{4}-\d{2}-\d{2}(?:[T\s][\d:.]+)?\s*$
      | (?:photo|photos|image|picture|file\s+photo|caption|video|watch|listen)\s*(?::|\||/|-\s)
      | (?:photo|photos|image|picture)\s+(?:by|credit|courtesy)\b
      | \(?(?:additional\s+)?(?:reporting|writing|editing)\s+by\s+[^;]{1,80};
      | video\s*$
      | (?:updated|published|last\s+updated|posted)\b.{0,40}\d
      | (?:copyright|\u00a9|all\s+rights\s+reserved)
      | .*\bcookies?\b.*\b(?:accept|consent|policy|settings)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_CAPTION_CREDIT = re.compile(
    r"(?:\((?:photo|image|file\s+photo|picture)\b[^)]*\)"
    r"|\([\w .,'&-]{1,40}\s(?:photo|image)\)"
    r"|[/|]\s*(?:afp|reuters|ap|epa|getty\s+images|anadolu(?:\s+agency)?|aa|xinhua|tass|dha|iha"
    r"|yonhap|dpa|bloomberg)(?:\s+photo)?\s*\)?)\s*$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^[Bb][Yy]\s+[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){0,3}(?:\s*[,|\u2013-].{0,60})?$"
)
_EMBED_TOKEN = re.compile(
    r"^(?:\d{6,}|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}|[0-9a-f]{16,})$", re.IGNORECASE
)
_DATELINE = re.compile(r"^[A-Z][A-Z .,'\u2019-]{1,40}(?:\s*\([A-Za-z ]+\))?\s*[\u2013\u2014-]?$")
# A dateline opening the first sentence: "ANKARA - ", "SEONGJU, South Korea \u2014 ",
# "WASHINGTON, April 17, 2019 (Reuters) - ", "TEHRAN/WASHINGTON - ". The place is in capitals
# (three letters at least, so "US - Turkey talks" is not one); after commas come a region, a
# date or a year; a dash (never a colon, which in transcripts marks a speaker: "SPOKESMAN:")
# separates it from the text.
_UPPER = r"[A-Z\u00c0-\u00de]"
_UPPER_REST = r"[A-Z\u00c0-\u00de.'\u2019-]"
_UPPER_PLACE = rf"{_UPPER}{_UPPER_REST}{{2,}}(?:\s{_UPPER}{_UPPER_REST}*){{0,3}}"
_CAPITALISED = r"[A-Z][\w.'\u2019-]*"
_DATELINE_DETAIL = (
    rf"(?:{_CAPITALISED}(?:\s{_CAPITALISED}){{0,3}}|(?:{_CAPITALISED}\s)?\d{{1,2}}(?:,?\s\d{{4}})?"
    rf"|{_CAPITALISED}\s\d{{4}}|\d{{4}})"
)
_INLINE_DATELINE = re.compile(
    rf"^{_UPPER_PLACE}(?:\s?/\s?{_UPPER_PLACE})*(?:,\s{_DATELINE_DETAIL})*"
    r"(?:\s\([^()]{1,40}\))?\s(?:-{1,2}|\u2013|\u2014)\s+(?=[\"'\u201c\u2018]?[A-Z0-9])"
)
_INLINE_DATELINE_MAX = 80
# Page metadata scraped in front of the first sentence: "date 2019-07-15 In April, ...".
_LEADING_METADATA = re.compile(
    r"^(?:date|published|updated|posted)\s*[:=]?\s*\d{4}-\d{2}-\d{2}(?:[T\s]\d{2}:\d{2}(?::\d{2})?)?"
    r"\s+(?=[\"'\u201c\u2018]?[A-Z0-9])",
    re.IGNORECASE,
)
# A list item's marker at the start of its line: "- a prohibition on ...", "\u2022 5".
_LIST_MARKER = re.compile(r"^(?:[-\u2013\u2014\u2022\u25aa\u25cf\u00b7*]|\(?[a-z0-9]\))\s")
_TERMINAL = re.compile(r"[.!?\u2026][\"'\u201d\u2019\u00bb)\]]*$")
_WORD = re.compile(r"\w+")

# A line without terminal punctuation and at most this many words reads as a heading.
_HEADING_MAX_WORDS = 16


def is_noise_line(line: str) -> bool:
    """True when a whole line is page furniture rather than article text."""
    stripped = line.strip()
    if not stripped:
        return True
    if _NOISE_LINE.match(stripped) or _CAPTION_CREDIT.search(stripped):
        return True
    if _BYLINE.match(stripped) and not _TERMINAL.search(stripped):
        return True
    tokens = stripped.split()
    if sum(bool(_EMBED_TOKEN.match(t)) for t in tokens) * 2 >= len(tokens):
        return True
    return bool(len(tokens) <= 4 and _DATELINE.match(stripped))


def _line_key(line: str) -> str:
    """Comparison key under which a repeated headline equals its first occurrence."""
    folded = unicodedata.normalize("NFKC", line).casefold()
    return " ".join(_WORD.findall(folded))


def _ends_with_abbreviation(before: str, punct: str) -> bool:
    if punct != ".":
        return False
    match = re.search(r"(\S+)$", before)
    if match is None:
        return False
    word = match.group(1).lstrip("\"'\u201c\u2018(\u00ab[")
    if len(word) == 1 and word.isalpha():
        return True  # an initial: "Stephen M. Twitty"
    return word.lower() in _ABBREVIATIONS or bool(_DOTTED_ACRONYM.match(word))


def _split_line(line: str, offset: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) inside one stripped line."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(line):
        if _ends_with_abbreviation(line[start : match.start()], match.group(1)):
            continue
        spans.append((offset + start, offset + match.end(2)))
        start = match.end(3)
    if start < len(line):
        spans.append((offset + start, offset + len(line)))
    return spans


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, stripped of surrounding white space."""
    spans = []
    for match in re.finditer(r"[^\r\n]+", text):
        raw = match.group(0)
        left = len(raw) - len(raw.lstrip())
        right = len(raw.rstrip())
        if right > left:
            spans.append((match.start() + left, match.start() + right))
    return spans


def segment(text: str) -> list[Segment]:
    """Split an article into sentences, heading-like lines and noise, with offsets."""
    segments: list[Segment] = []
    seen_lines: set[str] = set()
    lines = _lines(text)
    for number, (line_start, line_end) in enumerate(lines):
        line = text[line_start:line_end]
        key = _line_key(line)
        repeated = key in seen_lines and len(line) < 300
        seen_lines.add(key)
        if repeated or is_noise_line(line):
            segments.append(Segment(line, line_start, line_end, "noise"))
            continue
        spans = _split_line(line, line_start)
        short = len(line.split()) <= _HEADING_MAX_WORDS
        # A headline or caption of any length without final punctuation, right before the
        # datelined first sentence ("... missiles in Syria\nANKARA, Turkey - ..."), is no
        # sentence either.
        next_line = (
            text[lines[number + 1][0] : lines[number + 1][1]] if number + 1 < len(lines) else ""
        )
        before_dateline = bool(_INLINE_DATELINE.match(next_line)) and not _TERMINAL.search(line)
        if before_dateline or (len(spans) == 1 and short and not _TERMINAL.search(line)):
            segments.append(Segment(line, line_start, line_end, "heading"))
            continue
        # A sentence can still be furniture when it shares a line with article text:
        # "... said on Monday. Read more: Patrols resume".
        segments.extend(
            Segment(text[s:e], s, e, "noise" if is_noise_line(text[s:e]) else "sentence")
            for s, e in spans
        )
    return segments


def sentences(text: str) -> list[Segment]:
    """The article's sentences (no headings, no noise), in source order."""
    return [seg for seg in segment(text) if seg.kind == "sentence"]


def body_sentences(text: str) -> list[Segment]:
    """The sentences a brief may quote: ``sentences`` without list items ("- a prohibition
    on ...", a fragment out of its list; unless the text has nothing else), with leading page
    metadata and the dateline trimmed from the first one."""
    found = sentences(text)
    prose = [s for s in found if not _in_list_item(text, s)]
    found = prose or found
    if found:
        found[0] = without_dateline(without_metadata(found[0]))
    return found


def _in_list_item(text: str, sentence: Segment) -> bool:
    """True when the sentence's line opens with a list marker."""
    line_start = text.rfind("\n", 0, sentence.start) + 1
    return bool(_LIST_MARKER.match(text[line_start : sentence.end].lstrip()))


def without_metadata(sentence: Segment) -> Segment:
    """The sentence after scraped page metadata ("date 2019-07-15 In April, ..." -> "In
    April, ..."), offsets moved past it; unchanged when it has none."""
    match = _LEADING_METADATA.match(sentence.text)
    if match is None:
        return sentence
    cut = match.end()
    return Segment(sentence.text[cut:], sentence.start + cut, sentence.end, sentence.kind)


def without_dateline(sentence: Segment) -> Segment:
    """The sentence after a leading dateline ("ANKARA (Reuters) - Turkey said..." -> "Turkey
    said..."), offsets moved past it; unchanged when it has none.

    Meant for an article's first sentence, where wire copy puts the dateline: a brief quoting
    that sentence should not open with page furniture. Later sentences are left alone.
    """
    match = _INLINE_DATELINE.match(sentence.text)
    if match is None or match.end() > _INLINE_DATELINE_MAX:
        return sentence
    cut = match.end()
    return Segment(sentence.text[cut:], sentence.start + cut, sentence.end, sentence.kind)


def clean(text: str) -> str:
    """The article text with page furniture removed: what the models read."""
    kept = [seg.text for seg in segment(text) if seg.kind != "noise"]
    return unicodedata.normalize("NFKC", "\n".join(kept))
