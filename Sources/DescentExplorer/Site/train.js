// The Train page: every option of a training (POST /api/train), followed live through the training's
// event stream (GET /api/train/events); when it finishes, every page shows the new model.
import { api, postJSON } from "./api.js";
import { $, showError } from "./dom.js";
import { follow } from "./events.js";
import { describe, lineChart } from "./figures.js";
import { reloadModel } from "./nav.js";

const run = { status: null, reports: [], stream: null };

export function setUpTraining() {
  // Every preset the library knows, with its values as a model file records them.
  api("/api/presets").then((presets) => {
    const names = Object.keys(presets).sort((a, b) => (a === "video" ? -1 : b === "video" ? 1 : a.localeCompare(b)));
    $("preset").replaceChildren(...names.map((name) => Object.assign(document.createElement("option"), {
      value: name, textContent: `${name} (${presets[name].layers.replaceAll(",", "-")})`,
    })));
    $("preset").addEventListener("change", () => {
      const preset = presets[$("preset").value];
      $("layers").value = preset.layers;
      $("learning-rate").value = Number(preset.learning_rate);
      $("batch-size").value = Number(preset.batch_size);
      $("epochs").value = Math.min(Number(preset.epochs), 100);
      $("preprocessing").value = preset.preprocessing;
      $("precision").value = preset.precision ?? "float32";
    });
  }).catch((error) => { $("train-status").textContent = `Could not load the presets: ${error.message}`; });
  $("train-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const request = {
      preset: $("preset").value, layers: $("layers").value.split(",").map(Number),
      learningRate: Number($("learning-rate").value), batchSize: Number($("batch-size").value),
      epochs: Number($("epochs").value), trainingLimit: Number($("training-limit").value),
      preprocessing: $("preprocessing").value, precision: $("precision").value,
    };
    try {
      run.status = await postJSON("/api/train", request);
      run.reports = [];
      $("train-status").textContent = `Training ${run.status.sizes.join("-")} on ${run.status.trainingCount} images…`;
      followTraining();
    } catch (error) {
      $("train-status").textContent = error.message;
    }
  });
  $("train-cancel").addEventListener("click", async () => {
    try { await api("/api/train/cancel", { method: "POST" }); } catch (error) { $("train-status").textContent = error.message; }
  });
  drawCurves();
}

const endings = ["finished", "cancelled", "failed"];

function followTraining() {
  if (run.stream) run.stream.close();
  run.stream = follow("/api/train/events", onTrainingEvent, {
    events: ["initial", "progress", "epoch", ...endings],
    // Say so while the stream reconnects, and clear it once it is back.
    onConnection: (state) => showError(state === "open" ? null : "Lost the connection to the training; reconnecting…", "train"),
  });
}

function onTrainingEvent(type, data) {
  if (type === "initial") {
    run.status.initialValidationAccuracy = data.validationAccuracy;
    drawCurves();
  } else if (type === "progress") {
    $("train-progress").value = (data.epoch - 1 + data.done / data.total) / run.status.epochs;
  } else if (type === "epoch") {
    run.reports.push(data);
    $("train-status").textContent = `Epoch ${data.epoch}/${run.status.epochs}: cost ${data.trainingCost.toFixed(4)}, validation ${(100 * data.validationAccuracy).toFixed(2)}%`;
    drawCurves();
  } else if (endings.includes(type)) {
    run.stream.close();
    showError(null, "train");
    $("train-status").textContent = data.message;
    $("train-status").dataset.state = type;
    if (type === "finished") {
      $("train-progress").value = 1;
      reloadModel();
    }
  }
}

function drawCurves() {
  const canvas = $("curves");
  const epochs = run.status ? run.status.epochs : 1;
  const maxCost = Math.max(1e-9, ...run.reports.map((r) => r.trainingCost));
  const initial = run.status && run.status.initialValidationAccuracy != null ? [[0, run.status.initialValidationAccuracy]] : [];
  lineChart(canvas, [
    { colour: "#58c4dd", points: [...initial, ...run.reports.map((r) => [r.epoch, r.validationAccuracy])] },
    { colour: "#fc6255", points: run.reports.map((r) => [r.epoch, r.trainingCost / maxCost]) },
  ], { xMax: epochs, yMax: 1, xLabel: "epoch", yLabel: "accuracy (blue), cost ÷ its largest (red)" });
  canvas.dataset.points = String(run.reports.length);
  const last = run.reports[run.reports.length - 1];
  describe(canvas, !run.status ? "Training cost and validation accuracy by epoch: no training yet."
    : !last ? `Training cost and validation accuracy by epoch, ${epochs} epochs: waiting for the first.`
    : `Training cost and validation accuracy by epoch, ${run.reports.length} of ${epochs} epochs done: `
      + `cost ${run.reports[0].trainingCost.toFixed(4)} after epoch 1 and ${last.trainingCost.toFixed(4)} after epoch ${last.epoch}; `
      + `validation accuracy ${(100 * run.reports[0].validationAccuracy).toFixed(2)}% then ${(100 * last.validationAccuracy).toFixed(2)}%.`);
}
