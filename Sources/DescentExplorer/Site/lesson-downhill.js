// The Lesson's chapter 4: downhill in one dimension (a ball on a curve with two valleys) and in two
// (the bowl from above, with −η∇f as arrows).
import { api, postJSON } from "./api.js";
import { $, showError } from "./dom.js";
import { ARROWS, arrow, clearFigure, describe, mapFrame, paintHeights } from "./figures.js";
import { lesson } from "./lesson-state.js";

export function setUpDownhill() {
  setUpValley();
  setUpSurface();
}

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

/** Chapter 4's first figure: the curve with two valleys (GET /api/lesson/valleys), loaded once. */
export async function loadValley() {
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
  const canvas = $("lesson-valley"), context = clearFigure(canvas);
  const { xs, values, domain, formula, minima } = lesson.valley;
  const [w, h] = [canvas.width, canvas.height];
  const [low, high] = [Math.min(...values), Math.max(...values)];
  const px = (x) => 30 + (w - 40) * (x - domain[0]) / (domain[1] - domain[0]);
  const py = (value) => h - 20 - (h - 40) * (value - low) / (high - low);
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
    if (lesson.surface) place(mapFrame(canvas, lesson.surface.surface).point(event));
  });
  canvas.addEventListener("keydown", (event) => {
    if (!(event.key in ARROWS) || !lesson.surface) return;
    event.preventDefault();
    place(mapFrame(canvas, lesson.surface.surface).moved(lesson.surfaceStart, ARROWS[event.key], { x: 0.1, y: 0.1 }));
  });
}

/** Chapter 4's second figure: the bowl from above (GET /api/landscapes/bowl), and the path from the start. */
export async function loadSurface() {
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
  const px = mapFrame(canvas, surface).pixel;
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
