// The page's start: read the server's limits from the document, set up the API key prompt,
// load the label set (/v1/topics) and wire the two modes.

import { getJson, storedKey, storeKey } from "./api.js";
import { setupBatch } from "./batch.js";
import { clearError, el, labelName, showError } from "./messages.js";
import { setupSingle } from "./single.js";
import { setupTabs } from "./tabs.js";

const $ = (id) => document.getElementById(id);
const config = document.body.dataset;
let topics = null;

function showKeyPrompt(message, { asError }) {
  $("access").hidden = false;
  if (asError) showError($("api-key-error"), message, $("api-key"));
  else $("key-status").textContent = message;
}

async function loadTopics() {
  const banner = $("server-banner");
  try {
    topics = await getJson("/v1/topics");
  } catch (error) {
    topics = null;
    if (error.status === 401) {
      $("model-line").textContent = "Model: shown once a valid API key is given.";
      showKeyPrompt(error.message, { asError: Boolean(storedKey()) });
    } else {
      $("model-line").textContent = "Model: not available.";
      banner.textContent = `The server cannot analyse yet: ${error.message}`;
      banner.classList.add("problem");
    }
    return false;
  }
  banner.textContent = "";
  banner.classList.remove("problem");
  const trained = topics.model.trained_at ? `, trained ${topics.model.trained_at.slice(0, 10)}` : "";
  $("model-line").textContent = `Classifier ${topics.model.version}${trained}; labels: ${topics.labels.map(labelName).join(", ")}.`;
  $("focus-options").replaceChildren(
    ...topics.labels.map((label) => {
      const id = `focus-${label}`;
      return el(
        "div",
        { className: "check" },
        el("input", { type: "checkbox", id, value: label, name: "focus" }),
        el("label", { htmlFor: id, textContent: labelName(label) }),
      );
    }),
  );
  return true;
}

function setupKey() {
  const input = $("api-key");
  input.value = storedKey();
  $("key-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    clearError($("api-key-error"), input);
    storeKey(input.value.trim());
    $("key-status").textContent = "Checking the key\u2026";
    if (await loadTopics()) $("key-status").textContent = "Key accepted; it is kept for this tab only.";
    else if (!$("api-key-error").hidden) $("key-status").textContent = "";
  });
  $("forget-key").addEventListener("click", () => {
    storeKey("");
    input.value = "";
    $("key-status").textContent = "Key forgotten.";
  });
}

function onKeyError(message) {
  showKeyPrompt(message, { asError: true });
}

setupTabs(document.querySelector('[role="tablist"]'));
setupKey();
setupSingle({ maxChars: Number(config.maxChars), topicsInfo: () => topics, onKeyError });
setupBatch({
  maxBatch: Number(config.maxBatch),
  maxBodyBytes: Number(config.maxBodyBytes),
  topicsInfo: () => topics,
  onKeyError,
});
loadTopics();
