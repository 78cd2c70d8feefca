// Descent explorer: six pages over the JSON API under /api (the Lesson in lesson.js). Plain JavaScript, nothing from another host.
"use strict";

const $ = (id) => document.getElementById(id);

/** Shows `message` in the page's alert region, or hides it when `message` is null; `source` names who
 *  showed it, so that a later success clears only its own error. */
function showError(message, source = "page") {
  const region = $("error");
  if (message == null) {
    if (region.dataset.source === source) { region.hidden = true; region.dataset.source = ""; }
    return;
  }
  $("error-text").textContent = message;
  region.dataset.source = source;
  region.hidden = false;
}

// descent serve prints a URL with ?token=...: the token is kept for this tab, taken out of the address
// bar, and sent with every request that changes something (no other site's page can send it).
const token = (() => {
  const query = new URLSearchParams(location.search);
  if (query.has("token")) {
    sessionStorage.setItem("descent-token", query.get("token"));
    query.delete("token");
    history.replaceState(null, "", location.pathname + (query.toString() ? "?" + query : "") + location.hash);
  }
  return sessionStorage.getItem("descent-token");
})();

async function api(path, options = {}) {
  const method = (options.method || "GET").toUpperCase();
  const headers = { ...(options.headers || {}) };
  if (token && method !== "GET" && method !== "HEAD") headers["X-Descent-Token"] = token;
  let response;
  try {
    response = await fetch(path, { ...options, headers });
  } catch (error) {
    throw Object.assign(new Error(`Could not reach the server (${error.message}). Is descent serve still running?`), { status: 0 });
  }
  const body = await response.json().catch(() => ({ error: "the server's answer was not JSON" }));
  if (!response.ok) throw Object.assign(new Error(body.error || response.statusText), { status: response.status });
  return body;
}

function postJSON(path, value) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) });
}

/** Paints 784 bytes (0 background ... 255 ink) on a 28x28 canvas, white ink on black. */
function paintDigit(canvas, bytes) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(28, 28);
  bytes.forEach((value, index) => {
    image.data.set([value, value, value, 255], index * 4);
  });
  context.putImageData(image, 0, 0);
}

function digitFigure(bytes, caption, onClick) {
  const figure = document.createElement("figure");
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 28;
  paintDigit(canvas, bytes);
  const text = document.createElement("figcaption");
  text.textContent = caption;
  figure.append(canvas, text);
  if (onClick) figure.addEventListener("click", () => onClick(figure));
  return figure;
}

// MARK: - Pages

// lesson.js adds the Lesson page, the first, with its chapters as #lesson/1 ... #lesson/10.
const pages = { lesson: null, draw: null, weights: loadWeights, mistakes: loadMistakes, train: null, descent: loadDescent };
const loaded = new Set();
let modelVersion = 0;

function showPage() {
  const [name, detail] = (location.hash || "#lesson").slice(1).split("/");
  const page = name in pages ? name : "lesson";
  document.querySelectorAll(".page").forEach((section) => section.classList.toggle("active", section.id === "page-" + page));
  document.querySelectorAll("nav a").forEach((link) => {
    link.classList.toggle("active", link.dataset.page === page);
    if (link.dataset.page === page) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
  });
  document.dispatchEvent(new CustomEvent("page", { detail: { page, detail } }));
  const key = page + "@" + modelVersion;
  if (pages[page] && !loaded.has(key)) {
    loaded.add(key);
    pages[page]().then(() => showError(null, page), (error) => {
      loaded.delete(key);  // Visiting the page again tries again.
      showError(`The ${page} page could not load: ${error.message}`, page);
    });
  }
}

async function loadModel() {
  const model = await api("/api/model");
  modelVersion = model.version;
  $("model-info").textContent = `model ${model.sizes.join("-")}, ${model.activations[0]}, ` +
    `${(100 * model.testAccuracy).toFixed(2)}% on ${model.testCount} test images (version ${model.version})`;
  // Only the weights into the neurons drawn (the first 20 of a layer), as Float32: a wide model's
  // layers would be megabytes of JSON.
  network.weights = await Promise.all(model.sizes.slice(1).map((_, layer) => weightRows(layer + 1, 0, 20)));
  network.sizes = model.sizes;
  drawNetwork(network.last);
  document.dispatchEvent(new CustomEvent("model", { detail: model }));
}

/** Rows first..<first+count of a weight layer (the weights into those neurons), as
 *  {rows, columns, version, weights: Float32Array}; `session`: a student's copy instead of the served model. */
async function weightRows(layer, first, count, session = null) {
  const query = `first=${first}&count=${count}` + (session ? `&session=${encodeURIComponent(session)}` : "");
  let response;
  try {
    response = await fetch(`/api/weights/${layer}/rows?${query}`);
  } catch (error) {
    throw Object.assign(new Error(`Could not reach the server (${error.message}).`), { status: 0 });
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw Object.assign(new Error(body.error || response.statusText), { status: response.status });
  }
  // Four little-endian UInt32 (rows, columns, first, the model's version), then the Float32 weights.
  const body = await response.arrayBuffer(), shape = new DataView(body);
  const [rows, columns, version] = [shape.getUint32(0, true), shape.getUint32(4, true), shape.getUint32(12, true)];
  return { rows, columns, version, weights: new Float32Array(body, 16, rows * columns) };
}

// MARK: - Draw

const network = { sizes: [784, 16, 16, 10], weights: [], last: null };
// `pixels`: the test image shown, as 784 numbers in 0...1, while the canvas holds one (null for a drawing).
const drawing = { canvas: null, context: null, active: false, dirty: false, pending: false, lastSent: 0, pixels: null };

function setUpDrawing() {
  const canvas = $("draw");
  Object.assign(drawing, { canvas, context: canvas.getContext("2d") });
  clearDrawing();
  attachPad(canvas, {
    start: () => { $("test-label").textContent = ""; drawing.pixels = null; },
    move: () => { drawing.dirty = true; if (performance.now() - drawing.lastSent > 120) predictDrawing(); },
    end: () => { drawing.dirty = true; predictDrawing(); },
  });
  $("clear").addEventListener("click", () => { clearDrawing(); showPrediction(null); });
  $("random").addEventListener("click", randomTestDigit);
}

/** Lets the pointer draw on `canvas` (black ink, round strokes), calling `on.start`, `on.move` and
 *  `on.end` as a stroke begins, grows and ends. The Draw page and the Lesson's first chapter use it. */
function attachPad(canvas, on) {
  const context = canvas.getContext("2d");
  let active = false;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
  };
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    active = true;
    if (canvas === drawing.canvas) drawing.active = true;
    const [x, y] = point(event);
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x + 0.1, y + 0.1);
    context.stroke();
    on.start();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!active) return;
    const [x, y] = point(event);
    context.lineTo(x, y);
    context.stroke();
    on.move();
  });
  const end = () => {
    if (!active) return;
    active = false;
    if (canvas === drawing.canvas) drawing.active = false;
    on.end();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
}

/** Paints `canvas` white and sets the pen: black, 20 pixels wide, round. */
function clearPad(canvas) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  Object.assign(context, { strokeStyle: "#000", lineWidth: 20, lineCap: "round", lineJoin: "round" });
}

function clearDrawing() {
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
    // A classroom student's fine-tuned copy (digits.js keeps its id), else the class's model.
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

function randomTestDigit() {
  return showTestDigit(Math.floor(Math.random() * 10000));
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
  const context = drawing.context;
  const small = document.createElement("canvas");
  small.width = small.height = 28;
  paintDigit(small, image.bytes.map((value) => 255 - value));
  context.imageSmoothingEnabled = false;
  context.drawImage(small, 0, 0, 280, 280);
}

function showPrediction(prediction) {
  network.last = prediction;
  paintDigit($("input"), prediction ? prediction.input : new Array(784).fill(0));
  describe($("input"), inputText(prediction));
  $("prediction").textContent = prediction ? prediction.digit : "?";
  $("confidence").textContent = prediction ? `(output ${prediction.confidence.toFixed(3)})` : "";
  if (prediction) {
    $("model-shown").textContent = prediction.model === "copy"
      ? "· the Draw page shows your own fine-tuned copy; the class's model is unchanged"
      : sessionStorage.getItem("descent-copy") == null ? "" : "· the Draw page shows the class's model";
  }
  const bars = $("bars");
  bars.replaceChildren();
  for (let digit = 0; digit < 10; digit++) {
    const value = prediction ? prediction.outputs[digit] : 0;
    const bar = document.createElement("div");
    bar.className = "bar" + (prediction && digit === prediction.digit ? " best" : "");
    bar.innerHTML = `<div style="height:${Math.max(1, 85 * value)}%"></div><span>${digit}</span>`;
    bars.append(bar);
  }
  drawNetwork(prediction);
  document.dispatchEvent(new CustomEvent("prediction", { detail: prediction }));
}

/** Sets `canvas`'s text alternative: the figure's numbers in words, read by screen readers
 *  (aria-describedby) and shown under the figure. */
function describe(canvas, text) {
  canvas.setAttribute("role", "img");
  let caption = document.getElementById(canvas.id + "-text");
  if (!caption) {
    caption = Object.assign(document.createElement("p"), { id: canvas.id + "-text", className: "note figure-text" });
    canvas.after(caption);
    canvas.setAttribute("aria-describedby", caption.id);
  }
  caption.textContent = text;
  canvas.setAttribute("aria-label", text.split(". ")[0]);
}

function inputText(prediction) {
  if (!prediction) return "The network's input: 28 by 28 pixels, all dark (nothing drawn yet).";
  const lit = prediction.input.filter((value) => value > 127).length;
  return `The network's input: 28 by 28 pixels, ${lit} of 784 brighter than half.`;
}

/** The network figure in numbers: each layer's size, how many neurons are lit, the brightest, the answer. */
function networkText(prediction, sizes) {
  if (!prediction) return `A network of ${sizes.join(", ")} neurons, layer by layer; nothing drawn yet, so nothing is lit.`;
  const layers = prediction.activations.map((values, layer) => {
    const lit = values.filter((a) => a >= 0.5).length;
    const best = values.reduce((b, a, i) => (a > values[b] ? i : b), 0);
    const name = layer === prediction.activations.length - 1 ? "output" : `hidden layer ${layer + 1}`;
    return `${name}: ${lit} of ${values.length} above 0.5, the brightest neuron ${best} at ${values[best].toFixed(2)}`;
  });
  return `A network of ${sizes.join(", ")} neurons reads ${prediction.digit} (output ${prediction.confidence.toFixed(2)}). ` + layers.join("; ") + ".";
}

/** The video's picture: the input, each layer as a column of neurons lit by activation, and lines for
 *  the strongest weights into the lit neurons (blue positive, red negative). `weights` holds each
 *  layer's first rows, as `weightRows` gives them. */
function drawNetwork(prediction, canvas = $("network"), input = $("input"), weights = network.weights, sizes = network.sizes) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#0f1116";
  context.fillRect(0, 0, canvas.width, canvas.height);
  const layers = sizes.slice(1);
  const x0 = 200, gap = (canvas.width - x0 - 80) / Math.max(1, layers.length - 1);
  const positions = layers.map((size, layer) => {
    const shown = Math.min(size, 20), spacing = Math.min(20, (canvas.height - 30) / shown);
    return Array.from({ length: shown }, (_, i) => [x0 + layer * gap, canvas.height / 2 + (i - (shown - 1) / 2) * spacing]);
  });
  context.imageSmoothingEnabled = false;
  context.drawImage(input, 20, canvas.height / 2 - 70, 140, 140);
  const activations = prediction ? prediction.activations : layers.map((size) => new Array(size).fill(0));
  canvas.dataset.hidden = activations.slice(0, -1).map((layer) => layer.map((a) => a.toFixed(3)).join(",")).join(";");
  // Lines into each lit neuron from its strongest inputs.
  layers.forEach((size, layer) => {
    const rows = weights[layer];
    if (!rows || !prediction) return;
    positions[layer].forEach(([x, y], j) => {
      const lit = activations[layer][j];
      if (lit < 0.5 || j >= rows.rows) return;
      const row = Array.from(rows.weights.subarray(j * rows.columns, (j + 1) * rows.columns));
      const inputs = layer === 0 ? prediction.input.map((v) => v / 255) : activations[layer - 1];
      const order = row.map((w, i) => [Math.abs(w * (layer === 0 ? inputs[i] : 1)), w, i]).sort((a, b) => b[0] - a[0]).slice(0, 6);
      order.forEach(([, w, i]) => {
        const [fx, fy] = layer === 0 ? [20 + (i % 28 + 0.5) * 5, canvas.height / 2 - 70 + (Math.floor(i / 28) + 0.5) * 5]
          : positions[layer - 1][Math.min(i, positions[layer - 1].length - 1)];
        context.strokeStyle = w > 0 ? `rgba(88,196,221,${0.25 + 0.5 * lit})` : `rgba(252,98,85,${0.25 + 0.5 * lit})`;
        context.lineWidth = 1;
        context.beginPath();
        context.moveTo(fx, fy);
        context.lineTo(x, y);
        context.stroke();
      });
    });
  });
  const best = prediction ? prediction.digit : -1;
  positions.forEach((column, layer) => column.forEach(([x, y], j) => {
    const value = Math.max(0, Math.min(1, activations[layer][j] || 0));
    context.beginPath();
    context.arc(x, y, 8, 0, 2 * Math.PI);
    context.fillStyle = `rgb(${Math.round(255 * value)},${Math.round(255 * value)},${Math.round(255 * value)})`;
    context.fill();
    const isOutput = layer === layers.length - 1;
    context.strokeStyle = isOutput && j === best ? "#ffd75e" : "#555";
    context.lineWidth = isOutput && j === best ? 3 : 1;
    context.stroke();
    if (isOutput) {
      context.fillStyle = j === best ? "#ffd75e" : "#9aa0aa";
      context.font = "14px system-ui";
      context.fillText(String(j), x + 16, y + 5);
    }
  }));
  context.fillStyle = "#9aa0aa";
  context.font = "12px system-ui";
  layers.forEach((size, layer) => context.fillText(layer === layers.length - 1 ? "output" : `hidden ${layer + 1} (${size})`, x0 + layer * gap - 30, 14));
  describe(canvas, networkText(prediction, sizes));
}

// MARK: - Weights

function weightColour(value, scale) {
  const t = Math.max(-1, Math.min(1, value / scale));
  return t >= 0 ? [Math.round(255 * (1 - t) * 0.1), Math.round(196 * t), Math.round(221 * t)] : [Math.round(252 * -t), Math.round(98 * -t), Math.round(85 * -t)];
}

async function loadWeights() {
  const layer = await api("/api/weights/1");
  const grid = $("weight-grid");
  grid.replaceChildren();
  for (let neuron = 0; neuron < layer.rows; neuron++) {
    const row = layer.weights.slice(neuron * layer.columns, (neuron + 1) * layer.columns);
    const scale = Math.max(...row.map(Math.abs)) || 1;
    // A button, so that the keyboard reaches it (Tab) and opens it (Enter, Space).
    const tile = Object.assign(document.createElement("button"), { type: "button", className: "tile" });
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 28;
    const context = canvas.getContext("2d");
    const image = context.createImageData(28, 28);
    row.forEach((w, i) => image.data.set([...weightColour(w, scale), 255], i * 4));
    context.putImageData(image, 0, 0);
    tile.append(canvas, Object.assign(document.createElement("span"), { textContent: `neuron ${neuron}` }));
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

// MARK: - Mistakes

async function loadMistakes() {
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

// MARK: - Train

const run = { status: null, reports: [], source: null };

function setUpTraining() {
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
    });
  }).catch((error) => { $("train-status").textContent = `Could not load the presets: ${error.message}`; });
  $("train-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const request = {
      preset: $("preset").value, layers: $("layers").value.split(",").map(Number),
      learningRate: Number($("learning-rate").value), batchSize: Number($("batch-size").value),
      epochs: Number($("epochs").value), trainingLimit: Number($("training-limit").value),
      preprocessing: $("preprocessing").value,
    };
    try {
      run.status = await postJSON("/api/train", request);
      run.reports = [];
      $("train-status").textContent = `Training ${run.status.sizes.join("-")} on ${run.status.trainingCount} images…`;
      follow();
    } catch (error) {
      $("train-status").textContent = error.message;
    }
  });
  $("train-cancel").addEventListener("click", async () => {
    try { await api("/api/train/cancel", { method: "POST" }); } catch (error) { $("train-status").textContent = error.message; }
  });
  drawCurves();
}

function follow() {
  if (run.source) run.source.close();
  const source = new EventSource("/api/train/events");
  run.source = source;
  // EventSource reconnects by itself; say so while it does, and clear it at the next event.
  source.onerror = () => { if (source.readyState === EventSource.CONNECTING) showError("Lost the connection to the training; reconnecting…", "train"); };
  source.onopen = () => showError(null, "train");
  source.addEventListener("initial", (event) => {
    run.status.initialValidationAccuracy = JSON.parse(event.data).validationAccuracy;
    drawCurves();
  });
  source.addEventListener("progress", (event) => {
    const { epoch, done, total } = JSON.parse(event.data);
    $("train-progress").value = (epoch - 1 + done / total) / run.status.epochs;
  });
  source.addEventListener("epoch", (event) => {
    const report = JSON.parse(event.data);
    run.reports.push(report);
    $("train-status").textContent = `Epoch ${report.epoch}/${run.status.epochs}: cost ${report.trainingCost.toFixed(4)}, validation ${(100 * report.validationAccuracy).toFixed(2)}%`;
    drawCurves();
  });
  for (const end of ["finished", "cancelled", "failed"]) {
    source.addEventListener(end, (event) => {
      source.close();
      $("train-status").textContent = JSON.parse(event.data).message;
      $("train-status").dataset.state = end;
      if (end === "finished") {
        $("train-progress").value = 1;
        loadModel().then(showPage, (error) => showError(`The new model could not load: ${error.message}`, "model"));
      }
    });
  }
}

function drawCurves() {
  const canvas = $("curves");
  const context = canvas.getContext("2d");
  const [w, h, left, bottom] = [canvas.width, canvas.height, 40, 30];
  context.fillStyle = "#0f1116";
  context.fillRect(0, 0, w, h);
  context.strokeStyle = "#444";
  context.strokeRect(left, 10, w - left - 10, h - bottom - 10);
  const epochs = run.status ? run.status.epochs : 1;
  const x = (epoch) => left + (w - left - 10) * epoch / epochs;
  const y = (value) => h - bottom - (h - bottom - 10) * value;
  context.fillStyle = "#9aa0aa";
  context.font = "11px system-ui";
  context.fillText("0", left - 12, h - bottom + 4);
  context.fillText("1", left - 12, 14);
  context.fillText(`epoch ${epochs}`, w - 60, h - 10);
  canvas.dataset.points = String(run.reports.length);
  const last = run.reports[run.reports.length - 1];
  describe(canvas, !run.status ? "Training cost and validation accuracy by epoch: no training yet."
    : !last ? `Training cost and validation accuracy by epoch, ${epochs} epochs: waiting for the first.`
    : `Training cost and validation accuracy by epoch, ${run.reports.length} of ${epochs} epochs done: `
      + `cost ${run.reports[0].trainingCost.toFixed(4)} after epoch 1 and ${last.trainingCost.toFixed(4)} after epoch ${last.epoch}; `
      + `validation accuracy ${(100 * run.reports[0].validationAccuracy).toFixed(2)}% then ${(100 * last.validationAccuracy).toFixed(2)}%.`);
  if (!run.status) return;
  const maxCost = Math.max(1e-9, ...run.reports.map((r) => r.trainingCost));
  const series = [
    ["#58c4dd", [...(run.status.initialValidationAccuracy == null ? [] : [[0, run.status.initialValidationAccuracy]]),
      ...run.reports.map((r) => [r.epoch, r.validationAccuracy])]],
    ["#fc6255", run.reports.map((r) => [r.epoch, r.trainingCost / maxCost])],
  ];
  for (const [colour, points] of series) {
    context.strokeStyle = context.fillStyle = colour;
    context.lineWidth = 2;
    context.beginPath();
    points.forEach(([epoch, value], i) => (i ? context.lineTo(x(epoch), y(value)) : context.moveTo(x(epoch), y(value))));
    context.stroke();
    points.forEach(([epoch, value]) => { context.beginPath(); context.arc(x(epoch), y(value), 3, 0, 2 * Math.PI); context.fill(); });
  }
}

// MARK: - Descent

const ball = { surface: null, grid: null, start: null, path: [], shown: 0, timer: null, listening: false };

/** Loads the surfaces once: they do not depend on the model, so a new model (which makes showPage call
 *  this again) changes nothing here. */
async function loadDescent() {
  if (ball.grid) return;
  const surfaces = await api("/api/landscapes");
  const select = $("surface");
  select.replaceChildren(...surfaces.map((s) => Object.assign(document.createElement("option"), { value: s.name, textContent: s.title })));
  setUpDescent();
  await chooseSurface(surfaces[0].name);
}

/** The Descent page's listeners, added once however often the page loads (each set added again
 *  would make Step jump several steps and Play start several timers). */
function setUpDescent() {
  if (ball.listening) return;
  ball.listening = true;
  const select = $("surface");
  select.addEventListener("change", () => chooseSurface(select.value));
  $("landscape").addEventListener("click", (event) => {
    const canvas = $("landscape"), box = canvas.getBoundingClientRect();
    const [fx, fy] = [(event.clientX - box.left) / box.width, (event.clientY - box.top) / box.height];
    const { x, y } = ball.grid.surface;
    ball.start = { x: x[0] + fx * (x[1] - x[0]), y: y[1] - fy * (y[1] - y[0]) };
    computePath();
  });
  // The keyboard places the ball too: arrows move the start by a fortieth of the map, Enter plays.
  $("landscape").addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); return $("descent-play").click(); }
    if (!(event.key in moves) || !ball.grid) return;
    event.preventDefault();
    const { x, y } = ball.grid.surface, [dx, dy] = moves[event.key];
    const clamp = (value, [low, high]) => Math.min(high, Math.max(low, value));
    ball.start = { x: clamp(ball.start.x + dx * (x[1] - x[0]) / 40, x), y: clamp(ball.start.y + dy * (y[1] - y[0]) / 40, y) };
    computePath();
  });
  for (const id of ["descent-rate", "descent-momentum"]) $(id).addEventListener("change", computePath);
  $("descent-step").addEventListener("click", () => { stop(); ball.shown = Math.min(ball.path.length - 1, ball.shown + 1); drawLandscape(); });
  $("descent-play").addEventListener("click", () => {
    stop();
    ball.timer = setInterval(() => {
      if (ball.shown >= ball.path.length - 1) return stop();
      ball.shown += 1;
      drawLandscape();
    }, 40);
  });
  $("descent-reset").addEventListener("click", () => { stop(); ball.shown = 0; drawLandscape(); });
}

function stop() { if (ball.timer) clearInterval(ball.timer); ball.timer = null; }

async function chooseSurface(name) {
  stop();
  ball.grid = await api(`/api/landscapes/${name}?size=120`);
  const { x, y } = ball.grid.surface;
  ball.start = { x: x[0] + 0.8 * (x[1] - x[0]), y: y[0] + 0.85 * (y[1] - y[0]) };
  $("descent-rate").value = { bowl: 0.05, "elongated-bowl": 0.04, rosenbrock: 0.001, himmelblau: 0.01 }[name];
  await computePath();
}

async function computePath() {
  stop();
  try {
    const body = { start: ball.start, learningRate: Number($("descent-rate").value), momentum: Number($("descent-momentum").value), steps: 500 };
    ball.path = (await postJSON(`/api/landscapes/${ball.grid.surface.name}/descent`, body)).path;
    ball.shown = 0;
    $("descent-status").textContent = "";
  } catch (error) {
    $("descent-status").textContent = error.message;
  }
  drawLandscape();
}

/** Paints `grid`'s heights (GET /api/landscapes/NAME) over the whole of `canvas`: darker is lower,
 *  on a log scale, with bands for contours. */
function paintHeights(canvas, grid) {
  const context = canvas.getContext("2d");
  const { columns, rows, heights } = grid;
  const logs = heights.map((h) => Math.log1p(h));
  const [low, high] = [Math.min(...logs), Math.max(...logs)];
  const image = context.createImageData(columns, rows);
  logs.forEach((value, index) => {
    const t = (value - low) / (high - low || 1);
    const band = Math.floor(t * 14) % 2 ? 0.88 : 1;
    const row = rows - 1 - Math.floor(index / columns), column = index % columns;
    image.data.set([Math.round((30 + 200 * t) * band), Math.round((50 + 120 * t) * band), Math.round((90 + 40 * t) * band), 255], (row * columns + column) * 4);
  });
  const small = document.createElement("canvas");
  small.width = columns;
  small.height = rows;
  small.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}

function drawLandscape() {
  const canvas = $("landscape"), context = canvas.getContext("2d");
  const { heights, surface } = ball.grid;
  paintHeights(canvas, ball.grid);
  const px = (p) => [(p.x - surface.x[0]) / (surface.x[1] - surface.x[0]) * canvas.width, (surface.y[1] - p.y) / (surface.y[1] - surface.y[0]) * canvas.height];
  context.fillStyle = "#fff";
  surface.minima.forEach((m) => { const [mx, my] = px(m); context.fillRect(mx - 3, my - 3, 6, 6); });
  const shown = ball.path.slice(0, ball.shown + 1);
  context.strokeStyle = "#ffd75e";
  context.lineWidth = 2;
  context.beginPath();
  shown.forEach((step, i) => { const [sx, sy] = px(step.point); i ? context.lineTo(sx, sy) : context.moveTo(sx, sy); });
  context.stroke();
  const current = shown[shown.length - 1];
  if (current) {
    const [bx, by] = px(current.point);
    context.beginPath();
    context.arc(bx, by, 7, 0, 2 * Math.PI);
    context.fillStyle = "#fc6255";
    context.fill();
    $("descent-status").textContent = `step ${ball.shown} of ${ball.path.length - 1}: (${current.point.x.toFixed(3)}, ${current.point.y.toFixed(3)}), height ${current.value.toPrecision(4)}`;
  }
  const start = ball.path[0];
  describe(canvas, `Contour map of ${surface.title} over x ${surface.x[0]} to ${surface.x[1]} and y ${surface.y[0]} to ${surface.y[1]}, `
    + `heights ${Math.min(...heights).toPrecision(3)} to ${Math.max(...heights).toPrecision(3)}, lowest at `
    + surface.minima.map((m) => `(${m.x.toFixed(2)}, ${m.y.toFixed(2)})`).join(", ") + ". "
    + (start && current ? `The ball starts at (${start.point.x.toFixed(2)}, ${start.point.y.toFixed(2)}), height ${start.value.toPrecision(3)}; `
      + `after ${ball.shown} steps it is at (${current.point.x.toFixed(2)}, ${current.point.y.toFixed(2)}), height ${current.value.toPrecision(3)}.` : ""));
}

// MARK: - Start

$("error-close").addEventListener("click", () => { $("error").hidden = true; $("error").dataset.source = ""; });
setUpDrawing();
setUpTraining();
showPrediction(null);
window.addEventListener("hashchange", showPage);
loadModel().then(showPage, (error) => {
  $("model-info").textContent = "no model";
  showError(`The model could not load: ${error.message}`, "model");
  showPage();
});
