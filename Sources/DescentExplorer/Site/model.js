// The served model as the pages know it: its sizes, its version, and the first rows of each layer's
// weights (for the network figure). `loadModel` refreshes it and tells the pages with a "model" event.
import { api, weightRows } from "./api.js";
import { $ } from "./dom.js";

/** The served model: `sizes`, `version`, and `weights[layer]` as `weightRows` gives them (its first 20 rows). */
export const served = { sizes: [784, 16, 16, 10], version: 0, weights: [] };

/** Asks for the served model, shows it in the header, and dispatches "model" with GET /api/model's answer. */
export async function loadModel() {
  const model = await api("/api/model");
  served.version = model.version;
  $("model-info").textContent = `model ${model.sizes.join("-")}, ${model.activations[0]}, ` +
    `${(100 * model.testAccuracy).toFixed(2)}% on ${model.testCount} test images (version ${model.version})`;
  // Only the weights into the neurons drawn (the first 20 of a layer), as Float32: a wide model's
  // layers would be megabytes of JSON.
  served.weights = await Promise.all(model.sizes.slice(1).map((_, layer) => weightRows(layer + 1, 0, 20)));
  served.sizes = model.sizes;
  document.dispatchEvent(new CustomEvent("model", { detail: model }));
}
