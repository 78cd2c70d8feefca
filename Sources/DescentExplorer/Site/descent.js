// The Descent page: a ball rolled downhill on a choice of surfaces, with a learning rate and momentum
// (POST /api/landscapes/<name>/descent), placed by the mouse or the arrow keys.
import { api, postJSON } from "./api.js";
import { $ } from "./dom.js";
import { ARROWS, describe, mapFrame, paintHeights } from "./figures.js";

const ball = { grid: null, start: null, path: [], shown: 0, timer: null, listening: false };

/** The page's loader. Loads the surfaces once: they do not depend on the model, so a new model (which
 *  shows the page again) changes nothing here. */
export async function loadDescent() {
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
  const select = $("surface"), canvas = $("landscape");
  select.addEventListener("change", () => chooseSurface(select.value));
  canvas.addEventListener("click", (event) => {
    ball.start = mapFrame(canvas, ball.grid.surface).point(event);
    computePath();
  });
  // The keyboard places the ball too: arrows move the start by a fortieth of the map, Enter plays.
  canvas.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") { event.preventDefault(); return $("descent-play").click(); }
    if (!(event.key in ARROWS) || !ball.grid) return;
    event.preventDefault();
    const { x, y } = ball.grid.surface;
    ball.start = mapFrame(canvas, ball.grid.surface).moved(ball.start, ARROWS[event.key], { x: (x[1] - x[0]) / 40, y: (y[1] - y[0]) / 40 });
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

function drawLandscape() {
  const canvas = $("landscape"), context = canvas.getContext("2d");
  const { heights, surface } = ball.grid;
  paintHeights(canvas, ball.grid);
  const px = mapFrame(canvas, surface).pixel;
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
