// The page's few shared pieces of DOM: finding an element, and the alert region that shows errors.

export const $ = (id) => document.getElementById(id);

/** Shows `message` in the page's alert region, or hides it when `message` is null; `source` names who
 *  showed it, so that a later success clears only its own error. */
export function showError(message, source = "page") {
  const region = $("error");
  if (message == null) {
    if (region.dataset.source === source) { region.hidden = true; region.dataset.source = ""; }
    return;
  }
  $("error-text").textContent = message;
  region.dataset.source = source;
  region.hidden = false;
}

/** The dismiss button of the alert region. */
export function setUpErrors() {
  $("error-close").addEventListener("click", () => { $("error").hidden = true; $("error").dataset.source = ""; });
}

/** Ten buttons 0 ... 9 in `container`, `${prefix}-${digit}` each, pressed one at a time: "which digit is it?" */
export function labelButtons(container, prefix, onChoose) {
  for (let digit = 0; digit < 10; digit++) {
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: digit, id: `${prefix}-${digit}` });
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", `it is a ${digit}`);
    button.addEventListener("click", () => onChoose(digit));
    container.append(button);
  }
}

/** Marks label button `digit` of `container` pressed and the others not (none when `digit` is null). */
export function pressLabel(container, prefix, digit) {
  container.querySelectorAll("button").forEach((button) => button.setAttribute("aria-pressed", String(button.id === `${prefix}-${digit}`)));
}
