// The Mistakes page: the confusion matrix on the test set, and the images of a cell.
import { api } from "./api.js";
import { $, showError } from "./dom.js";
import { digitFigure } from "./figures.js";

/** The page's loader: the confusion matrix (GET /api/confusion), each cell a button. */
export async function loadMistakes() {
  const confusion = await api("/api/confusion");
  $("accuracy").textContent = `${(100 * confusion.accuracy).toFixed(2)}% of ${confusion.total} test images right.`;
  const table = $("confusion");
  table.replaceChildren();
  const head = table.insertRow();
  head.append(document.createElement("th"));
  for (let p = 0; p < 10; p++) head.append(Object.assign(document.createElement("th"), { textContent: p }));
  const largestMistake = Math.max(1, ...confusion.matrix.flatMap((row, a) => row.filter((_, p) => p !== a)));
  confusion.matrix.forEach((row, actual) => {
    const tableRow = table.insertRow();
    tableRow.append(Object.assign(document.createElement("th"), { textContent: actual }));
    row.forEach((count, predicted) => {
      const cell = tableRow.insertCell();
      const button = Object.assign(document.createElement("button"), { type: "button", textContent: count, id: `cell-${actual}-${predicted}` });
      button.setAttribute("aria-label", `${count} test images of ${actual} read as ${predicted}`);
      const strength = actual === predicted ? 0.35 : Math.sqrt(count / largestMistake);
      cell.style.background = actual === predicted ? `rgba(88,196,221,${strength})` : `rgba(252,98,85,${strength})`;
      button.addEventListener("click", () => showCell(actual, predicted));
      cell.append(button);
    });
  });
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

