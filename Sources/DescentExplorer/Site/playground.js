// The Playground page: TensorFlow Playground's small networks on 2-D points, with your own data (a
// CSV, or points clicked onto the map), up to 10 classes and far bigger networks, trained live on a
// copy of your own on the server (POST /api/playground/train), every frame in binary (DPF1).
// The page builds nothing itself: the points, the network, the run and the maps are the library's.
import { api, postPlayground } from "./api.js";
import { $, showError } from "./dom.js";
import { classColour, colourName, fromCanvas, paintCurves, paintMap, paintNetwork } from "./playground-figures.js";

const page = { session: null, frame: null, points: null, curve: [], playing: false, busy: false, looping: false, inflight: null, cursor: null, limits: null, frames: [] };
/** How long each frame trains on the server, in milliseconds, while playing. */
const SLICE_MS = 40;

const FIELDS = ["shape", "classes", "points", "noise", "test-share", "seed", "hidden", "activation", "learning-rate", "batch-size", "optimizer", "l2", "grid"];
const FEATURES = ["x", "y", "x2", "y2", "xy", "sinx", "siny"];

/** The setup the form shows, as POST /api/playground takes it. */
function setupRequest(withData = true) {
  const number = (id) => Number($(`pg-${id}`).value);
  const hidden = $("pg-hidden").value.trim() === "" ? [] : $("pg-hidden").value.split(/[\s,x-]+/).filter(Boolean).map(Number);
  const request = {
    network: {
      hidden, activation: $("pg-activation").value, learningRate: number("learning-rate"), batchSize: number("batch-size"),
      optimizer: $("pg-optimizer").value, l2: number("l2"), features: FEATURES.filter((name) => $(`pg-feature-${name}`).checked), seed: number("seed"),
    },
    grid: number("grid"),
  };
  if (withData) {
    request.data = { shape: $("pg-shape").value, classes: number("classes"), points: number("points"), noise: number("noise"),
      seed: number("seed"), testShare: number("test-share") };
  }
  if (page.session) request.session = page.session;
  return request;
}

/** The address that rebuilds this page: every field of the form after #playground/. */
function shareLink() {
  const query = new URLSearchParams();
  for (const id of FIELDS) query.set(id, $(`pg-${id}`).value);
  query.set("features", FEATURES.filter((name) => $(`pg-feature-${name}`).checked).join(","));
  return `${location.origin}${location.pathname}#playground/${query}`;
}

/** Fills the form from a link's query (what follows #playground/). */
function readLink(detail) {
  if (!detail) return false;
  const query = new URLSearchParams(detail);
  for (const id of FIELDS) if (query.has(id)) $(`pg-${id}`).value = query.get(id);
  if (query.has("features")) {
    const chosen = query.get("features").split(",");
    for (const name of FEATURES) $(`pg-feature-${name}`).checked = chosen.includes(name);
  }
  return true;
}

function say(text) { $("pg-status").textContent = text; }

/** Shows `frame`: the map, the network, the curves, the figures, the export links. */
function show(frame) {
  if (frame.points) page.points = frame.points;
  if (frame.curve) page.curve = frame.curve;
  else if (page.curve.length && page.curve[page.curve.length - 1].step === frame.point.step) page.curve[page.curve.length - 1] = frame.point;
  else page.curve.push(frame.point);
  if (page.curve.length > 800) page.curve = page.curve.filter((_, i) => i % 2 === 0 || i === page.curve.length - 1);
  page.frame = frame;
  page.session = frame.session;
  paintMap($("pg-map"), frame, page.points, page.cursor);
  paintNetwork($("pg-network"), frame);
  paintCurves($("pg-curves"), page.curve);
  $("pg-accuracy").textContent = `Test accuracy ${(100 * frame.test.accuracy).toFixed(2)}% (${frame.test.correct} of ${frame.test.count}); `
    + `training ${(100 * frame.training.accuracy).toFixed(2)}%; step ${frame.steps}, epoch ${frame.epoch}; `
    + `costs ${frame.training.cost.toFixed(4)} (training) and ${frame.test.cost.toFixed(4)} (test)`;
  $("pg-accuracy").dataset.testAccuracy = String(frame.test.accuracy);
  $("pg-accuracy").dataset.steps = String(frame.steps);
  const session = encodeURIComponent(frame.session);
  $("pg-export-model").href = `/api/playground/model?session=${session}`;
  $("pg-export-data").href = `/api/playground/data?session=${session}&split=test`;
  $("pg-export-all").href = `/api/playground/data?session=${session}&split=all`;
  $("pg-source").textContent = `${frame.source}: ${frame.training.count} training and ${frame.test.count} test points`
    + (frame.addedPoints ? ` (${frame.addedPoints} added by clicking)` : "") + `; network ${frame.sizes.join("-")}, ${frame.parameterCount} weights and biases.`;
  // Data of more than 2 columns: the two the map shows.
  $("pg-axes").hidden = frame.columns.length <= 2;
  for (const [id, name] of [["pg-axis-x", frame.axes[0]], ["pg-axis-y", frame.axes[1]]]) {
    const select = $(id);
    if ([...select.options].map((o) => o.value).join() !== frame.columns.join()) {
      select.replaceChildren(...frame.columns.map((column) => Object.assign(document.createElement("option"), { value: column, textContent: column })));
    }
    select.value = name;
  }
  const clickClass = $("pg-click-class"), chosen = clickClass.value;
  if (clickClass.options.length !== frame.classNames.length) {
    clickClass.replaceChildren(...frame.classNames.map((name, i) => Object.assign(document.createElement("option"), { value: i, textContent: `${name} (${colourName(i)})` })));
    clickClass.value = chosen !== "" && Number(chosen) < frame.classNames.length ? chosen : "0";
  }
  clickClass.style.borderColor = classColour(Number(clickClass.value));
}

/** Reports a failed request: a copy the server no longer has (restarted, or dropped for another) is set up again next time. */
function failed(error) {
  if (error.status === 404) page.session = null;
  setPlaying(false);
  showError(`Playground: ${error.message}`, "playground");
  say(error.message);
}

/** Runs `work` (a request answering a frame) once the frame under way has come, unless another is
 *  waiting, and shows its frame. */
async function request(work) {
  if (page.busy) return null;
  page.busy = true;
  try {
    await page.inflight;
    const frame = await work();
    show(frame);
    showError(null, "playground");
    return frame;
  } catch (error) {
    failed(error);
    return null;
  } finally {
    page.busy = false;
  }
}

async function setUp(withData = true) {
  setPlaying(false);
  const frame = await request(() => postPlayground("/api/playground", setupRequest(withData)));
  if (frame) say(`Set up ${frame.sizes.join("-")} on ${frame.source}. Press Play, or Step.`);
  history.replaceState(null, "", shareLink());
  $("pg-link").href = shareLink();
}

const train = (body) => postPlayground("/api/playground/train", { session: page.session, ...body });

/** Plays or pauses: while playing, each frame trains SLICE_MS on the server and comes back to be drawn. */
function setPlaying(playing) {
  page.playing = playing;
  $("pg-play").textContent = playing ? "Pause" : "Play";
  $("pg-play").setAttribute("aria-pressed", String(playing));
  if (playing) loop();
}

async function loop() {
  if (page.looping) return;
  page.looping = true;
  say("Training…");
  await page.inflight;
  // The next frame is asked for before this one is drawn, so that the server trains while the browser paints.
  const ask = () => (page.inflight = train({ milliseconds: SLICE_MS }).catch((error) => ({ error })));
  let next = ask();
  while (true) {
    const frame = await next;
    if (frame.error) { failed(frame.error); break; }
    next = page.playing ? ask() : null;
    if (!next) page.inflight = null;
    show(frame);
    showError(null, "playground");
    page.frames.push(performance.now());
    if (page.frames.length > 30) page.frames.shift();
    if (!next) break;
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  page.looping = false;
  const frame = page.frame, span = page.frames.length > 1 ? (page.frames[page.frames.length - 1] - page.frames[0]) / 1000 : 0;
  const rate = span > 0 ? ` (${((page.frames.length - 1) / span).toFixed(1)} frames a second)` : "";
  page.frames = [];
  if (frame) say(`Paused at step ${frame.steps}: test accuracy ${(100 * frame.test.accuracy).toFixed(2)}%${rate}.`);
}

/** Adds a point of the chosen class at (x, y) of the map; the run starts again on the new data. */
async function addPoint(x, y) {
  if (!page.session) return;
  setPlaying(false);
  const label = Number($("pg-click-class").value);
  const frame = await request(() => postPlayground("/api/playground/point", { session: page.session, x, y, label }));
  if (frame) say(`Added a point of class ${frame.classNames[label]} at (${x.toFixed(2)}, ${y.toFixed(2)}); the run starts again.`);
}

/** Sends the chosen file as the Playground's data. */
async function upload(file) {
  const limit = page.limits?.limits?.maximumCSVBytes ?? 2 << 20;
  if (file.size > limit) {
    showError(`Playground: ${file.name} is ${(file.size / 1048576).toFixed(1)} MB; at most ${limit / 1048576} MB`, "playground");
    return;
  }
  setPlaying(false);
  const query = new URLSearchParams({ labelColumn: $("pg-label-column").value, testShare: $("pg-test-share").value, seed: $("pg-seed").value, name: file.name });
  if (page.session) query.set("session", page.session);
  const bytes = await file.arrayBuffer();
  const frame = await request(() => postPlayground(`/api/playground/csv?${query}`, bytes, "text/csv"));
  if (frame) say(`Loaded ${frame.source}: ${frame.classNames.length} classes (${frame.classNames.join(", ")}). Press Play.`);
}

function setUpMap() {
  const map = $("pg-map");
  map.addEventListener("click", (event) => {
    if (!page.frame) return;
    const box = map.getBoundingClientRect();
    const [x, y] = fromCanvas(page.frame.area, box.width, box.height, event.clientX - box.left, event.clientY - box.top);
    addPoint(x, y);
  });
  // The keyboard: the arrows move a cursor over the map, Enter or Space adds a point there.
  map.addEventListener("keydown", (event) => {
    if (!page.frame) return;
    const area = page.frame.area, step = (area.xMax - area.xMin) / 40;
    const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    page.cursor ??= [(area.xMin + area.xMax) / 2, (area.yMin + area.yMax) / 2];
    if (moves[event.key]) {
      event.preventDefault();
      page.cursor = [Math.min(area.xMax, Math.max(area.xMin, page.cursor[0] + moves[event.key][0])),
        Math.min(area.yMax, Math.max(area.yMin, page.cursor[1] + moves[event.key][1]))];
      paintMap(map, page.frame, page.points, page.cursor);
      say(`Cursor at (${page.cursor[0].toFixed(2)}, ${page.cursor[1].toFixed(2)}); Enter adds a point of class ${$("pg-click-class").selectedOptions[0]?.textContent}.`);
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      addPoint(...page.cursor);
    }
  });
}

export function setUpPlayground() {
  $("pg-features").replaceChildren(...FEATURES.map((name) => {
    const label = Object.assign(document.createElement("label"), { className: "inline" });
    const box = Object.assign(document.createElement("input"), { type: "checkbox", id: `pg-feature-${name}`, checked: name === "x" || name === "y" });
    label.append(box, ` ${name.replace("2", "²").replace("sin", "sin ")}`);
    return label;
  }));
  $("pg-data-form").addEventListener("submit", (event) => { event.preventDefault(); setUp(true); });
  $("pg-network-form").addEventListener("submit", (event) => { event.preventDefault(); setUp(page.frame === null); });
  $("pg-play").addEventListener("click", () => setPlaying(!page.playing));
  $("pg-step").addEventListener("click", async () => {
    setPlaying(false);
    const frame = await request(() => train({ steps: 1 }));
    if (frame) say(`One step: step ${frame.steps}, test accuracy ${(100 * frame.test.accuracy).toFixed(2)}%, training cost ${frame.training.cost.toFixed(4)}.`);
  });
  $("pg-reset").addEventListener("click", async () => {
    setPlaying(false);
    const frame = await request(() => train({ reset: true, points: true }));
    if (frame) say("Reset: the network is as it began, from its seed.");
  });
  $("pg-csv").addEventListener("change", () => { if ($("pg-csv").files[0]) upload($("pg-csv").files[0]); });
  $("pg-click-class").addEventListener("change", () => { $("pg-click-class").style.borderColor = classColour(Number($("pg-click-class").value)); });
  $("pg-copy-link").addEventListener("click", async () => {
    const link = shareLink();
    $("pg-link").href = link;
    try { await navigator.clipboard.writeText(link); say("The link to this page is copied."); } catch { say(`The link to this page: ${link}`); }
  });
  setUpMap();
  for (const id of ["pg-axis-x", "pg-axis-y"]) {
    $(id).addEventListener("change", async () => {
      const axes = [$("pg-axis-x").value, $("pg-axis-y").value];
      if (axes[0] === axes[1]) { say("Choose two different columns for the map."); return; }
      const frame = await request(() => postPlayground("/api/playground", { ...setupRequest(false), axes }));
      if (frame) say(`The map shows ${axes[0]} across and ${axes[1]} up; the other columns are held at their mean.`);
    });
  }
  // Leaving the page pauses it.
  document.addEventListener("page", (event) => {
    if (event.detail.page !== "playground") setPlaying(false);
    else if (event.detail.detail && page.frame && readLink(event.detail.detail) && event.detail.detail !== page.link) { page.link = event.detail.detail; setUp(true); }
  });
}

/** The network fields from the library's `playground` preset (GET /api/presets), which a link then overrides. */
async function fillFromPreset() {
  try {
    const preset = (await api("/api/presets")).playground;
    if (!preset) return;
    $("pg-hidden").value = preset.layers.split(",").slice(1, -1).join(",");
    $("pg-activation").value = preset.hidden_activation;
    $("pg-learning-rate").value = Number(preset.learning_rate);
    $("pg-batch-size").value = Number(preset.batch_size);
    $("pg-optimizer").value = preset.optimizer;
    $("pg-l2").value = Number(preset.weight_decay);
  } catch (error) {
    say(`Could not load the playground preset (${error.message}); the form keeps its own values.`);
  }
}

/** The page's loader: the server's limits, then the setup the address names (or spirals). */
export async function loadPlayground() {
  if (page.frame) return;
  page.limits = await api("/api/playground/limits");
  const limits = page.limits.limits;
  $("pg-limits").textContent = `Up to ${limits.maximumHiddenLayers} hidden layers of ${limits.maximumNeurons} neurons, ${limits.maximumPoints} points drawn, `
    + `a CSV of ${limits.maximumCSVBytes / 1048576} MB and ${limits.maximumCSVRows} rows, ${limits.maximumClasses} classes.`;
  await fillFromPreset();
  const [, detail] = location.hash.slice(1).split("/");
  page.link = detail;
  readLink(detail);
  await setUp(true);
}
