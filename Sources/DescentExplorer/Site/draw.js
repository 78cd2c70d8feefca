// The Draw page: draw a digit (or show a test image, #draw/<index>), and see what the network reads and
// every neuron it lights. Its panels are modules of their own: draw-learn.js (learn from the digit),
// draw-compare.js (other models) and draw-digits.js (my digits). They read `drawing` and listen for
// the "prediction" event this module dispatches.
import { api, postJSON } from "./api.js";
import { $, showError } from "./dom.js";
import { bars } from "./figures.js";
import { served } from "./model.js";
import { drawNetwork, showInput } from "./network-figure.js";
import { attachPad, clearPad, showOnPad } from "./pad.js";

/** The drawing and what the network last read in it. `pixels`: the test image shown, as 784 numbers in
 *  0...1, while the canvas holds one (null for a drawing); `last`: the latest prediction (null for none). */
export const drawing = { canvas: null, active: false, dirty: false, pending: false, lastSent: 0, pixels: null, last: null, linked: null };

export function setUpDrawing() {
  const canvas = $("draw");
  drawing.canvas = canvas;
  clearDrawing();
  attachPad(canvas, {
    start: () => { drawing.active = true; $("test-label").textContent = ""; drawing.pixels = null; },
    move: () => { drawing.dirty = true; if (performance.now() - drawing.lastSent > 120) predictDrawing(); },
    end: () => { drawing.active = false; drawing.dirty = true; predictDrawing(); },
  });
  $("clear").addEventListener("click", () => { clearDrawing(); showPrediction(null); });
  $("random").addEventListener("click", () => showTestDigit(Math.floor(Math.random() * 10000)));
  // #draw/123 shows test image 123 (once: a new model showing the page again keeps the drawing).
  document.addEventListener("page", (event) => {
    const { page, detail } = event.detail;
    if (page !== "draw" || !/^\d+$/.test(detail || "") || detail === drawing.linked) return;
    drawing.linked = detail;
    showTestDigit(Number(detail));
  });
  document.addEventListener("model", () => drawNetwork(drawing.last, $("network"), $("input"), served));
  showPrediction(null);
}

export function clearDrawing() {
  clearPad(drawing.canvas);
  $("test-label").textContent = "";
  drawing.pixels = null;
}

/** Sends the canvas as a PNG; at most one request in flight, the latest drawing wins. */
function predictDrawing() {
  if (drawing.pending) return;
  drawing.pending = true;
  drawing.dirty = false;
  drawing.lastSent = performance.now();
  drawing.canvas.toBlob(async (blob) => {
    // A classroom student's fine-tuned copy (draw-digits.js keeps its id), else the class's model.
    const copy = sessionStorage.getItem("descent-copy");
    const request = { method: "POST", headers: { "Content-Type": "image/png" }, body: blob };
    try {
      showPrediction(await api(copy ? `/api/predict?session=${encodeURIComponent(copy)}` : "/api/predict", request));
      showError(null, "predict");
    } catch (error) {
      if (error.status === 404 && copy) {  // the server dropped the copy: back to the class's model
        sessionStorage.removeItem("descent-copy");
        drawing.pending = false;
        return predictDrawing();
      }
      showPrediction(null);
      showError(error.status === 422 ? "Nothing to read: draw a digit." : `Could not read the drawing: ${error.message}`, "predict");
    } finally {
      drawing.pending = false;
      if (drawing.dirty && !drawing.active) predictDrawing();
    }
  }, "image/png");
}

/** Shows test image `index` on the canvas, with its label, and the network's answer. */
async function showTestDigit(index) {
  let image, prediction;
  try {
    image = await api(`/api/test/${index}`);
    prediction = await postJSON("/api/predict", { pixels: image.bytes.map((value) => value / 255) });
    showError(null, "predict");
  } catch (error) {
    return showError(`Could not load a test digit: ${error.message}`, "predict");
  }
  clearDrawing();
  $("test-label").textContent = `Test image ${index}, labelled ${image.label}.`;
  drawing.pixels = image.bytes.map((value) => value / 255);
  showPrediction(prediction);
  showOnPad(drawing.canvas, image.bytes);
}

/** Shows what the network read (null: nothing drawn) and tells the panels with a "prediction" event. */
export function showPrediction(prediction) {
  drawing.last = prediction;
  showInput($("input"), prediction);
  $("prediction").textContent = prediction ? prediction.digit : "?";
  $("confidence").textContent = prediction ? `(output ${prediction.confidence.toFixed(3)})` : "";
  if (prediction) {
    $("model-shown").textContent = prediction.model === "copy"
      ? "· the Draw page shows your own fine-tuned copy; the class's model is unchanged"
      : sessionStorage.getItem("descent-copy") == null ? "" : "· the Draw page shows the class's model";
  }
  bars($("bars"), prediction ? prediction.outputs : new Array(10).fill(0), { highlight: prediction ? prediction.digit : -1 });
  drawNetwork(prediction, $("network"), $("input"), served);
  document.dispatchEvent(new CustomEvent("prediction", { detail: prediction }));
}
