// One article: send it to /v1/analyze and draw the answer (topics with their scores, the
// article with the chosen topic's evidence highlighted at its offsets, the brief linked to its
// place in the article, the key facts, the model version and the raw JSON).

import { postJson } from "./api.js";
import { codePointLength, codePoints, pieces } from "./codepoints.js";
import { clearErrorsIn, el, labelName, showError } from "./messages.js";
import { formatScore, scoreBar } from "./scores.js";

const FACT_GROUPS = [
  ["People", ["PERSON"]],
  ["Organisations", ["ORG"]],
  ["Places", ["GPE", "LOC", "FAC"]],
  ["Dates", ["DATE"]],
];

const $ = (id) => document.getElementById(id);

export function setupSingle({ maxChars, topicsInfo, onKeyError }) {
  const form = $("one-form");
  const text = $("text");
  const count = $("text-count");
  const status = $("one-status");
  const state = { result: null, chars: [], selected: null };

  const updateCount = () => {
    const length = codePointLength(text.value);
    count.textContent = `${length.toLocaleString("en")} of ${maxChars.toLocaleString("en")} characters`;
    count.classList.toggle("over", length > maxChars);
  };
  text.addEventListener("input", updateCount);
  updateCount();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrorsIn(form);
    const submitted = text.value;
    const body = { text: submitted, options: options() };
    const title = $("title").value;
    if (title.trim()) body.title = title;
    performance.clearMarks("analyze-start");
    performance.mark("analyze-start");
    status.textContent = "Analysing\u2026";
    form.setAttribute("aria-busy", "true");
    $("analyze").disabled = true;
    try {
      const result = await postJson("/v1/analyze", body);
      state.result = result;
      state.chars = codePoints(submitted);
      state.selected = result.topics.length ? result.topics[0].label : null;
      draw(state, topicsInfo());
      status.textContent = describe(result);
      afterPaint(() => {
        performance.clearMarks("analyze-drawn");
        performance.mark("analyze-drawn");
        performance.clearMeasures("analyze");
        performance.measure("analyze", "analyze-start", "analyze-drawn");
      });
    } catch (error) {
      status.textContent = "";
      // An earlier result would read as this text's: take it away while the message shows.
      $("one-result").hidden = true;
      placeError(error, onKeyError);
    } finally {
      form.removeAttribute("aria-busy");
      $("analyze").disabled = false;
    }
  });

  $("predicted").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-label]");
    if (!button || !state.result) return;
    state.selected = button.dataset.label;
    // Only the pressed state changes: the buttons stay, so keyboard focus stays where it was.
    for (const other of $("predicted").querySelectorAll("button[data-label]")) {
      other.setAttribute("aria-pressed", String(other === button));
    }
    drawArticle(state);
  });

  $("copy-json").addEventListener("click", () => copyJson(state.result));
}

function options() {
  const focus = [...document.querySelectorAll("#focus-options input:checked")].map((i) => i.value);
  const out = { max_sentences: Number($("brief-length").value) };
  if (focus.length) out.focus = focus;
  return out;
}

/** The API's message goes next to the control it is about; anything else beside the button. */
function placeError(error, onKeyError) {
  const field = (error.details && error.details.field) || "";
  if (error.status === 401) {
    showError($("one-error"), `${error.message}: enter the key above.`);
    onKeyError(error.message); // last, so focus ends on the key input
  } else if (field === "text" || error.status === 413) {
    showError($("text-error"), error.message, $("text"));
  } else if (field === "title") {
    showError($("title-error"), error.message, $("title"));
  } else if (field.startsWith("options")) {
    showError($("options-error"), error.message, $("brief-length"));
  } else {
    showError($("one-error"), error.message);
  }
}

function describe(result) {
  const labels = result.topics.map((t) => labelName(t.label));
  return labels.length ? `Analysed: ${labels.join(", ")}.` : "Analysed: no topic reaches its threshold.";
}

function afterPaint(callback) {
  requestAnimationFrame(() => requestAnimationFrame(callback));
}

function draw(state, info) {
  $("one-result").hidden = false;
  drawTopics(state, info);
  drawArticle(state);
  drawBrief(state);
  drawFacts(state.result.brief.entities);
  const model = state.result.model;
  $("result-model").textContent =
    `Classifier ${model.classifier}, ${model.summarizer} summarizer; result id ${state.result.id}.`;
  $("raw-json").textContent = JSON.stringify(state.result, null, 2);
  $("copy-status").textContent = "";
}

function drawTopics(state, info) {
  const thresholds = (info && info.thresholds) || {};
  const definitions = (info && info.definitions) || {};
  const predicted = $("predicted");
  const { topics, scores } = state.result;
  predicted.replaceChildren(
    ...topics.map((topic) => {
      const n = topic.evidence.length;
      const button = el(
        "button",
        {
          type: "button",
          className: "topic",
          dataset: { label: topic.label },
          attributes: { "aria-pressed": String(topic.label === state.selected) },
        },
        el("span", { className: "topic-name", textContent: labelName(topic.label) }),
        el("span", { className: "topic-score", textContent: formatScore(topic.score) }),
        scoreBar(topic.score, thresholds[topic.label]),
        el("span", {
          className: "topic-evidence",
          textContent: `${n} evidence sentence${n === 1 ? "" : "s"}`,
        }),
      );
      if (definitions[topic.label]) button.title = definitions[topic.label];
      return el("li", {}, button);
    }),
  );
  if (!topics.length) {
    predicted.append(el("li", { className: "none", textContent: "No topic reaches its threshold." }));
  }
  const shown = new Set(topics.map((t) => t.label));
  const others = Object.entries(scores)
    .filter(([label]) => !shown.has(label))
    .sort((a, b) => b[1] - a[1]);
  $("others").replaceChildren(
    ...others.map(([label, score]) =>
      el(
        "li",
        { className: "other", dataset: { label } },
        el("span", { className: "topic-name", textContent: labelName(label) }),
        el("span", { className: "topic-score", textContent: formatScore(score) }),
        scoreBar(score, thresholds[label]),
      ),
    ),
  );
  $("others-heading").hidden = others.length === 0;
}

function selectedEvidence(state) {
  const topic = state.result.topics.find((t) => t.label === state.selected);
  return topic ? topic.evidence : [];
}

function briefSentences(state) {
  const brief = state.result.brief;
  // Only sentences that really are at their offsets are linked (an abstractive brief has none).
  return brief.sentences.filter(
    (s) => Number.isInteger(s.start) && state.chars.slice(s.start, s.end).join("") === s.text,
  );
}

function drawArticle(state) {
  const evidence = selectedEvidence(state);
  const sentences = briefSentences(state);
  const spans = [...evidence, ...sentences];
  const article = $("article");
  const nodes = [];
  for (const piece of pieces(state.chars.length, spans)) {
    const content = state.chars.slice(piece.start, piece.end).join("");
    const isEvidence = piece.covers.some((i) => i < evidence.length);
    const briefIndex = piece.covers.find((i) => i >= evidence.length);
    if (!isEvidence && briefIndex === undefined) {
      nodes.push(document.createTextNode(content));
      continue;
    }
    const node = el(isEvidence ? "mark" : "span", {
      textContent: content,
      dataset: { start: String(piece.start), end: String(piece.end) },
    });
    if (isEvidence) node.classList.add("evidence");
    if (briefIndex !== undefined) {
      const n = briefIndex - evidence.length + 1;
      node.classList.add("in-brief");
      node.dataset.brief = String(n);
      if (piece.start === sentences[n - 1].start) {
        node.id = `brief-sentence-${n}`;
        node.tabIndex = -1;
        node.classList.add("brief-start");
      }
    }
    nodes.push(node);
  }
  article.replaceChildren(...nodes);
  const name = state.selected ? labelName(state.selected) : null;
  $("highlight-status").textContent = name
    ? `Highlighted: ${evidence.length} evidence sentence${evidence.length === 1 ? "" : "s"} for ${name}.`
    : "No topic was predicted, so nothing is highlighted.";
}

function drawBrief(state) {
  const list = $("brief-list");
  const sentences = briefSentences(state);
  const linked = new Set(sentences);
  const all = state.result.brief.sentences;
  if (!all.length && state.result.brief.text) {
    list.replaceChildren(el("li", { textContent: state.result.brief.text }));
    return;
  }
  let n = 0;
  list.replaceChildren(
    ...all.map((sentence) => {
      if (!linked.has(sentence)) return el("li", { textContent: sentence.text });
      n += 1;
      const target = `brief-sentence-${n}`;
      const link = el("a", { href: `#${target}`, textContent: sentence.text });
      link.addEventListener("click", (event) => {
        event.preventDefault();
        const place = document.getElementById(target);
        place.scrollIntoView({ block: "center" });
        place.focus({ preventScroll: true });
        for (const other of document.querySelectorAll(".in-brief.current")) {
          other.classList.remove("current");
        }
        for (const part of document.querySelectorAll(`.in-brief[data-brief="${n}"]`)) {
          part.classList.add("current");
        }
      });
      return el("li", { dataset: { brief: String(n) } }, link);
    }),
  );
}

function drawFacts(entities) {
  const list = $("facts-list");
  const groups = FACT_GROUPS.map(([name, labels]) => [
    name,
    entities.filter((e) => labels.includes(e.label)),
  ]).filter(([, members]) => members.length);
  list.replaceChildren(
    ...groups.flatMap(([name, members]) => [
      el("dt", { textContent: name }),
      el(
        "dd",
        {},
        el(
          "ul",
          { className: "fact-list" },
          ...members.map((e) =>
            el("li", { textContent: e.count > 1 ? `${e.text} (\u00d7${e.count})` : e.text }),
          ),
        ),
      ),
    ]),
  );
  if (!groups.length) {
    list.append(
      el("dt", { textContent: "None found" }),
      el("dd", { textContent: "No people, organisations, places or dates in this article." }),
    );
  }
}

async function copyJson(result) {
  const status = $("copy-status");
  if (!result) return;
  const json = JSON.stringify(result, null, 2);
  try {
    await navigator.clipboard.writeText(json);
    status.textContent = "Copied the raw JSON.";
  } catch {
    // No clipboard access (an insecure origin, a denied permission): select it for Ctrl+C.
    const details = document.querySelector(".raw details");
    details.open = true;
    const pre = $("raw-json");
    window.getSelection().selectAllChildren(pre);
    pre.focus();
    status.textContent = "Could not copy by itself: the JSON is selected, press Ctrl+C (or \u2318C).";
  }
}
