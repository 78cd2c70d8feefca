// Figures and their text alternatives: the colour maps, 28x28 pictures of values, a chart's frame and
// lines, and `describe`, which gives every figure its numbers in words.
import { paintDigit } from "./pad.js";

/** Sets `canvas`'s text alternative: the figure's numbers in words, read by screen readers
 *  (aria-describedby) and shown under the figure in a paragraph with id `<canvas id>-text`. */
export function describe(canvas, text) {
  canvas.setAttribute("role", "img");
  let caption = document.getElementById(canvas.id + "-text");
  if (!caption) {
    caption = Object.assign(document.createElement("p"), { id: canvas.id + "-text", className: "note figure-text" });
    canvas.after(caption);
  }
  canvas.setAttribute("aria-describedby", caption.id);
  caption.textContent = text;
  canvas.setAttribute("aria-label", text.split(". ")[0]);
}

/** A 28x28 picture of `bytes` (a digit, 255 ink) with `caption` under it; clicking it calls `onClick(figure)`. */
export function digitFigure(bytes, caption, onClick) {
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

/** A confusion matrix in `table`: rows the true digit, columns what the network said, right answers
 *  blue and mistakes red (brighter as they are more), each cell's count in words for a screen reader
 *  (`what` names the images: "test images"). `onCell(actual, predicted)`: each cell is a button calling it. */
export function confusionTable(table, matrix, what, onCell = null) {
  table.replaceChildren();
  const head = table.insertRow();
  head.append(document.createElement("th"));
  for (let p = 0; p < 10; p++) head.append(Object.assign(document.createElement("th"), { textContent: p, scope: "col" }));
  const largestMistake = Math.max(1, ...matrix.flatMap((row, a) => row.filter((_, p) => p !== a)));
  matrix.forEach((row, actual) => {
    const tableRow = table.insertRow();
    tableRow.append(Object.assign(document.createElement("th"), { textContent: actual, scope: "row" }));
    row.forEach((count, predicted) => {
      const cell = tableRow.insertCell();
      const words = `${count} ${what} of ${actual} read as ${predicted}`;
      const strength = actual === predicted ? 0.35 : Math.sqrt(count / largestMistake);
      if (count > 0) cell.style.background = actual === predicted ? `rgba(88,196,221,${strength})` : `rgba(252,98,85,${strength})`;
      if (onCell) {
        const button = Object.assign(document.createElement("button"), { type: "button", textContent: count, id: `cell-${actual}-${predicted}` });
        button.setAttribute("aria-label", words);
        button.addEventListener("click", () => onCell(actual, predicted));
        cell.append(button);
      } else {
        cell.textContent = count;
        cell.title = words;
      }
    });
  });
}

// MARK: - Colour maps

/** A weight or a nudge as a colour: blue for positive, red for negative, brighter as |value| nears `scale`. */
export function weightColour(value, scale) {
  const t = Math.max(-1, Math.min(1, value / scale));
  return t >= 0 ? [Math.round(255 * (1 - t) * 0.1), Math.round(196 * t), Math.round(221 * t)] : [Math.round(252 * -t), Math.round(98 * -t), Math.round(85 * -t)];
}

/** A height on a map as a colour: `t` in 0...1 (darker is lower), banded in 14 contours. */
export function heightColour(t) {
  const band = Math.floor(t * 14) % 2 ? 0.88 : 1;
  return [Math.round((30 + 200 * t) * band), Math.round((50 + 120 * t) * band), Math.round((90 + 40 * t) * band)];
}

/** A canvas of `width` x `height` cells, cell i coloured `weightColour(values[i], scale)`: a neuron's 784
 *  weights or nudges as a 28x28 picture, or a layer as a strip. */
export function weightPicture(values, scale, width = 28, height = 28) {
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext("2d"), image = context.createImageData(width, height);
  values.forEach((value, index) => image.data.set([...weightColour(value, scale), 255], index * 4));
  context.putImageData(image, 0, 0);
  return canvas;
}

/** Paints `grid`'s heights (GET /api/landscapes/NAME) over the whole of `canvas`: darker is lower,
 *  on a log scale, with bands for contours. */
export function paintHeights(canvas, grid) {
  const context = canvas.getContext("2d");
  const { columns, rows, heights } = grid;
  const logs = heights.map((h) => Math.log1p(h));
  const [low, high] = [Math.min(...logs), Math.max(...logs)];
  const image = context.createImageData(columns, rows);
  logs.forEach((value, index) => {
    const row = rows - 1 - Math.floor(index / columns), column = index % columns;
    image.data.set([...heightColour((value - low) / (high - low || 1)), 255], (row * columns + column) * 4);
  });
  const small = document.createElement("canvas");
  small.width = columns;
  small.height = rows;
  small.getContext("2d").putImageData(image, 0, 0);
  context.imageSmoothingEnabled = true;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}

// MARK: - Charts

/** Clears `canvas` to the page's background. */
export function clearFigure(canvas) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#0f1116";
  context.fillRect(0, 0, canvas.width, canvas.height);
  return context;
}

/** A line chart on `canvas`: a frame, its scale (0, `yMax`, `xLabel` `xMax`, `yLabel`), and each series'
 *  [x, y] points, x in 0...xMax and y in 0...yMax, solid or dashed, with dots while there are few. */
export function lineChart(canvas, series, { xMax, yMax, xLabel, yLabel }) {
  const context = clearFigure(canvas);
  const [w, h, left, bottom] = [canvas.width, canvas.height, 40, 26];
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

/** An arrow from (x0, y0) to (x1, y1), its head at most 7 pixels. */
export function arrow(context, x0, y0, x1, y1, colour) {
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

/** A map of `surface` ({x: [low, high], y: [low, high]}) drawn over the whole of `canvas`, y upwards:
 *  `pixel(point)` is where {x, y} is drawn, `point(event)` the {x, y} under a mouse event, and
 *  `moved(point, [dx, dy], step)` the point `step` further in each direction, kept on the map. */
export function mapFrame(canvas, surface) {
  const { x, y } = surface;
  const clamp = (value, [low, high]) => Math.min(high, Math.max(low, value));
  return {
    pixel: (p) => [(p.x - x[0]) / (x[1] - x[0]) * canvas.width, (y[1] - p.y) / (y[1] - y[0]) * canvas.height],
    point: (event) => {
      const box = canvas.getBoundingClientRect();
      return { x: x[0] + (event.clientX - box.left) / box.width * (x[1] - x[0]), y: y[1] - (event.clientY - box.top) / box.height * (y[1] - y[0]) };
    },
    moved: (p, [dx, dy], step) => ({ x: clamp(p.x + dx * step.x, x), y: clamp(p.y + dy * step.y, y) }),
  };
}

/** The arrow keys as directions on a map, y upwards. */
export const ARROWS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };

/** One bar a value (0 ... `scale`) in `container`, the `highlight`ed one marked, its index under each;
 *  `title(value, index)` is each bar's tooltip. */
export function bars(container, values, { highlight = -1, scale = 1, title = (value, index) => `${index}: ${value.toPrecision(4)}` } = {}) {
  container.replaceChildren(...Array.from(values, (value, index) => {
    const bar = Object.assign(document.createElement("div"), { className: "bar" + (index === highlight ? " best" : ""), title: title(value, index) });
    const fill = document.createElement("div");
    fill.style.height = `${Math.max(1, 85 * Math.min(1, value / scale))}%`;
    bar.append(fill, Object.assign(document.createElement("span"), { textContent: index }));
    return bar;
  }));
}

/** Bars up (blue) or down (red) from a middle line, scaled by the largest |value|. */
export function divergingBars(container, values, highlight) {
  const scale = Math.max(1e-12, ...values.map(Math.abs));
  container.dataset.values = values.map((v) => v.toPrecision(6)).join(",");
  container.replaceChildren(...values.map((value, index) => {
    const bar = Object.assign(document.createElement("div"), { className: "bar" + (index === highlight ? " best" : "") });
    const fill = Object.assign(document.createElement("div"), { className: value >= 0 ? "up" : "down" });
    fill.style.height = `${Math.max(1, 42 * Math.abs(value) / scale)}%`;
    bar.title = `${index}: ${value >= 0 ? "+" : ""}${value.toPrecision(4)}`;
    bar.append(fill, Object.assign(document.createElement("span"), { textContent: index }));
    return bar;
  }));
}
