// The Lesson's chapters 8 to 10, what a network does not do: it reads noise with confidence and cannot
// draw (8), learns shuffled labels by heart (9), and ends in one of many valleys (10). Chapters 9 and 10
// stream their runs from the server, one JSON line an epoch or a network.
import { postJSON, streamLines } from "./api.js";
import { $, showError } from "./dom.js";
import { clearFigure, describe, digitFigure, lineChart } from "./figures.js";
import { lesson } from "./lesson-state.js";
import { paintDigit } from "./pad.js";

export function setUpLimits() {
  // Chapter 8.
  $("lesson-dream-digit").replaceChildren(...Array.from({ length: 10 }, (_, digit) =>
    Object.assign(document.createElement("option"), { value: digit, textContent: digit, selected: digit === 5 })));
  $("lesson-noise").addEventListener("click", feedNoise);
  $("lesson-dream").addEventListener("click", dream);
  describe($("lesson-dream-picture"), "The picture that makes an output largest: not dreamed yet (choose a digit and press Dream); all 784 pixels are dark.");
  // Chapters 9 and 10.
  $("lesson-memorize").addEventListener("click", runMemorize);
  $("lesson-minima").addEventListener("click", runMinima);
  drawMemorize();
  drawMinima();
}

// MARK: - Chapter 8: confident nonsense

async function feedNoise() {
  let probe;
  try {
    probe = await postJSON("/api/lesson/probe", { seed: lesson.probeSeed++ });
  } catch (error) {
    return showError(`Could not feed noise: ${error.message}`, "lesson");
  }
  const [noise, test] = [probe.reports.find((r) => r.kind === "uniform-noise"), probe.reports.find((r) => r.kind === "test")];
  $("lesson-probe").replaceChildren(...noise.examples.map((e) => digitFigure(e.bytes, `reads ${e.digit} (${e.topOutput.toFixed(2)})`)));
  const counts = noise.digitCounts.map((count, digit) => [count, digit]).sort((a, b) => b[0] - a[0]);
  $("lesson-probe-text").textContent = `Of ${noise.count} images of uniform noise (seed ${lesson.probeSeed - 1}), `
    + `${(100 * noise.confidentShare).toFixed(1)}% were read with a top output of ${noise.threshold} or more (mean top output `
    + `${noise.meanTopOutput.toFixed(2)}), most often as ${counts[0][1]} (${counts[0][0]} times). Of ${test.count} test images, `
    + `${(100 * test.confidentShare).toFixed(1)}% were, and ${(100 * test.accuracy).toFixed(1)}% were right.`;
}

async function dream() {
  const digit = Number($("lesson-dream-digit").value);
  let answer;
  try {
    answer = await postJSON("/api/lesson/dream", { digit, seed: 0 });
  } catch (error) {
    return showError(`Could not dream: ${error.message}`, "lesson");
  }
  paintDigit($("lesson-dream-picture"), answer.bytes);
  describe($("lesson-dream-picture"), `The picture that makes output ${digit} largest, after `
    + `${answer.trace.length > 1 ? `${answer.trace.length - 1} steps of gradient ascent on the pixels` : "one step"}: `
    + `output ${digit} rose from ${answer.trace[0].toFixed(3)} to ${answer.trace[answer.trace.length - 1].toFixed(3)}; the network reads it as `
    + `${answer.reads} (${answer.outputs[answer.reads].toFixed(2)}). ${pictureText(answer.bytes)}`);
}

/** A 28x28 picture (255 bright) in numbers: how many pixels are bright, its mean, and where its brightness is centred. */
function pictureText(bytes) {
  const total = bytes.reduce((sum, b) => sum + b, 0) || 1;
  const [row, column] = [0, 1].map((axis) => bytes.reduce((sum, b, i) => sum + b * (axis ? i % 28 : Math.floor(i / 28)), 0) / total);
  return `${bytes.filter((b) => b > 127).length} of 784 pixels are brighter than half; the mean brightness is `
    + `${(bytes.reduce((sum, b) => sum + b, 0) / 784 / 255).toFixed(2)} of 1, centred at row ${row.toFixed(1)}, column ${column.toFixed(1)} (of 0 to 27).`;
}

// MARK: - Chapters 9 and 10: runs streamed from the server

/** A run streamed from the server (chapters 9 and 10), one at a time: `state` starts again from
 *  `fresh`, its button is disabled while it runs, and its status line says it started, or why it stopped. */
async function runStreamed(state, fresh, { button, status, starting, path, body, onLine }) {
  if (state.running) return;
  Object.assign(state, fresh, { done: null, running: true });
  $(button).disabled = true;
  $(status).textContent = starting;
  try {
    await streamLines(path, body, onLine);
  } catch (error) {
    $(status).textContent = `The run stopped: ${error.message}`;
  } finally {
    state.running = false;
    $(button).disabled = false;
  }
}

function runMemorize() {
  const state = lesson.memorize;
  return runStreamed(state, { lines: [] }, {
    button: "lesson-memorize", status: "lesson-memorize-text", starting: "Training on true labels, then on shuffled ones…",
    path: "/api/lesson/memorize", body: { seed: 0 },
    onLine: (line) => {
      if (line.done) state.done = line; else if (line.epoch > 0) state.lines.push(line);
      drawMemorize();
    },
  });
}

function drawMemorize() {
  const canvas = $("lesson-memorize-curves");
  const { lines, done } = lesson.memorize;
  const variants = [...new Set(lines.map((l) => l.variant))];
  const colours = ["#58c4dd", "#fc6255"];
  const maxCost = Math.max(1e-9, ...lines.map((l) => l.cost));
  const maxEpoch = Math.max(10, ...lines.map((l) => l.epoch));
  lineChart(canvas, variants.flatMap((variant, i) => [
    { colour: colours[i % 2], points: lines.filter((l) => l.variant === variant).map((l) => [l.epoch, l.cost / maxCost]) },
    { colour: colours[i % 2], dashed: true, points: lines.filter((l) => l.variant === variant).map((l) => [l.epoch, l.testAccuracy]) },
  ]), { xMax: maxEpoch, yMax: 1, xLabel: "epoch", yLabel: "cost ÷ largest (solid), test accuracy (dashed)" });
  const context = canvas.getContext("2d");
  context.font = "12px system-ui";
  variants.forEach((variant, i) => { context.fillStyle = colours[i % 2]; context.fillText(variant, canvas.width - 150, 20 + 16 * i); });
  const summary = variants.map((variant) => {
    const own = lines.filter((l) => l.variant === variant), last = own[own.length - 1];
    return `${variant}: ${own.length} epochs, cost ${own[0].cost.toFixed(3)} → ${last.cost.toFixed(3)}, training accuracy `
      + `${(100 * last.trainingAccuracy).toFixed(1)}%, test accuracy ${(100 * last.testAccuracy).toFixed(1)}%`;
  });
  const text = lines.length === 0 ? "Cost by epoch on true and on shuffled labels: not run yet."
    : `Cost by epoch of a ${done ? done.layers.join("-") : ""} network on ${done ? done.trainingCount : "the same"} training images. ` + summary.join("; ") + ".";
  describe(canvas, text);
  // The caption under the chart holds the numbers; this line says only how the run is going.
  if (lines.length) $("lesson-memorize-text").textContent = done ? "" : `Running… ${summary[summary.length - 1]}`;
}

function runMinima() {
  const state = lesson.minima;
  return runStreamed(state, { runs: [] }, {
    button: "lesson-minima", status: "lesson-minima-text", starting: "Training the first network…",
    path: "/api/lesson/minima", body: { seeds: 3, epochs: 10 },
    onLine: (line) => {
      if (line.done) state.done = line; else state.runs.push(line);
      drawMinima();
    },
  });
}

function drawMinima() {
  const canvas = $("lesson-minima-chart"), context = clearFigure(canvas);
  const { runs, done } = lesson.minima;
  context.font = "12px system-ui";
  // Left: each seed's test accuracy.
  runs.forEach((run, i) => {
    const height = 170 * run.testAccuracy;
    context.fillStyle = "#58c4dd";
    context.fillRect(20 + i * 50, 200 - height, 36, height);
    context.fillStyle = "#e8e8ea";
    context.fillText(`${(100 * run.testAccuracy).toFixed(1)}%`, 16 + i * 50, 194 - height);
    context.fillStyle = "#9aa0aa";
    context.fillText(`seed ${run.seed}`, 18 + i * 50, 218);
  });
  if (done && done.path.length) {
    const left = 220, width = canvas.width - left - 20, top = Math.max(...done.path, ...done.alignedPath) || 1;
    const series = [["#fc6255", done.path], ["#58c4dd", done.alignedPath]];
    for (const [colour, costs] of series) {
      context.strokeStyle = colour;
      context.lineWidth = 2;
      context.beginPath();
      costs.forEach((cost, i) => {
        const [x, y] = [left + width * done.positions[i], 200 - 170 * cost / top];
        i ? context.lineTo(x, y) : context.moveTo(x, y);
      });
      context.stroke();
    }
    context.fillStyle = "#9aa0aa";
    context.fillText("seed 0", left - 10, 218);
    context.fillText("seed 1", left + width - 30, 218);
    context.fillStyle = "#fc6255";
    context.fillText("straight line", left + width / 2 - 60, 16);
    context.fillStyle = "#58c4dd";
    context.fillText("after matching neurons", left + width / 2 - 60, 32);
  }
  const accuracies = runs.map((r) => `seed ${r.seed} ${(100 * r.testAccuracy).toFixed(2)}%`).join(", ");
  const text = runs.length === 0 ? "Networks trained from several seeds: not run yet."
    : `Test accuracy after ${done ? done.epochs : "10"} epochs: ${accuracies}.` + (done && done.path.length
      ? ` On the straight line from seed 0's network to seed 1's, the cost on ${done.probeCount} test images rises from `
        + `${done.path[0].toFixed(3)} to a ridge of ${Math.max(...done.path).toFixed(3)}; after renumbering seed 1's hidden neurons to match, `
        + `the ridge is ${Math.max(...done.alignedPath).toFixed(3)}.` : "");
  describe(canvas, text);
  if (runs.length) $("lesson-minima-text").textContent = done ? "" : `Trained ${runs.length} of 3…`;
}
