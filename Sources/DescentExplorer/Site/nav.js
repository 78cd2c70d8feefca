// Moving between the pages (#lesson, #draw, ...): the page shown is the address's hash, and each page's
// loader runs once per model version when the page is first shown.
import { $, showError } from "./dom.js";
import { loadModel, served } from "./model.js";

let pages = { lesson: null };
const loaded = new Set();

/** Shows the page the hash names (the first of `pages` when none), marks it in the navigation, runs
 *  its loader if this model version has not, and dispatches "page" with {page, detail} (#page/detail). */
export function showPage() {
  const first = Object.keys(pages)[0];
  const [name, detail] = (location.hash || `#${first}`).slice(1).split("/");
  const page = name in pages ? name : first;
  document.querySelectorAll(".page").forEach((section) => section.classList.toggle("active", section.id === "page-" + page));
  document.querySelectorAll("header nav a").forEach((link) => {
    link.classList.toggle("active", link.dataset.page === page);
    if (link.dataset.page === page) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  });
  document.dispatchEvent(new CustomEvent("page", { detail: { page, detail } }));
  const key = page + "@" + served.version;
  if (pages[page] && !loaded.has(key)) {
    loaded.add(key);
    pages[page]().then(() => showError(null, page), (error) => {
      loaded.delete(key);  // Visiting the page again tries again.
      showError(`The ${page} page could not load: ${error.message}`, page);
    });
  }
}

/** Starts: `table` maps each page's name to its loader (null for none), the first shown by default. */
export function startNavigation(table) {
  pages = table;
  window.addEventListener("hashchange", showPage);
  loadModel().then(showPage, (error) => {
    $("model-info").textContent = "no model";
    showError(`The model could not load: ${error.message}`, "model");
    showPage();
  });
}

/** After a training or a fine-tuning changed the served model: load it, and show the page again with it. */
export function reloadModel() {
  return loadModel().then(showPage, (error) => showError(`The new model could not load: ${error.message}`, "model"));
}
