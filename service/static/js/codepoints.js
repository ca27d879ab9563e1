// The API's offsets count Unicode code points (as Python's str does); JavaScript strings count
// UTF-16 units, in which a character outside the Basic Multilingual Plane (an emoji, many CJK
// extension characters) takes two. Every offset from the API goes through here.

/** The text as an array of code points, so that chars[i] is Python's text[i]. */
export function codePoints(text) {
  return Array.from(text);
}

/** len(text) in Python: the length the API's limit is checked against. */
export function codePointLength(text) {
  let length = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    length += 1;
  }
  return length;
}

/**
 * Cut [0, length) at every span edge. Each piece is {start, end, covers: [span indexes]}, so a
 * renderer can mark a piece with everything that covers it, whatever the spans' overlaps.
 */
export function pieces(length, spans) {
  const cuts = new Set([0, length]);
  for (const span of spans) {
    cuts.add(Math.max(0, Math.min(length, span.start)));
    cuts.add(Math.max(0, Math.min(length, span.end)));
  }
  const edges = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let i = 0; i + 1 < edges.length; i += 1) {
    const start = edges[i];
    const end = edges[i + 1];
    const covers = [];
    spans.forEach((span, index) => {
      if (span.start <= start && end <= span.end) covers.push(index);
    });
    out.push({ start, end, covers });
  }
  return out;
}
