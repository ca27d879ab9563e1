// Many articles: read the files, send them to /v1/analyze in batches one request at a time,
// fill a table as answers come (id, tags, the brief's first sentence, or the API's message
// for an article that failed) and offer the results as JSON Lines and CSV.

import { postJson } from "./api.js";
import { batches, readFiles } from "./articles_file.js";
import { download, toCsv, toJsonl } from "./exports.js";
import { clearErrorsIn, el, labelName, showError } from "./messages.js";

const $ = (id) => document.getElementById(id);

// A whole request failing for one of these stops the run: every later request would too.
const STOPPING_STATUSES = new Set([0, 401, 503]);

export function setupBatch({ maxBatch, maxBodyBytes, topicsInfo, onKeyError }) {
  const form = $("many-form");
  const input = $("files");
  const zone = $("drop-zone");
  let files = [];
  let entries = [];
  let controller = null;

  const choose = (chosen) => {
    files = [...chosen];
    clearErrorsIn(form);
    const names = files.map((f) => f.name).join(", ");
    $("files-chosen").textContent = files.length
      ? `Chosen: ${names}`
      : "";
  };
  input.addEventListener("change", () => choose(input.files));
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("dragging");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    choose(event.dataTransfer.files);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrorsIn(form);
    $("many-status").textContent = "";
    if (!files.length) {
      showError($("files-error"), "choose a JSON Lines file or text files first", input);
      return;
    }
    try {
      entries = await readFiles(files);
    } catch (error) {
      showError($("files-error"), `could not read the file: ${error.message}`, input);
      return;
    }
    if (!entries.length) {
      showError($("files-error"), "the file holds no article (it is empty)", input);
      return;
    }
    controller = new AbortController();
    await run(entries, controller.signal);
    controller = null;
  });
  $("stop-many").addEventListener("click", () => controller && controller.abort());
  $("download-jsonl").addEventListener("click", () =>
    download("newsbrief-results.jsonl", "application/x-ndjson", toJsonl(finished(entries))),
  );
  $("download-csv").addEventListener("click", () =>
    download("newsbrief-results.csv", "text/csv", toCsv(finished(entries), labels(entries))),
  );

  function labels(all) {
    const info = topicsInfo();
    if (info && info.labels) return info.labels;
    const first = all.find((e) => e.result);
    return first ? Object.keys(first.result.scores) : [];
  }

  async function run(all, signal) {
    const progress = $("many-progress");
    const status = $("many-status");
    const rows = $("many-rows");
    rows.replaceChildren(...all.map((entry, index) => row(entry, index)));
    $("many-result").hidden = false;
    progress.max = all.length;
    progress.value = 0;
    $("run-many").disabled = true;
    $("stop-many").hidden = false;
    form.setAttribute("aria-busy", "true");
    let done = all.filter((e) => e.error).length;
    let failed = done;
    const report = () => {
      progress.value = done;
      status.textContent = `${done} of ${all.length} articles done` + (failed ? `, ${failed} failed.` : ".");
    };
    all.filter((e) => e.error).forEach((e) => redraw(e));
    report();
    const options = { max_sentences: Number($("many-brief-length").value) };
    const pending = all.filter((e) => e.article);
    try {
      for (const group of batches(pending, maxBatch, maxBodyBytes)) {
        let answers;
        try {
          const body = await postJson("/v1/analyze", { articles: group.map((e) => e.article), options }, signal);
          answers = body.results;
        } catch (error) {
          if (error.name === "AbortError") throw error;
          answers = group.map((e) => ({ id: e.article.id ?? null, error: envelopeOf(error) }));
          if (STOPPING_STATUSES.has(error.status)) {
            settle(group, answers);
            done += group.length;
            failed += group.length;
            report();
            stop(error, all);
            return;
          }
        }
        failed += answers.filter((a) => a.error).length;
        settle(group, answers);
        done += group.length;
        report();
      }
      status.textContent += " Finished.";
    } catch (error) {
      if (error.name !== "AbortError") throw error;
      status.textContent = `Stopped after ${done} of ${all.length} articles.`;
    } finally {
      $("run-many").disabled = false;
      $("stop-many").hidden = true;
      form.removeAttribute("aria-busy");
    }
  }

  function settle(group, answers) {
    group.forEach((entry, i) => {
      const answer = answers[i];
      if (answer.error) {
        entry.id = answer.id ?? entry.article.id ?? null;
        entry.error = answer.error;
      } else {
        entry.id = answer.id;
        entry.result = answer;
      }
      redraw(entry);
    });
  }

  function stop(error, all) {
    showError($("many-error"), `${error.message}. The run stopped; the rows not sent are marked.`);
    if (error.status === 401) onKeyError(error.message); // last, so focus ends on the key input
    for (const entry of all) {
      if (!entry.result && !entry.error) {
        entry.id = entry.article.id ?? null;
        entry.error = { code: "not_sent", message: "not sent: the run stopped", details: {} };
        redraw(entry);
      }
    }
  }

  function redraw(entry) {
    const old = document.getElementById(`row-${entry.index}`);
    if (old) old.replaceWith(row(entry, entry.index));
  }

  function row(entry, index) {
    entry.index = index;
    const id = entry.id ?? (entry.article ? entry.article.id : null);
    const cells = [
      el("td", { className: "source", textContent: entry.where }),
      el("td", { className: "id", textContent: typeof id === "string" ? id : "(no id)" }),
    ];
    if (entry.result) {
      const tags = entry.result.topics.map((t) => labelName(t.label)).join(", ") || "none";
      const first = entry.result.brief.sentences[0];
      cells.push(
        el("td", { className: "tags", textContent: tags, dataset: { labels: entry.result.topics.map((t) => t.label).join(" ") } }),
        el("td", { textContent: first ? first.text : entry.result.brief.text }),
      );
    } else if (entry.error) {
      cells.push(el("td", { className: "failed", colSpan: 2, textContent: `Failed: ${entry.error.message}` }));
    } else {
      cells.push(el("td", { className: "waiting", colSpan: 2, textContent: "Waiting\u2026" }));
    }
    return el("tr", { id: `row-${index}`, className: entry.result ? "row-ok" : entry.error ? "row-failed" : "row-pending" }, ...cells);
  }
}

function envelopeOf(error) {
  return { code: error.code, message: error.message, details: error.details || {} };
}

function finished(all) {
  return all.filter((e) => e.result || e.error);
}
