// The Mistakes page: the confusion matrix on the test set, and the images of a cell.
import { api } from "./api.js";
import { $, showError } from "./dom.js";
import { confusionTable, digitFigure } from "./figures.js";

/** The page's loader: the confusion matrix (GET /api/confusion), each cell a button. */
export async function loadMistakes() {
  const confusion = await api("/api/confusion");
  $("accuracy").textContent = `${(100 * confusion.accuracy).toFixed(2)}% of ${confusion.total} test images right.`;
  confusionTable($("confusion"), confusion.matrix, "test images", showCell);
}

async function showCell(actual, predicted) {
  let cell;
  try {
    cell = await api(`/api/confusion/${actual}/${predicted}?count=60`);
    showError(null, "mistakes");
  } catch (error) {
    return showError(`Could not load the images of ${actual} read as ${predicted}: ${error.message}`, "mistakes");
  }
  $("cell-title").textContent = `${cell.count} test images of ${actual} read as ${predicted}` + (cell.count > cell.images.length ? ` (first ${cell.images.length})` : "");
  $("cell-images").replaceChildren(...cell.images.map((image) => digitFigure(image.bytes, `#${image.index} ${image.score.toFixed(2)}`)));
}

