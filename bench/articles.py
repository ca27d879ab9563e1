"""Benchmark inputs of controlled length, built from the held-out articles of the corpus.

Using real held-out text (not lorem ipsum) keeps sentence lengths, noise lines and vocabulary
realistic, which is what the encoder and the splitter actually pay for.
"""

from __future__ import annotations

from training.corpus import load_corpus, split


def article_of(words: int, offset: int = 0) -> str:
    """Paragraphs of held-out articles appended until the text reaches ``words`` words."""
    _, test = split(load_corpus())
    paragraphs: list[str] = []
    count = 0
    i = offset
    while count < words:
        for paragraph in test[i % len(test)].text.split("\n"):
            if paragraph.strip():
                paragraphs.append(paragraph)
                count += len(paragraph.split())
            if count >= words:
                break
        i += 1
    return "\n\n".join(paragraphs)


SIZES = {"short": 150, "800w": 800, "5000w": 5000}
