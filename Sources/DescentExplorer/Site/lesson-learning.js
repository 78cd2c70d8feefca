// The Lesson's chapters 5 to 7: the gradient as nudges, learning (steps on the example, then a real
// training of the page's own copy), and what a network learned.
import { api, postJSON, weightRows } from "./api.js";
import { $, showError } from "./dom.js";
import { clearFigure, describe, digitFigure, lineChart, weightPicture } from "./figures.js";
import { keepSession, lesson, LESSON_STEP_RATE } from "./lesson-state.js";
import { served } from "./model.js";

export function setUpLearningChapters() {
  // Chapter 6.
  $("lesson-step").addEventListener("click", lessonStep);
  $("lesson-train").addEventListener("click", lessonTrain);
  // Chapter 7.
  for (const which of ["served", "copy"]) {
    $(`lesson-learned-${which}`).addEventListener("click", () =>
      showLearned(which).then(() => showError(null, "lesson"), (error) => showError(`Could not load what it learned: ${error.message}`, "lesson")));
  }
  drawStepChart();
  drawTrainingCurve();
}

// MARK: - Chapter 5: the gradient as nudges

/** Chapter 5's figure: the shares of the gradient's squared length held by its largest components. */
export function showNudges() {
  const canvas = $("lesson-nudges"), context = clearFigure(canvas);
  const gradient = lesson.gradient;
  const table = $("lesson-largest");
  table.replaceChildren();
  if (!gradient) {
    describe(canvas, "No gradient yet: make an example in chapter 1 and give it a label in chapter 2.");
    return;
  }
  const shares = [["largest 10", gradient.largest.reduce((sum, c) => sum + c.share, 0)],
    [`top 1% (${Math.ceil(gradient.parameterCount / 100)})`, gradient.top1PercentShare],
    [`top 10% (${Math.ceil(gradient.parameterCount / 10)})`, gradient.top10PercentShare]];
  const width = (canvas.width - 20) / shares.length;
  context.font = "12px system-ui";
  shares.forEach(([name, share], i) => {
    const height = (canvas.height - 50) * share;
    context.fillStyle = "#58c4dd";
    context.fillRect(20 + i * width, canvas.height - 30 - height, width - 30, height);
    context.fillStyle = "#e8e8ea";
    context.fillText(`${(100 * share).toFixed(1)}%`, 24 + i * width, canvas.height - 36 - height);
    context.fillStyle = "#9aa0aa";
    context.fillText(name, 20 + i * width, canvas.height - 12);
  });
  describe(canvas, `Label ${gradient.label}: the gradient has ${gradient.parameterCount.toLocaleString("en")} components and length `
    + `${gradient.norm.toPrecision(3)}. Its 10 largest nudges hold ${(100 * shares[0][1]).toFixed(1)}% of its squared length, the top 1% `
    + `${(100 * gradient.top1PercentShare).toFixed(1)}%, the top 10% ${(100 * gradient.top10PercentShare).toFixed(1)}%.`);
  const head = table.insertRow();
  for (const title of ["layer", "neuron", "from", "−∂C/∂w", "share"]) head.append(Object.assign(document.createElement("th"), { textContent: title }));
  gradient.largest.forEach((c) => {
    const row = table.insertRow();
    for (const value of [c.layer, c.neuron, c.input == null ? "bias" : c.input, (-c.derivative).toPrecision(3), `${(100 * c.share).toFixed(2)}%`]) row.insertCell().textContent = value;
  });
}

// MARK: - Chapter 6: learning

async function lessonStep() {
  if (!lesson.example || lesson.label == null) return showError("Make an example (chapter 1) and say its label (chapter 2) first.", "lesson");
  const body = { ...lesson.example, label: lesson.label, learningRate: LESSON_STEP_RATE, ...(lesson.session ? { session: lesson.session } : {}) };
  let answer;
  try {
    answer = await postJSON("/api/step", body);
  } catch (error) {
    if (error.status === 404 && lesson.session) { keepSession(null); return lessonStep(); }  // the server forgot the copy
    return showError(`Could not take a step: ${error.message}`, "lesson");
  }
  keepSession(answer.session.id);
  if (lesson.stepCosts.length === 0) lesson.stepCosts.push(answer.before.cost);
  lesson.stepCosts.push(answer.after.cost);
  showError(null, "lesson");
  drawStepChart();
}

/** Chapter 6's first figure: the example's cost after each step. */
export function drawStepChart() {
  const canvas = $("lesson-steps");
  const costs = lesson.stepCosts;
  lineChart(canvas, [{ colour: "#fc6255", points: costs.map((cost, i) => [i, cost]) }],
    { xMax: Math.max(5, costs.length - 1), yMax: Math.max(1e-9, ...costs), xLabel: "step", yLabel: "cost" });
  describe(canvas, costs.length === 0 ? "The example's cost after each step: no steps yet."
    : `The example's cost after each step of η = ${LESSON_STEP_RATE}: ${costs.map((c) => c.toFixed(4)).join(", ")}.`);
}

async function lessonTrain() {
  clearTimeout(lesson.polling);
  const seed = Number($("lesson-seed").value) || 0;
  let status;
  try {
    status = await postJSON("/api/lesson/train", { seed, epochs: 30, ...(lesson.session ? { session: lesson.session } : {}) });
  } catch (error) {
    if (error.status === 404 && lesson.session) { keepSession(null); return lessonTrain(); }
    $("lesson-train-status").textContent = error.message;
    return;
  }
  keepSession(status.session);
  lesson.training = status;
  $("lesson-train").disabled = true;
  $("lesson-train-status").textContent = status.message || `Training 784-16-16-10 on ${status.trainingCount.toLocaleString("en")} images, seed ${seed}…`;
  drawTrainingCurve();
  const run = status.id;
  const poll = async () => {
    if (!lesson.training || lesson.training.id !== run) return;  // a newer training took over
    try {
      lesson.training = await api(`/api/train?id=${run}`);
    } catch (error) {
      $("lesson-train").disabled = false;
      return showError(`Lost the training: ${error.message}`, "lesson");
    }
    const current = lesson.training;
    $("lesson-train-progress").value = current.reports.length / current.epochs;
    drawTrainingCurve();
    if (["finished", "failed", "cancelled"].includes(current.state)) {
      $("lesson-train").disabled = false;
      $("lesson-train-status").textContent = current.message || current.state;
      $("lesson-train-status").dataset.state = current.state;
      lesson.loaded.delete(`7@${served.version}`);
      lesson.learned = "copy";
      return;
    }
    if (current.state === "queued") $("lesson-train-status").textContent = current.message || "waiting for other trainings";
    lesson.polling = setTimeout(poll, 150);  // the next poll once this one has answered
  };
  lesson.polling = setTimeout(poll, 150);
}

export function drawTrainingCurve() {
  const canvas = $("lesson-curve");
  const status = lesson.training;
  const reports = status ? status.reports : [];
  const epochs = status ? status.epochs : 30;
  const maxCost = Math.max(1e-9, ...reports.map((r) => r.trainingCost));
  lineChart(canvas, [
    { colour: "#58c4dd", points: reports.map((r) => [r.epoch, r.validationAccuracy]) },
    { colour: "#fc6255", points: reports.map((r) => [r.epoch, r.trainingCost / maxCost]) },
  ], { xMax: epochs, yMax: 1, xLabel: "epoch", yLabel: "accuracy (blue), cost ÷ its largest (red)" });
  const last = reports[reports.length - 1];
  describe(canvas, !last ? "The training's cost and validation accuracy by epoch: no training yet."
    : `The training's cost and validation accuracy, ${reports.length} of ${epochs} epochs: cost ${reports[0].trainingCost.toFixed(4)} after epoch 1, `
      + `${last.trainingCost.toFixed(4)} after epoch ${last.epoch}; validation accuracy ${(100 * reports[0].validationAccuracy).toFixed(2)}% then ${(100 * last.validationAccuracy).toFixed(2)}%.`);
}

// MARK: - Chapter 7: what it learned

/** Chapter 7's figure: the first layer's weights and the mistakes of the served model or of the reader's. */
export async function showLearned(which) {
  if (which === "copy" && !lesson.session) {
    $("lesson-learned-text").textContent = "You have no trained network yet: train one in chapter 6.";
    return;
  }
  lesson.learned = which;
  $("lesson-learned-served").setAttribute("aria-pressed", String(which === "served"));
  $("lesson-learned-copy").setAttribute("aria-pressed", String(which === "copy"));
  const session = which === "copy" ? lesson.session : null;
  const request = ++lesson.learnedRequest;
  let learned, rows;
  try {
    const query = session ? `?session=${encodeURIComponent(session)}` : "";
    [learned, rows] = await Promise.all([api(`/api/lesson/learned${query}`), weightRows(1, 0, 16, session)]);
  } catch (error) {
    if (error.status === 404 && session) { keepSession(null); return showLearned("served"); }
    throw error;
  }
  if (request !== lesson.learnedRequest) return;  // a later click has asked for the other network
  const tiles = [];
  for (let neuron = 0; neuron < rows.rows; neuron++) {
    const row = rows.weights.subarray(neuron * rows.columns, (neuron + 1) * rows.columns);
    const scale = Math.max(...Array.from(row, Math.abs)) || 1;
    const figure = document.createElement("figure");
    figure.append(weightPicture(row, scale), Object.assign(document.createElement("figcaption"), { textContent: `neuron ${neuron}` }));
    tiles.push(figure);
  }
  $("lesson-weights").replaceChildren(...tiles);
  const all = Array.from(rows.weights);
  const worst = learned.perDigit.map((a, digit) => [a, digit]).filter(([a]) => a != null).sort((a, b) => a[0] - b[0])[0];
  const text = `${which === "copy" ? "Your trained network" : "The served model"}, ${learned.sizes.join("-")}: ${(100 * learned.accuracy).toFixed(2)}% of `
    + `${learned.count.toLocaleString("en")} test images right, ${learned.mistakeCount} wrong; hardest digit ${worst[1]} at ${(100 * worst[0]).toFixed(1)}%. `
    + `The first ${rows.rows} first-layer neurons' weights range from ${Math.min(...all).toFixed(2)} to ${Math.max(...all).toFixed(2)}.`;
  $("lesson-learned-text").textContent = text;
  $("lesson-weights").setAttribute("aria-label", text);
  $("lesson-weights").dataset.model = which;
  $("lesson-mistakes").replaceChildren(...learned.mistakes.map((m) => digitFigure(m.bytes, `#${m.index}: ${m.label} read as ${m.digit} (${m.score.toFixed(2)})`)));
}
