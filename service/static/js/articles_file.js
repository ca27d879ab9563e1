// Articles from dropped or chosen files, read as the command line reads them: a file whose
// first non-blank line starts with "{" is JSON Lines (one article per line), any other file is
// one article named after the file. A line that is not a JSON object fails on its own, with the
// same envelope the API gives a bad article in a batch.

const SENT_FIELDS = ["id", "title", "text"];

function lineError(line, message) {
  return {
    code: "invalid_article",
    message: `line: ${message}`,
    details: { line, field: "line" },
  };
}

/** One entry per article: {where, article} or, for a line that is no article, {where, id, error}. */
export function parseFile(name, content) {
  const text = content.replace(/^\ufeff/, "");
  const lines = text.split(/\r\n|\n|\r/);
  const first = lines.find((line) => line.trim()) || "";
  if (!first.trimStart().startsWith("{")) {
    return [{ where: name, article: { id: name, text } }];
  }
  const out = [];
  lines.forEach((raw, index) => {
    if (!raw.trim()) return;
    const line = index + 1;
    let record;
    try {
      record = JSON.parse(raw);
    } catch (error) {
      out.push({ where: `${name}, line ${line}`, id: null, error: lineError(line, `invalid JSON (${error.message})`) });
      return;
    }
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      out.push({ where: `${name}, line ${line}`, id: null, error: lineError(line, "must be a JSON object") });
      return;
    }
    // Only the fields the API takes are sent (a labelled file's "labels" stays behind).
    const article = {};
    for (const field of SENT_FIELDS) if (field in record) article[field] = record[field];
    out.push({ where: `${name}, line ${line}`, article });
  });
  return out;
}

export async function readFiles(files) {
  const entries = [];
  for (const file of files) {
    entries.push(...parseFile(file.name, await file.text()));
  }
  return entries;
}

/**
 * Group articles into requests of at most maxBatch articles and about maxBytes of JSON, so
 * neither limit fails a whole request; an article too big alone goes alone (and gets the API's
 * answer for it).
 */
export function batches(entries, maxBatch, maxBytes) {
  const encoder = new TextEncoder();
  const out = [];
  let current = [];
  let size = 0;
  const overhead = 256; // {"articles": [...], "options": {...}}
  for (const entry of entries) {
    const bytes = encoder.encode(JSON.stringify(entry.article)).length + 1;
    if (current.length && (current.length >= maxBatch || size + bytes + overhead > maxBytes)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(entry);
    size += bytes;
  }
  if (current.length) out.push(current);
  return out;
}
