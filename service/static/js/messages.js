// Messages next to the control they concern: the text is the API's own, the control is marked
// invalid and points at the message (aria-describedby is set in the HTML), and focus moves
// there so a keyboard or screen-reader user lands on the problem.

export function showError(errorElement, message, control = null) {
  errorElement.textContent = message;
  errorElement.hidden = false;
  if (control) {
    control.setAttribute("aria-invalid", "true");
    control.focus();
  } else {
    errorElement.tabIndex = -1;
    errorElement.focus();
  }
}

export function clearError(errorElement, control = null) {
  errorElement.textContent = "";
  errorElement.hidden = true;
  if (control) control.removeAttribute("aria-invalid");
}

export function clearErrorsIn(root) {
  for (const element of root.querySelectorAll(".error")) clearError(element);
  for (const control of root.querySelectorAll("[aria-invalid]")) {
    control.removeAttribute("aria-invalid");
  }
}

/** "air_defense_procurement" -> "air defense procurement", for people; the label stays in data. */
export function labelName(label) {
  return label.replaceAll("_", " ");
}

/** Builds an element: el("li", {className: "x", dataset: {label}}, child, "text", ...). */
export function el(tag, properties = {}, ...children) {
  const element = document.createElement(tag);
  const { dataset, attributes, ...rest } = properties;
  Object.assign(element, rest);
  for (const [key, value] of Object.entries(dataset || {})) element.dataset[key] = value;
  for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
  for (const child of children) {
    if (child !== null && child !== undefined) element.append(child);
  }
  return element;
}
