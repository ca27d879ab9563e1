// The many-article results as files: JSON Lines (each line exactly the API's object for that
// article, or its error envelope) and CSV (one row per article, a score column per label).

/** What a line of the JSON Lines download holds for one entry. */
export function outputObject(entry) {
  return entry.result ? entry.result : { id: entry.id, error: entry.error };
}

export function toJsonl(entries) {
  return entries.map((entry) => JSON.stringify(outputObject(entry))).join("\n") + "\n";
}

// A cell that starts like a formula would run as one in a spreadsheet: quote it as text.
const FORMULA_START = /^[=+\-@\t\r]/;

function cell(value) {
  let text = value === null || value === undefined ? "" : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(entries, labels) {
  const header = ["id", "status", "topics", ...labels.map((l) => `score_${l}`), "brief", "error"];
  const rows = entries.map((entry) => {
    const result = entry.result;
    if (!result) {
      return [entry.id, "error", "", ...labels.map(() => ""), "", entry.error.message];
    }
    return [
      result.id,
      "ok",
      result.topics.map((t) => t.label).join(" "),
      ...labels.map((l) => (l in result.scores ? result.scores[l] : "")),
      result.brief.text,
      "",
    ];
  });
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}

/** Hand a file to the browser's downloads (a blob: URL, so nothing leaves the page). */
export function download(name, type, content) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
