// The Weights page: every first-layer neuron's 784 incoming weights as a picture, and the test images
// that excite a neuron most.
import { api } from "./api.js";
import { $, showError } from "./dom.js";
import { digitFigure, weightPicture } from "./figures.js";

/** The page's loader: the first layer's weights (GET /api/weights/1), one tile a neuron. */
export async function loadWeights() {
  const layer = await api("/api/weights/1");
  const grid = $("weight-grid");
  grid.replaceChildren();
  for (let neuron = 0; neuron < layer.rows; neuron++) {
    const row = layer.weights.slice(neuron * layer.columns, (neuron + 1) * layer.columns);
    const scale = Math.max(...row.map(Math.abs)) || 1;
    // A button, so that the keyboard reaches it (Tab) and opens it (Enter, Space).
    const tile = Object.assign(document.createElement("button"), { type: "button", className: "tile" });
    tile.append(weightPicture(row, scale), Object.assign(document.createElement("span"), { textContent: `neuron ${neuron}` }));
    tile.dataset.neuron = neuron;
    tile.setAttribute("aria-pressed", "false");
    tile.setAttribute("aria-label", `neuron ${neuron}: show the test images that excite it most`);
    const detail = () => {
      $("weight-detail").textContent = `Neuron ${neuron}: bias ${layer.biases[neuron].toFixed(3)}, weights from ${Math.min(...row).toFixed(3)} to ${Math.max(...row).toFixed(3)}.`;
    };
    tile.addEventListener("mouseenter", detail);
    tile.addEventListener("focus", detail);
    tile.addEventListener("click", () => showTopImages(neuron, tile));
    grid.append(tile);
  }
}

async function showTopImages(neuron, tile) {
  document.querySelectorAll("#weight-grid .tile").forEach((other) => {
    other.classList.toggle("selected", other === tile);
    other.setAttribute("aria-pressed", String(other === tile));
  });
  let top;
  try {
    top = await api(`/api/weights/1/${neuron}/top?count=24`);
    showError(null, "weights");
  } catch (error) {
    return showError(`Could not load neuron ${neuron}'s top images: ${error.message}`, "weights");
  }
  $("top-images").replaceChildren(...top.images.map((image) => digitFigure(image.bytes, `#${image.index} (${image.label}) ${image.score.toFixed(2)}`)));
}
