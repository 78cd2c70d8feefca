// The Lesson's chapters 1 to 3: the reader's example (a drawing or a test image) flowing through the
// network, its cost for the label the reader says, and the cost of every test image.
import { api, postGradient, postJSON } from "./api.js";
import { $, labelButtons, pressLabel, showError } from "./dom.js";
import { bars, clearFigure, describe, digitFigure } from "./figures.js";
import { drawStepChart, showNudges } from "./lesson-learning.js";
import { lesson } from "./lesson-state.js";
import { served } from "./model.js";
import { drawNetwork, showInput } from "./network-figure.js";
import { attachPad, clearPad, showOnPad } from "./pad.js";

export function setUpExample() {
  // Chapter 1: the pad and the network.
  clearPad($("lesson-draw"));
  attachPad($("lesson-draw"), { start: () => {}, move: () => {}, end: () => useDrawing() });
  $("lesson-clear").addEventListener("click", () => { clearPad($("lesson-draw")); setExample(null, null, null); });
  $("lesson-random").addEventListener("click", () => useTestImage(Math.floor(Math.random() * 10000)));
  // Chapter 2: the labels.
  labelButtons($("lesson-labels"), "lesson-label", chooseLessonLabel);
  showCostTerms();
}

// MARK: - Chapters 1 and 2: the example, the network, its cost

/** Chapter 1's figure: the example flowing through the served model, and the model's shape in words. */
export function drawLessonNetwork() {
  showInput($("lesson-input"), lesson.prediction);
  drawNetwork(lesson.prediction, $("lesson-network"), $("lesson-input"), served);
  const sizes = served.sizes;
  const count = sizes.slice(1).reduce((sum, size, i) => sum + size * sizes[i] + size, 0);
  const video = sizes.join("-") === "784-16-16-10";
  $("lesson-served").textContent = video ? "the served model has exactly this shape"
    : `the served model is ${sizes.join("-")}, with ${count.toLocaleString("en")} weights and biases; the figures show its first 20 neurons a layer`;
}

/** The example changes: a drawing, a test image, or nothing. `label`: known for a test image. */
async function setExample(example, label, prediction) {
  lesson.generation += 1;
  lesson.example = example;
  lesson.prediction = prediction;
  lesson.gradient = null;
  lesson.stepCosts = [];
  drawLessonNetwork();
  drawStepChart();
  if (!example) $("lesson-example").textContent = "No digit yet.";
  await chooseLessonLabel(label);
}

function useDrawing() {
  $("lesson-draw").toBlob(async (blob) => {
    try {
      const prediction = await api("/api/predict", { method: "POST", headers: { "Content-Type": "image/png" }, body: blob });
      $("lesson-example").textContent = `Your drawing: the served model reads ${prediction.digit} (output ${prediction.confidence.toFixed(2)}). Say which digit it is in chapter 2.`;
      await setExample({ drawing: $("lesson-draw").toDataURL("image/png") }, null, prediction);
      showError(null, "lesson");
    } catch (error) {
      showError(error.status === 422 ? "Nothing to read: draw a digit." : `Could not read the drawing: ${error.message}`, "lesson");
    }
  }, "image/png");
}

/** Makes test image `index` the example, with its label, and paints it on the pad. */
async function useTestImage(index) {
  try {
    const image = await api(`/api/test/${index}`);
    const pixels = image.bytes.map((value) => value / 255);
    const prediction = await postJSON("/api/predict", { pixels });
    showOnPad($("lesson-draw"), image.bytes);
    $("lesson-example").textContent = `Test image ${index}, labelled ${image.label}: the served model reads ${prediction.digit} (output ${prediction.confidence.toFixed(2)}).`;
    await setExample({ pixels }, image.label, prediction);
    showError(null, "lesson");
  } catch (error) {
    showError(`Could not load test image ${index}: ${error.message}`, "lesson");
  }
}

async function chooseLessonLabel(digit) {
  lesson.label = digit;
  pressLabel($("lesson-labels"), "lesson-label", digit);
  lesson.gradient = null;
  if (lesson.example && digit != null) {
    try {
      await refreshLessonGradient();
    } catch (error) {
      showError(`Could not compute the cost: ${error.message}`, "lesson");
    }
  }
  showCostTerms();
  showNudges();
}

/** The example's gradient for its label (POST /api/gradient), kept unless the example or label changed meanwhile. */
export async function refreshLessonGradient() {
  const generation = lesson.generation, label = lesson.label;
  const gradient = await postGradient({ ...lesson.example, label });
  if (generation === lesson.generation && label === lesson.label) lesson.gradient = gradient;
}

/** Chapter 2: one bar per output, its share of the example's cost. */
export function showCostTerms() {
  const figure = $("lesson-cost-terms");
  const gradient = lesson.gradient;
  figure.replaceChildren();
  if (!gradient) {
    $("lesson-cost-text").textContent = lesson.example ? "Say which digit your example is: press its button." : "Draw a digit in chapter 1 (or pick a random test digit), then say which digit it is.";
    figure.setAttribute("aria-label", "no cost yet");
    return;
  }
  bars(figure, gradient.costTerms, {
    highlight: gradient.label, scale: Math.max(0.5, ...gradient.costTerms),
    title: (term, digit) => `output ${digit}: ${gradient.outputs[digit].toFixed(3)}, wants ${digit === gradient.label ? 1 : 0}, term ${term.toFixed(4)}`,
  });
  const dearest = gradient.costTerms.reduce((best, term, i) => (term > gradient.costTerms[best] ? i : best), 0);
  const terms = gradient.costName === "quadratic" ? "the sum of ten terms ½(output − wanted)²" : `the sum of its ${gradient.costName} terms`;
  const text = `Label ${gradient.label}, read as ${gradient.digit}: cost ${gradient.cost.toFixed(4)}, ${terms}. `
    + `Output ${gradient.label} is ${gradient.outputs[gradient.label].toFixed(3)} and should be 1; `
    + `the largest term is output ${dearest}'s, ${gradient.costTerms[dearest].toFixed(4)}.`;
  $("lesson-cost-text").textContent = text;
  figure.setAttribute("aria-label", text);
}

// MARK: - Chapter 3: the cost of all of them

/** Chapter 3's figure: the cost of every test image (GET /api/lesson/cost), the cheapest and the dearest. */
export async function loadCosts() {
  const costs = await api("/api/lesson/cost");
  const canvas = $("lesson-costs"), context = clearFigure(canvas);
  const [w, h] = [canvas.width, canvas.height];
  const most = Math.max(...costs.histogram);
  const width = (w - 60) / costs.histogram.length;
  costs.histogram.forEach((count, bin) => {
    // A square-root scale: the thousands of nearly free images and the few dear ones both show.
    const height = (h - 40) * Math.sqrt(count / most);
    context.fillStyle = "#58c4dd";
    context.fillRect(40 + bin * width, h - 25 - height, width - 2, height);
  });
  context.fillStyle = "#9aa0aa";
  context.font = "11px system-ui";
  context.fillText("0", 40, h - 8);
  context.fillText(`cost ${costs.histogramUpperBound.toFixed(2)}`, w - 80, h - 8);
  context.fillText(`${most} images`, 0, 14);
  const meanX = 40 + (w - 60) * costs.mean / (costs.histogramUpperBound || 1);
  context.strokeStyle = "#ffd75e";
  context.beginPath();
  context.moveTo(meanX, 10);
  context.lineTo(meanX, h - 25);
  context.stroke();
  context.fillStyle = "#ffd75e";
  context.fillText(`mean ${costs.mean.toFixed(4)}`, Math.min(meanX + 4, w - 90), 24);
  const share = costs.histogram[0] / costs.count;
  describe(canvas, `The cost of each of the ${costs.count.toLocaleString("en")} test images, in ${costs.histogram.length} bins from 0 to `
    + `${costs.histogramUpperBound.toFixed(3)}: mean ${costs.mean.toFixed(4)}; ${(100 * share).toFixed(1)}% of the images cost under `
    + `${(costs.histogramUpperBound / costs.histogram.length).toFixed(3)}; ${(100 * costs.accuracy).toFixed(2)}% are read right. `
    + `The cheapest costs ${costs.cheapest[0].score.toFixed(5)}, the dearest ${costs.dearest[0].score.toFixed(3)}.`);
  const figure = (example) => {
    const item = digitFigure(example.bytes, `#${example.index}: ${example.label}→${example.digit}, ${example.score.toFixed(3)}`, () => {
      document.querySelectorAll("#lesson-cheapest figure, #lesson-dearest figure").forEach((other) => other.classList.toggle("selected", other === item));
      useTestImage(example.index);
    });
    item.tabIndex = 0;
    item.setAttribute("role", "button");
    item.setAttribute("aria-label", `test image ${example.index}, a ${example.label} read as ${example.digit}, cost ${example.score.toFixed(3)}: make it the example`);
    item.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); item.click(); } });
    return item;
  };
  $("lesson-cheapest").replaceChildren(...costs.cheapest.map(figure));
  $("lesson-dearest").replaceChildren(...costs.dearest.map(figure));
}
