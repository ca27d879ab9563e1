// Calls to this server's public JSON API, with the key the person gave (if any).
//
// Every failure becomes an ApiError carrying the API's own envelope (status, code, message,
// details), so the page can show the server's message next to the control it concerns.

const KEY_STORAGE = "newsbrief.apiKey";

export class ApiError extends Error {
  constructor(status, code, message, details = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** The key for this tab only: sessionStorage, never localStorage or a cookie. */
export function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) || "";
  } catch {
    return "";
  }
}

export function storeKey(key) {
  try {
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
  } catch {
    // Storage can be disabled; the key then lasts only until the page is reloaded.
  }
  memoryKey = key;
}

let memoryKey = storedKey();

function headers(json) {
  const out = { Accept: "application/json" };
  if (json) out["Content-Type"] = "application/json";
  if (memoryKey) out.Authorization = `Bearer ${memoryKey}`;
  return out;
}

async function decode(response) {
  const type = response.headers.get("Content-Type") || "";
  const body = type.startsWith("application/json") ? await response.json() : null;
  if (response.ok && body !== null) return body;
  const error = body && body.error;
  if (error && typeof error.message === "string") {
    throw new ApiError(response.status, error.code, error.message, error.details || {});
  }
  throw new ApiError(
    response.status,
    `http_${response.status}`,
    `the server answered ${response.status} ${response.statusText || ""}`.trim(),
  );
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", cache: "no-store", ...init });
  } catch (error) {
    if (error && error.name === "AbortError") throw error;
    throw new ApiError(0, "unreachable", "could not reach the server; is it running?");
  }
  return decode(response);
}

export function getJson(path, signal) {
  return send(path, { method: "GET", headers: headers(false), signal });
}

export function postJson(path, body, signal) {
  return send(path, {
    method: "POST",
    headers: headers(true),
    body: JSON.stringify(body),
    signal,
  });
}
