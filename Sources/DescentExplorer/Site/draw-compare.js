// The Draw page's "Other models": what each model on the shelf (descent serve --compare FILE) reads
// in the same drawing, beside the served model. Nothing shows when the shelf is empty.
import { api } from "./api.js";
import { $, showError } from "./dom.js";
import { drawing } from "./draw.js";

const compare = { shelf: 0, pending: false, again: false };

async function loadShelf() {
  try {
    const listing = await api("/api/models");
    compare.shelf = listing.models.filter((model) => !model.served).length;
    $("compare").hidden = compare.shelf === 0;
  } catch (error) {
    showError(`Could not list the models: ${error.message}`, "compare");
  }
}

/** The body of the drawing the page last predicted: a test digit's pixels, or the canvas as a PNG. */
function comparisonRequest() {
  if (drawing.pixels) return { method: "POST", headers: { "Content-Type": "application/json" },
                               body: JSON.stringify({ pixels: drawing.pixels }) };
  return new Promise((resolve) => drawing.canvas.toBlob((blob) =>
    resolve({ method: "POST", headers: { "Content-Type": "image/png" }, body: blob }), "image/png"));
}

async function compareModels(prediction) {
  if (compare.shelf === 0) return;
  const table = $("compare-rows");
  if (!prediction) { table.replaceChildren(); return; }
  if (compare.pending) { compare.again = true; return; }
  compare.pending = true;
  try {
    const answer = await api("/api/predict/compare", await comparisonRequest());
    table.replaceChildren(...answer.models.map((model) => {
      const row = document.createElement("tr");
      const name = model.served ? "served model" : model.name;
      const how = `${model.layers.join("-")}${model.teacher ? `, taught by ${model.teacher}` : ""}`;
      row.innerHTML = `<td></td><td class="note"></td><td class="digit"></td><td></td>`;
      row.children[0].textContent = name;
      row.children[1].textContent = how;
      row.children[2].textContent = model.digit;
      row.children[3].textContent = model.confidence.toFixed(3);
      return row;
    }));
    showError(null, "compare");
  } catch (error) {
    showError(error.status === 422 ? null : `Could not compare the models: ${error.message}`, "compare");
    table.replaceChildren();
  } finally {
    compare.pending = false;
    if (compare.again) { compare.again = false; compareModels(drawing.last); }
  }
}

export function setUpComparison() {
  document.addEventListener("prediction", (event) => compareModels(event.detail));
  loadShelf();
}
