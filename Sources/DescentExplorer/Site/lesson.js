// Descent explorer: the Lesson page, the video's argument in ten chapters (#lesson/1 ... #lesson/10),
// one a screen. Every figure is computed by the server's library, on the served model or on this
// page's own copy; this file only asks and draws. `?present` is the presenter view: large type, one
// chapter, the arrow keys to move. Uses app.js's $, api, postJSON, showError, paintDigit, digitFigure,
// attachPad, clearPad, drawNetwork, describe, weightRows, weightColour and network.
"use strict";

const lesson = {
  chapter: 1,
  chapters: [],
  // The reader's example, as the API takes it ({pixels} or {drawing}), its label and what the served model read.
  example: null, label: null, prediction: null, gradient: null,
  // The page's copy of the network: made by the first step or training, kept for this tab.
  session: sessionStorage.getItem("descent-lesson-copy"),
  stepCosts: [], training: null, polling: null,
  learned: "served", probeSeed: 0,
  valley: null, valleyStart: 1.5, valleyPath: [], valleyShown: 0, valleyTimer: null,
  surface: null, surfaceStart: { x: 1.6, y: 1.2 }, surfacePath: [],
  memorize: { lines: [], done: null, running: false },
  minima: { runs: [], done: null, running: false },
  loaded: new Set(),
  // Counts examples and chapter 7's requests: a reply for an older one is dropped.
  generation: 0, learnedRequest: 0,
};

const LESSON_STEP_RATE = 1;

function setUpLesson() {
  lesson.chapters = [...document.querySelectorAll("#page-lesson .chapter")];
  lesson.chapters.forEach((article, index) => { article.hidden = index > 0; });
  const toc = $("lesson-toc");
  lesson.chapters.forEach((article, index) => {
    const item = document.createElement("li");
    const link = Object.assign(document.createElement("a"), { href: `#lesson/${index + 1}`, textContent: `${index + 1}. ${article.dataset.title}` });
    item.append(link);
    toc.append(item);
  });
  $("lesson-prev").addEventListener("click", () => moveChapter(-1));
  $("lesson-next").addEventListener("click", () => moveChapter(1));
  if (new URLSearchParams(location.search).has("present")) document.body.classList.add("present");
  document.addEventListener("keydown", (event) => {
    if (!$("page-lesson").classList.contains("active")) return;
    const target = event.target;
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    // Keys a control uses itself: Space presses a button, the arrows move a ball.
    if (target.closest && target.closest("input, select, textarea, button, a, [role=button], canvas[tabindex]")) return;
    const present = document.body.classList.contains("present");
    if (event.key === "PageDown" || (present && (event.key === "ArrowRight" || event.key === " "))) { event.preventDefault(); moveChapter(1); }
    if (event.key === "PageUp" || (present && event.key === "ArrowLeft")) { event.preventDefault(); moveChapter(-1); }
  });
  document.addEventListener("page", (event) => { if (event.detail.page === "lesson") showChapter(Number(event.detail.detail) || lesson.chapter); });
  document.addEventListener("model", () => { lesson.loaded.clear(); if ($("page-lesson").classList.contains("active")) showChapter(lesson.chapter); });

  // Chapter 1: the pad and the network.
  clearPad($("lesson-draw"));
  attachPad($("lesson-draw"), { start: () => {}, move: () => {}, end: () => useDrawing() });
  $("lesson-clear").addEventListener("click", () => { clearPad($("lesson-draw")); setExample(null, null, null); });
  $("lesson-random").addEventListener("click", () => useTestImage(Math.floor(Math.random() * 10000)));
  // Chapter 2: the labels.
  for (let digit = 0; digit < 10; digit++) {
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: digit, id: `lesson-label-${digit}` });
    button.setAttribute("aria-pressed", "false");
    button.setAttribute("aria-label", `it is a ${digit}`);
    button.addEventListener("click", () => chooseLessonLabel(digit));
    $("lesson-labels").append(button);
  }
  // Chapter 4.
  setUpValley();
  setUpSurface();
  // Chapter 6.
  $("lesson-step").addEventListener("click", lessonStep);
  $("lesson-train").addEventListener("click", lessonTrain);
  // Chapter 7.
  for (const which of ["served", "copy"]) {
    $(`lesson-learned-${which}`).addEventListener("click", () =>
      showLearned(which).then(() => showError(null, "lesson"), (error) => showError(`Could not load what it learned: ${error.message}`, "lesson")));
  }
  // Chapter 8.
  $("lesson-dream-digit").replaceChildren(...Array.from({ length: 10 }, (_, digit) =>
    Object.assign(document.createElement("option"), { value: digit, textContent: digit, selected: digit === 5 })));
  $("lesson-noise").addEventListener("click", feedNoise);
  $("lesson-dream").addEventListener("click", dream);
  // Chapters 9 and 10.
  $("lesson-memorize").addEventListener("click", runMemorize);
  $("lesson-minima").addEventListener("click", runMinima);
  drawStepChart();
  drawTrainingCurve();
  drawMemorize();
  drawMinima();
  showCostTerms();
}

function moveChapter(delta) {
  const next = Math.min(lesson.chapters.length, Math.max(1, lesson.chapter + delta));
  location.hash = `#lesson/${next}`;
}

/** Shows chapter `number` alone, marks it in the list, and loads its figure once per model. */
function showChapter(number) {
  const chapter = Math.min(lesson.chapters.length, Math.max(1, number));
  lesson.chapter = chapter;
  lesson.chapters.forEach((article, index) => { article.hidden = index + 1 !== chapter; });
  document.querySelectorAll("#lesson-toc a").forEach((link, index) => {
    if (index + 1 === chapter) link.setAttribute("aria-current", "step"); else link.removeAttribute("aria-current");
  });
  $("lesson-prev").disabled = chapter === 1;
  $("lesson-next").disabled = chapter === lesson.chapters.length;
  const load = chapterLoaders[chapter];
  const key = `${chapter}@${modelVersion}`;
  if (load && !lesson.loaded.has(key)) {
    lesson.loaded.add(key);
    load().then(() => showError(null, "lesson"), (error) => {
      lesson.loaded.delete(key);
      showError(`Chapter ${chapter} could not load: ${error.message}`, "lesson");
    });
  }
}

const chapterLoaders = {
  1: async () => {
    drawLessonNetwork();
    if (network.weights.length) document.body.dataset.lessonReady = String(Math.round(performance.now()));
  },
  2: async () => showCostTerms(),
  3: loadCosts,
  4: async () => { await loadValley(); await loadSurface(); },
  5: async () => { if (lesson.example && lesson.label != null && !lesson.gradient) await refreshLessonGradient(); showNudges(); },
  7: () => showLearned(lesson.learned),
};

// MARK: - Chapters 1 and 2: the example, the network, its cost

function drawLessonNetwork() {
  paintDigit($("lesson-input"), lesson.prediction ? lesson.prediction.input : new Array(784).fill(0));
  describe($("lesson-input"), inputText(lesson.prediction));
  drawNetwork(lesson.prediction, $("lesson-network"), $("lesson-input"));
  const count = network.sizes.slice(1).reduce((sum, size, i) => sum + size * network.sizes[i] + size, 0);
  const video = network.sizes.join("-") === "784-16-16-10";
  $("lesson-served").textContent = video ? "the served model has exactly this shape"
    : `the served model is ${network.sizes.join("-")}, with ${count.toLocaleString("en")} weights and biases; the figures show its first 20 neurons a layer`;
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
    const small = document.createElement("canvas");
    small.width = small.height = 28;
    paintDigit(small, image.bytes.map((value) => 255 - value));
    const context = $("lesson-draw").getContext("2d");
    context.imageSmoothingEnabled = false;
    context.drawImage(small, 0, 0, $("lesson-draw").width, $("lesson-draw").height);
    $("lesson-example").textContent = `Test image ${index}, labelled ${image.label}: the served model reads ${prediction.digit} (output ${prediction.confidence.toFixed(2)}).`;
    await setExample({ pixels }, image.label, prediction);
    showError(null, "lesson");
  } catch (error) {
    showError(`Could not load test image ${index}: ${error.message}`, "lesson");
  }
}

async function chooseLessonLabel(digit) {
  lesson.label = digit;
  document.querySelectorAll("#lesson-labels button").forEach((button) =>
    button.setAttribute("aria-pressed", String(button.id === `lesson-label-${digit}`)));
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

async function refreshLessonGradient() {
  const generation = lesson.generation, label = lesson.label;
  const gradient = await postJSON("/api/gradient", { ...lesson.example, label });
  if (generation === lesson.generation && label === lesson.label) lesson.gradient = gradient;
}

/** Chapter 2: one bar per output, its share of the example's cost. */
function showCostTerms() {
  const bars = $("lesson-cost-terms");
  const gradient = lesson.gradient;
  bars.replaceChildren();
  if (!gradient) {
    $("lesson-cost-text").textContent = lesson.example ? "Say which digit your example is: press its button." : "Draw a digit in chapter 1 (or pick a random test digit), then say which digit it is.";
    bars.setAttribute("aria-label", "no cost yet");
    return;
  }
  const largest = Math.max(0.5, ...gradient.costTerms);
  gradient.costTerms.forEach((term, digit) => {
    const bar = document.createElement("div");
    bar.className = "bar" + (digit === gradient.label ? " best" : "");
    bar.innerHTML = `<div style="height:${Math.max(1, 85 * term / largest)}%"></div><span>${digit}</span>`;
    bar.title = `output ${digit}: ${gradient.outputs[digit].toFixed(3)}, wants ${digit === gradient.label ? 1 : 0}, term ${term.toFixed(4)}`;
    bars.append(bar);
  });
  const dearest = gradient.costTerms.reduce((best, term, i) => (term > gradient.costTerms[best] ? i : best), 0);
  const terms = gradient.costName === "quadratic" ? "the sum of ten terms ½(output − wanted)²" : `the sum of its ${gradient.costName} terms`;
  const text = `Label ${gradient.label}, read as ${gradient.digit}: cost ${gradient.cost.toFixed(4)}, ${terms}. `
    + `Output ${gradient.label} is ${gradient.outputs[gradient.label].toFixed(3)} and should be 1; `
    + `the largest term is output ${dearest}'s, ${gradient.costTerms[dearest].toFixed(4)}.`;
  $("lesson-cost-text").textContent = text;
  bars.setAttribute("aria-label", text);
}

// MARK: - Chapter 3: the cost of all of them

async function loadCosts() {
  const costs = await api("/api/lesson/cost");
  const canvas = $("lesson-costs"), context = canvas.getContext("2d");
  const [w, h] = [canvas.width, canvas.height];
  context.fillStyle = "#0f1116";
  context.fillRect(0, 0, w, h);
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

// MARK: - Chapter 4: downhill

function setUpValley() {
  const canvas = $("lesson-valley");
  canvas.addEventListener("click", (event) => {
    if (!lesson.valley) return;
    const box = canvas.getBoundingClientRect();
    const [low, high] = lesson.valley.domain;
    placeValleyBall(low + (high - low) * ((event.clientX - box.left) / box.width * canvas.width - 30) / (canvas.width - 40));
  });
  canvas.addEventListener("keydown", (event) => {
    if (!lesson.valley) return;
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      placeValleyBall(lesson.valleyStart + (event.key === "ArrowLeft" ? -0.05 : 0.05));
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      rollValley();
    }
  });
  $("lesson-roll").addEventListener("click", rollValley);
}

async function loadValley() {
  if (!lesson.valley) lesson.valley = await api("/api/lesson/valleys");
  drawValley();
}

function placeValleyBall(x) {
  const [low, high] = lesson.valley.domain;
  lesson.valleyStart = Math.round(100 * Math.min(high, Math.max(low, x))) / 100;
  clearInterval(lesson.valleyTimer);
  lesson.valleyPath = [];
  drawValley();
}

async function rollValley() {
  clearInterval(lesson.valleyTimer);
  try {
    lesson.valleyPath = (await postJSON("/api/lesson/valleys/descent", { start: lesson.valleyStart, learningRate: 0.05, steps: 60 })).path;
  } catch (error) {
    return showError(`Could not roll the ball: ${error.message}`, "lesson");
  }
  lesson.valleyShown = 0;
  lesson.valleyTimer = setInterval(() => {
    if (lesson.valleyShown >= lesson.valleyPath.length - 1) return clearInterval(lesson.valleyTimer);
    lesson.valleyShown += 1;
    drawValley();
  }, 30);
  drawValley();
}

function drawValley() {
  const canvas = $("lesson-valley"), context = canvas.getContext("2d");
  const { xs, values, domain, formula, minima } = lesson.valley;
  const [w, h] = [canvas.width, canvas.height];
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const px = (x) => 30 + (w - 40) * (x - domain[0]) / (domain[1] - domain[0]);
  const py = (value) => h - 20 - (h - 40) * (value - low) / (high - low);
  context.fillStyle = "#0f1116";
  context.fillRect(0, 0, w, h);
  context.strokeStyle = "#58c4dd";
  context.lineWidth = 2;
  context.beginPath();
  xs.forEach((x, i) => (i ? context.lineTo(px(x), py(values[i])) : context.moveTo(px(x), py(values[i]))));
  context.stroke();
  context.fillStyle = "#9aa0aa";
  context.font = "12px system-ui";
  context.fillText(formula, 36, 16);
  // The waiting ball sits on the nearest sample; the rolling one at the server's own values.
  const f = (x) => values[Math.round((x - domain[0]) / (domain[1] - domain[0]) * (xs.length - 1))];
  const shown = lesson.valleyPath.slice(0, lesson.valleyShown + 1);
  context.fillStyle = "#ffd75e";
  shown.forEach((step) => { context.beginPath(); context.arc(px(step.x), py(step.value), 2.5, 0, 2 * Math.PI); context.fill(); });
  const current = shown[shown.length - 1];
  const [bx, by] = current ? [px(current.x), py(current.value)] : [px(lesson.valleyStart), py(f(lesson.valleyStart))];
  context.fillStyle = "#fc6255";
  context.beginPath();
  context.arc(bx, by - 7, 7, 0, 2 * Math.PI);
  context.fill();
  const valleys = minima.map((m) => m.toFixed(2)).join(" and ");
  describe(canvas, `The curve ${formula} from x = ${domain[0]} to ${domain[1]}, with valleys at x = ${valleys}. `
    + (current ? `The ball started at x = ${lesson.valleyPath[0].x.toFixed(2)} and after ${lesson.valleyShown} steps of 0.05 × slope `
      + `is at x = ${current.x.toFixed(3)}, height ${current.value.toFixed(3)}, slope ${current.slope.toFixed(3)}.`
      : `The ball waits at x = ${lesson.valleyStart.toFixed(2)}: press Roll.`));
}

function setUpSurface() {
  const canvas = $("lesson-surface");
  const place = (point) => { lesson.surfaceStart = point; computeSurfacePath(); };
  canvas.addEventListener("click", (event) => {
    if (!lesson.surface) return;
    const box = canvas.getBoundingClientRect(), { x, y } = lesson.surface.surface;
    place({ x: x[0] + (event.clientX - box.left) / box.width * (x[1] - x[0]), y: y[1] - (event.clientY - box.top) / box.height * (y[1] - y[0]) });
  });
  canvas.addEventListener("keydown", (event) => {
    const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
    if (!(event.key in moves) || !lesson.surface) return;
    event.preventDefault();
    const [dx, dy] = moves[event.key], { x, y } = lesson.surface.surface;
    const clamp = (value, [lowest, highest]) => Math.min(highest, Math.max(lowest, value));
    place({ x: clamp(lesson.surfaceStart.x + dx * 0.1, x), y: clamp(lesson.surfaceStart.y + dy * 0.1, y) });
  });
}

async function loadSurface() {
  if (!lesson.surface) lesson.surface = await api("/api/landscapes/bowl?size=90");
  await computeSurfacePath(true);
}

/** The bowl's path from the chosen start; a failure is shown, and thrown when `rethrow` (the chapter's
 *  loader then tries again on the next visit). */
async function computeSurfacePath(rethrow = false) {
  try {
    lesson.surfacePath = (await postJSON("/api/landscapes/bowl/descent", { start: lesson.surfaceStart, learningRate: 0.1, momentum: 0, steps: 25 })).path;
  } catch (error) {
    if (rethrow) throw error;
    return showError(`Could not compute the path: ${error.message}`, "lesson");
  }
  drawSurface();
}

function drawSurface() {
  const canvas = $("lesson-surface"), context = canvas.getContext("2d");
  const { surface } = lesson.surface;
  paintHeights(canvas, lesson.surface);
  const px = (p) => [(p.x - surface.x[0]) / (surface.x[1] - surface.x[0]) * canvas.width, (surface.y[1] - p.y) / (surface.y[1] - surface.y[0]) * canvas.height];
  const path = lesson.surfacePath;
  // −η∇f at each point is the step to the next one.
  path.slice(0, -1).forEach((step, i) => {
    const [x0, y0] = px(step.point), [x1, y1] = px(path[i + 1].point);
    arrow(context, x0, y0, x1, y1, "#ffd75e");
  });
  const [bx, by] = px(path[0].point);
  context.fillStyle = "#fc6255";
  context.beginPath();
  context.arc(bx, by, 6, 0, 2 * Math.PI);
  context.fill();
  const length = (i) => Math.hypot(path[i + 1].point.x - path[i].point.x, path[i + 1].point.y - path[i].point.y);
  const end = path[path.length - 1];
  describe(canvas, `The bowl ${surface.title} seen from above, lowest at (0, 0). From (${path[0].point.x.toFixed(2)}, ${path[0].point.y.toFixed(2)}), `
    + `${path.length - 1} steps of −0.1∇f: the first step is ${length(0).toFixed(3)} long, the last ${length(path.length - 2).toFixed(4)}, `
    + `ending at (${end.point.x.toFixed(3)}, ${end.point.y.toFixed(3)}), height ${end.value.toPrecision(3)}.`);
}

function arrow(context, x0, y0, x1, y1, colour) {
  const angle = Math.atan2(y1 - y0, x1 - x0), head = Math.min(7, Math.hypot(x1 - x0, y1 - y0) / 2);
  context.strokeStyle = colour;
  context.lineWidth = 1.5;
  context.beginPath();
  context.moveTo(x0, y0);
  context.lineTo(x1, y1);
  context.lineTo(x1 - head * Math.cos(angle - 0.5), y1 - head * Math.sin(angle - 0.5));
  context.moveTo(x1, y1);
  context.lineTo(x1 - head * Math.cos(angle + 0.5), y1 - head * Math.sin(angle + 0.5));
  context.stroke();
}

// MARK: - Chapter 5: the gradient as nudges

function showNudges() {
  const canvas = $("lesson-nudges"), context = canvas.getContext("2d");
  context.fillStyle = "#0f1116";
  context.fillRect(0, 0, canvas.width, canvas.height);
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

function keepSession(id) {
  lesson.session = id;
  if (id) sessionStorage.setItem("descent-lesson-copy", id); else sessionStorage.removeItem("descent-lesson-copy");
}

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

function drawStepChart() {
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
      lesson.loaded.delete(`7@${modelVersion}`);
      lesson.learned = "copy";
      return;
    }
    if (current.state === "queued") $("lesson-train-status").textContent = current.message || "waiting for other trainings";
    lesson.polling = setTimeout(poll, 150);  // the next poll once this one has answered
  };
  lesson.polling = setTimeout(poll, 150);
}

function drawTrainingCurve() {
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

async function showLearned(which) {
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
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 28;
    const context = canvas.getContext("2d"), image = context.createImageData(28, 28);
    row.forEach((w, i) => image.data.set([...weightColour(w, scale), 255], i * 4));
    context.putImageData(image, 0, 0);
    const figure = document.createElement("figure");
    figure.append(canvas, Object.assign(document.createElement("figcaption"), { textContent: `neuron ${neuron}` }));
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
  const text = `The picture that makes output ${digit} largest, after ${answer.trace.length > 1 ? "gradient ascent on the pixels" : "one step"}: `
    + `output ${digit} rose from ${answer.trace[0].toFixed(3)} to ${answer.trace[answer.trace.length - 1].toFixed(3)}; the network reads it as `
    + `${answer.reads} (${answer.outputs[answer.reads].toFixed(2)}). ${answer.bytes.filter((b) => b > 127).length} of 784 pixels are brighter than half.`;
  $("lesson-dream-text").textContent = text;
  $("lesson-dream-picture").setAttribute("role", "img");
  $("lesson-dream-picture").setAttribute("aria-label", text);
}

// MARK: - Chapters 9 and 10: runs streamed from the server

/** POSTs `body` to `path` and calls `onLine` with each JSON line of the answer as it arrives. */
async function streamLines(path, body, onLine) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers["X-Descent-Token"] = token;
  const response = await fetch(path, { method: "POST", headers, body: JSON.stringify(body) });
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    throw Object.assign(new Error(answer.error || response.statusText), { status: response.status });
  }
  const reader = response.body.getReader(), decoder = new TextDecoder();
  let buffered = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (value) buffered += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffered.indexOf("\n")) >= 0) {
        const line = JSON.parse(buffered.slice(0, end));
        buffered = buffered.slice(end + 1);
        if (line.error) throw new Error(line.error);
        onLine(line);
      }
      if (done) return;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
}

async function runMemorize() {
  const state = lesson.memorize;
  if (state.running) return;
  Object.assign(state, { lines: [], done: null, running: true });
  $("lesson-memorize").disabled = true;
  $("lesson-memorize-text").textContent = "Training on true labels, then on shuffled ones…";
  try {
    await streamLines("/api/lesson/memorize", { seed: 0 }, (line) => {
      if (line.done) state.done = line; else if (line.epoch > 0) state.lines.push(line);
      drawMemorize();
    });
  } catch (error) {
    $("lesson-memorize-text").textContent = `The run stopped: ${error.message}`;
  } finally {
    state.running = false;
    $("lesson-memorize").disabled = false;
  }
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

async function runMinima() {
  const state = lesson.minima;
  if (state.running) return;
  Object.assign(state, { runs: [], done: null, running: true });
  $("lesson-minima").disabled = true;
  $("lesson-minima-text").textContent = "Training the first network…";
  try {
    await streamLines("/api/lesson/minima", { seeds: 3, epochs: 10 }, (line) => {
      if (line.done) state.done = line; else state.runs.push(line);
      drawMinima();
    });
  } catch (error) {
    $("lesson-minima-text").textContent = `The run stopped: ${error.message}`;
  } finally {
    state.running = false;
    $("lesson-minima").disabled = false;
  }
}

function drawMinima() {
  const canvas = $("lesson-minima-chart"), context = canvas.getContext("2d");
  const { runs, done } = lesson.minima;
  context.fillStyle = "#0f1116";
  context.fillRect(0, 0, canvas.width, canvas.height);
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

/** A line chart on `canvas`: each series' [x, y] points, x in 0...xMax and y in 0...yMax. */
function lineChart(canvas, series, { xMax, yMax, xLabel, yLabel }) {
  const context = canvas.getContext("2d");
  const [w, h, left, bottom] = [canvas.width, canvas.height, 40, 26];
  context.fillStyle = "#0f1116";
  context.fillRect(0, 0, w, h);
  context.strokeStyle = "#444";
  context.lineWidth = 1;
  context.setLineDash([]);
  context.strokeRect(left, 10, w - left - 10, h - bottom - 10);
  context.fillStyle = "#9aa0aa";
  context.font = "11px system-ui";
  context.fillText("0", left - 12, h - bottom + 4);
  context.fillText(String(Number(yMax.toPrecision(2))), 4, 16);
  context.fillText(`${xLabel} ${xMax}`, w - 70, h - 8);
  context.fillText(yLabel, left + 6, h - 8);
  const x = (value) => left + (w - left - 10) * value / xMax;
  const y = (value) => h - bottom - (h - bottom - 10) * Math.min(1, value / yMax);
  for (const { colour, points, dashed } of series) {
    context.strokeStyle = context.fillStyle = colour;
    context.lineWidth = 2;
    context.setLineDash(dashed ? [5, 4] : []);
    context.beginPath();
    points.forEach(([px, py], i) => (i ? context.lineTo(x(px), y(py)) : context.moveTo(x(px), y(py))));
    context.stroke();
    context.setLineDash([]);
    if (points.length < 40) points.forEach(([px, py]) => { context.beginPath(); context.arc(x(px), y(py), 2.5, 0, 2 * Math.PI); context.fill(); });
  }
}

setUpLesson();
