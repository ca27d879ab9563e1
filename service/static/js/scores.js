// A calibrated score drawn as a bar, with the label's decision threshold as a tick.
//
// The widths are set through the CSSOM (element.style), which the page's
// Content-Security-Policy allows; a style="" attribute in markup would be blocked.

import { el } from "./messages.js";

function percent(value) {
  return `${(Math.max(0, Math.min(1, value)) * 100).toFixed(1)}%`;
}

/** The bar is decoration (aria-hidden): the score itself is always written out beside it. */
export function scoreBar(score, threshold) {
  const fill = el("span", { className: "bar-fill" });
  fill.style.width = percent(score);
  const bar = el("span", { className: "bar", attributes: { "aria-hidden": "true" } }, fill);
  if (typeof threshold === "number") {
    const tick = el("span", { className: "bar-threshold" });
    tick.style.left = percent(threshold);
    bar.append(tick);
  }
  return bar;
}

export function formatScore(score) {
  return score.toFixed(2);
}
