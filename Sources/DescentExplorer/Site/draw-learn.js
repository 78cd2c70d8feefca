// Descent explorer: the Draw page's Learn panel. Say which digit the drawing is, and the page shows what
// this one example asks of the network (POST /api/gradient), then lets a copy of the network that belongs
// to this page take steps of gradient descent on it (POST /api/step, /api/step/undo, /api/step/reset).
// Every number comes from the server's backpropagation; this module only draws.
import { postGradient, postJSON } from "./api.js";
import { $, labelButtons, pressLabel, showError } from "./dom.js";
import { bars, describe, divergingBars, lineChart, weightPicture } from "./figures.js";
import { drawing } from "./draw.js";

// `example`: the input as the API takes it ({pixels} or {drawing}), fixed when the label is chosen.
// `session`: the page's copy as the server last described it (null until the first step).
const learn = { example: null, label: null, gradient: null, session: null, busy: false };

export function setUpLearning() {
  labelButtons($("learn-labels"), "learn-label", chooseLabel);
  $("learn-rate").addEventListener("input", showRate);
  $("learn-step").addEventListener("click", () => changeCopy("/api/step"));
  $("learn-undo").addEventListener("click", () => changeCopy("/api/step/undo"));
  $("learn-reset").addEventListener("click", () => changeCopy("/api/step/reset"));
  // A new drawing (or a test digit, or Clear) is a new example: its label has to be said again.
  document.addEventListener("prediction", () => forgetExample());
  showRate();
  drawCostChart();
}

/** η from the slider: 10^x for x in -2...1, so 0.01 ... 10. */
function learningRate() {
  return Number(Math.pow(10, Number($("learn-rate").value)).toPrecision(2));
}

function showRate() {
  $("learn-rate-value").textContent = String(learningRate());
  $("learn-rate").setAttribute("aria-valuetext", `learning rate ${learningRate()}`);  // not the slider's exponent
}

function forgetExample() {
  learn.example = null;
  learn.label = null;
  pressLabel($("learn-labels"), "learn-label", null);
  $("learn-body").hidden = true;
  updateButtons();
}

async function chooseLabel(digit) {
  if (!drawing.last) return showError("Draw a digit first (or pick a random test digit), then say which it is.", "learn");
  learn.example = drawing.pixels ? { pixels: drawing.pixels } : { drawing: drawing.canvas.toDataURL("image/png") };
  learn.label = digit;
  pressLabel($("learn-labels"), "learn-label", digit);
  $("learn-status").textContent = "";
  await refreshGradient();
}

/** The example's body for the API, with the page's copy when it has one. */
function exampleBody(extra = {}) {
  const body = { ...learn.example, label: learn.label, ...extra };
  const copy = learn.session ? learn.session.id : sessionStorage.getItem("descent-copy");
  if (copy) body.session = copy;
  return body;
}

async function refreshGradient() {
  if (!learn.example) return;  // A new drawing arrived meanwhile: its label has to be said first.
  try {
    learn.gradient = await postGradient(exampleBody());
    showError(null, "learn");
  } catch (error) {
    if (error.status === 404 && (learn.session || sessionStorage.getItem("descent-copy"))) return copyForgotten();
    learn.gradient = null;
    return showError(error.status === 422 ? `Nothing to learn from: ${error.message}` : `Could not compute the nudges: ${error.message}`, "learn");
  }
  if (learn.gradient.session) learn.session = learn.gradient.session;
  showGradient(learn.gradient);
  $("learn-body").hidden = false;
  updateButtons();
}

/** The server no longer has the copy (it keeps the most recently used ones, and restarts forget them). */
function copyForgotten() {
  learn.session = null;
  sessionStorage.removeItem("descent-copy");
  $("learn-status").textContent = "The server no longer has this page's copy; the next step starts a new one from the served model.";
  drawCostChart();
  return refreshGradient();
}

// MARK: - What the example asks

function showGradient(g) {
  const copy = learn.session ? `this page's copy after ${learn.session.steps} step${learn.session.steps === 1 ? "" : "s"}` : "the served model";
  let summary = `A ${g.label}: ${copy} reads ${g.digit}; the cost of this example is ${number(g.cost)}.`;
  if (learn.session && learn.session.outdated) {
    summary += ` The copy is based on model version ${learn.session.baseVersion}; the served model is now version ${g.modelVersion}. Reset to learn on it.`;
  }
  $("learn-summary").textContent = summary;
  $("learn-summary").dataset.cost = g.cost;
  showCost(g);
  divergingBars($("learn-desires"), g.desiredOutputChanges, g.label);
  showHiddenDesires(g.hiddenDesires);
  showNudgeTiles(g.firstLayerNudges);
  showLargest(g);
  $("learn-norm").textContent = `Gradient norm ${g.norm.toPrecision(4)} over ${g.parameterCount} weights and biases; ` +
    `the largest 1% of them hold ${(100 * g.top1PercentShare).toFixed(1)}% of its squared norm, the largest 10% hold ${(100 * g.top10PercentShare).toFixed(1)}%.`;
}

/** The cost output by output, in the model's own cost: ½(aᵢ − yᵢ)² for the quadratic cost, its own
 *  terms for cross-entropy (with softmax only the label's, −log a, is not zero: the outputs are shown). */
function showCost(g) {
  const softmax = g.costName === "cross-entropy" && g.outputActivation === "softmax";
  const values = softmax ? g.outputs : g.costTerms;
  $("learn-cost-title").textContent = softmax ? "The outputs (softmax) and the cost −log a" : "The cost, output by output";
  // A fixed scale (½ is the most one quadratic term can be), so that bars shrink as the cost falls.
  bars($("learn-cost"), values, { highlight: g.label, scale: softmax ? 1 : Math.max(0.5, ...values) });
  $("learn-cost").dataset.values = g.costTerms.map((v) => v.toPrecision(6)).join(",");
  $("learn-cost-note").textContent = g.costName === "quadratic"
    ? `Quadratic cost, C = ½Σ(aᵢ − yᵢ)² (the video's sum of squared differences, halved as in Nielsen's book): each bar is ½(aᵢ − yᵢ)², with y = 1 for ${g.label} and 0 for the rest. They add up to ${number(g.cost)}.`
    : softmax
      ? `Cross-entropy, C = −Σ yᵢ log aᵢ: only the label's term is not zero, −log a${g.label} = −log ${number(g.outputs[g.label])} = ${number(g.cost)}.`
      : `Cross-entropy, C = −Σ [yᵢ log aᵢ + (1 − yᵢ) log(1 − aᵢ)]: each bar is one output's term. They add up to ${number(g.cost)}.`;
}

/** Each hidden layer as a strip of cells, blue where the neuron should grow, red where it should shrink. */
function showHiddenDesires(layers) {
  $("learn-hidden").replaceChildren(...layers.map((values, layer) => {
    const figure = document.createElement("figure");
    const strip = weightPicture(values, Math.max(1e-12, ...values.map(Math.abs)), values.length, 1);
    strip.className = "strip";
    figure.append(strip,
      Object.assign(document.createElement("figcaption"), { textContent: `hidden layer ${layer + 1} (${values.length})` }));
    figure.dataset.values = values.map((v) => v.toPrecision(6)).join(",");
    return figure;
  }));
}

/** One picture a neuron, on one colour scale for all, so that the neurons whose nudges matter stand out. */
function showNudgeTiles(tiles) {
  const scale = Math.max(1e-12, ...tiles.map((tile) => tile.nudges.reduce((largest, value) => Math.max(largest, Math.abs(value)), 0)));
  $("learn-tiles").replaceChildren(...tiles.map((tile) => {
    const figure = document.createElement("figure");
    figure.append(weightPicture(tile.nudges, scale), Object.assign(document.createElement("figcaption"), { textContent: `neuron ${tile.neuron}: ${(100 * tile.share).toFixed(0)}%` }));
    return figure;
  }));
}

function showLargest(g) {
  const table = $("learn-largest");
  table.replaceChildren();
  const head = table.insertRow();
  for (const title of ["rank", "layer", "neuron", "from", "∂C/∂θ", "descent moves it", "share of |∇C|²"]) {
    head.append(Object.assign(document.createElement("th"), { textContent: title }));
  }
  g.largest.forEach((component, rank) => {
    const from = component.input == null ? "bias"
      : component.layer === 1 ? `pixel (${Math.floor(component.input / 28)}, ${component.input % 28})` : `neuron ${component.input} below`;
    const row = table.insertRow();
    for (const text of [rank + 1, component.layer, component.neuron, from, component.derivative.toExponential(3),
      component.derivative > 0 ? "down" : "up", `${(100 * component.share).toFixed(2)}%`]) {
      row.insertCell().textContent = text;
    }
  });
}

// MARK: - Steps

async function changeCopy(path) {
  if (learn.busy || !learn.example) return;
  learn.busy = true;
  updateButtons();
  const what = { "/api/step": "take a step", "/api/step/undo": "undo the step", "/api/step/reset": "reset the copy" }[path];
  try {
    const answer = await postJSON(path, exampleBody(path === "/api/step" ? { learningRate: learningRate() } : {}));
    showError(null, "learn");
    learn.session = answer.session;
    if (sessionStorage.getItem("descent-copy")) sessionStorage.setItem("descent-copy", answer.session.id);
    showChange(path, answer);
    drawCostChart();
    await refreshGradient();
  } catch (error) {
    if (error.status === 404 && learn.session) {
      await copyForgotten();
    } else {
      showError(`Could not ${what}: ${error.message}`, "learn");
    }
  } finally {
    learn.busy = false;
    updateButtons();
  }
}

/** A number with four decimals, or in exponent form when that would show only zeros. */
function number(value) {
  return value !== 0 && Math.abs(value) < 0.001 ? value.toExponential(2) : value.toFixed(4);
}

/** Says what moved: the cost, the label's output, the answer, and the hidden activations. */
function showChange(path, answer) {
  const { before, after, step, session } = answer;
  const signed = (value) => (value >= 0 ? "+" : "−") + number(Math.abs(value));
  const label = before.label;
  const lead = path === "/api/step" ? `Step ${session.steps} (η = ${step.learningRate}):`
    : path === "/api/step/undo" ? `Took back a step (η = ${step.learningRate}); ${session.steps} left:`
      : `Reset to the served model (version ${session.baseVersion}):`;
  const lines = [
    `${lead} cost ${number(before.cost)} → ${number(after.cost)} (${signed(answer.costChange)}).`,
    `Output ${label}: ${number(before.outputs[label])} → ${number(after.outputs[label])} (${signed(after.outputs[label] - before.outputs[label])}); ` +
      `it reads ${before.digit} → ${after.digit}.`,
    ...before.activations.slice(0, -1).map((layer, index) => {
      const changes = layer.map((value, neuron) => after.activations[index][neuron] - value);
      const largest = changes.reduce((best, change, neuron) => (Math.abs(change) > Math.abs(changes[best]) ? neuron : best), 0);
      const mean = changes.reduce((sum, change) => sum + Math.abs(change), 0) / changes.length;
      return `Hidden layer ${index + 1}: activations moved by ${number(mean)} on average, most at neuron ${largest} (${signed(changes[largest])}).`;
    }),
  ];
  const status = $("learn-status");
  status.replaceChildren(...lines.map((line) => Object.assign(document.createElement("span"), { textContent: line, className: "line" })));
  status.dataset.costBefore = before.cost;
  status.dataset.costAfter = after.cost;
}

function updateButtons() {
  const ready = Boolean(learn.example) && !learn.busy;
  $("learn-step").disabled = !ready;
  $("learn-undo").disabled = !ready || !learn.session || learn.session.undoable === 0;
  $("learn-reset").disabled = !ready || !learn.session;
}

/** The cost of each kept step's example, before the first and after each. */
function drawCostChart() {
  const canvas = $("learn-chart");
  const history = learn.session ? learn.session.history : [];
  const costs = history.length ? [history[0].costBefore, ...history.map((step) => step.costAfter)] : [];
  canvas.dataset.costs = costs.map((c) => c.toPrecision(6)).join(",");
  const first = learn.session ? learn.session.steps - history.length : 0;
  lineChart(canvas, [{ colour: "#fc6255", points: costs.map((cost, i) => [i, cost]) }], {
    xMax: Math.max(1, costs.length - 1), yMax: Math.max(1e-9, ...costs), xLabel: "step",
    yLabel: costs.length ? `cost per step (steps ${first}…${first + history.length})` : "cost per step: take a step",
  });
  describe(canvas, costs.length === 0 ? "The example's cost after each step: no steps yet."
    : `The example's cost before step ${first + 1} and after each step to ${first + history.length}: ${costs.map((c) => c.toFixed(4)).join(", ")}.`);
}
