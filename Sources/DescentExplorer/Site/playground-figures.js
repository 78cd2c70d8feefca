// The Playground's pictures, all painted from a decoded frame (api.js's decodePlaygroundFrame): the
// decision regions with the points, every hidden neuron's own map, the weights as lines, the cost
// curves; and each one's text alternative in numbers.
import { clearFigure, describe, lineChart } from "./figures.js";

/** One colour a class (Tableau's ten), as [r, g, b]. */
export const CLASS_COLOURS = [[78, 121, 167], [242, 142, 43], [89, 161, 79], [225, 87, 89], [176, 122, 161],
  [156, 117, 95], [255, 157, 167], [118, 183, 178], [237, 201, 72], [186, 176, 172]];
export const classColour = (index, alpha = 1) => `rgba(${CLASS_COLOURS[index % 10].join(",")},${alpha})`;
const COLOUR_NAMES = ["blue", "orange", "green", "red", "purple", "brown", "pink", "teal", "yellow", "grey"];
export const colourName = (index) => COLOUR_NAMES[index % 10];

/** An offscreen canvas of `width` x `height` pixels painted by `paint(data)` (RGBA bytes). */
function picture(width, height, paint) {
  const canvas = document.createElement("canvas");
  Object.assign(canvas, { width, height });
  const context = canvas.getContext("2d"), image = context.createImageData(width, height);
  paint(image.data);
  context.putImageData(image, 0, 0);
  return canvas;
}

/** The regions: each cell in its class's colour, paler where the network is less sure. */
function regionPicture(map, classCount) {
  return picture(map.width, map.height, (data) => {
    const floor = 1 / classCount;
    for (let cell = 0; cell < map.classes.length; cell++) {
      const [r, g, b] = CLASS_COLOURS[map.classes[cell] % 10];
      // Sureness from 1/classes (a toss-up: dark) to 1 (sure: the class's colour at 60%).
      const sure = Math.max(0, (map.confidence[cell] / 255 - floor) / (1 - floor)), t = 0.15 + 0.45 * sure;
      data.set([15 + (r - 15) * t, 17 + (g - 17) * t, 22 + (b - 22) * t, 255], 4 * cell);
    }
  });
}

/** A hidden neuron's map: blue where it is high, orange where low, on its own range. */
function neuronPicture(neuron, map) {
  return picture(map.width, map.height, (data) => {
    for (let cell = 0; cell < neuron.values.length; cell++) {
      const t = neuron.values[cell] / 255;
      data.set([245 - 200 * t, 140 - 20 * t * t, 60 + 160 * t, 255], 4 * cell);
    }
  });
}

/** Where (x, y) of the map's area falls on a canvas of `width` x `height`. */
export function toCanvas(area, width, height, x, y) {
  return [(x - area.xMin) / (area.xMax - area.xMin) * width, (area.yMax - y) / (area.yMax - area.yMin) * height];
}

/** The point of the map's area under canvas pixel (px, py). */
export function fromCanvas(area, width, height, px, py) {
  return [area.xMin + px / width * (area.xMax - area.xMin), area.yMax - py / height * (area.yMax - area.yMin)];
}

/** Paints the decision regions with `points` on `canvas` (training points filled, test points ringed
 *  white), the keyboard's cursor when given, and the figure's text alternative. */
export function paintMap(canvas, frame, points, cursor) {
  const context = canvas.getContext("2d"), { width, height } = canvas;
  context.imageSmoothingEnabled = false;
  context.drawImage(regionPicture(frame.map, frame.classNames.length), 0, 0, width, height);
  if (points) {
    for (let i = 0; i < points.label.length; i++) {
      const [px, py] = toCanvas(frame.area, width, height, points.x[i], points.y[i]);
      context.beginPath();
      context.arc(px, py, 3, 0, 2 * Math.PI);
      context.fillStyle = classColour(points.label[i]);
      context.fill();
      context.lineWidth = 1;
      context.strokeStyle = points.split[i] ? "#fff" : "#000";
      context.stroke();
    }
  }
  if (cursor) {
    const [px, py] = toCanvas(frame.area, width, height, cursor[0], cursor[1]);
    context.strokeStyle = "#ffd75e";
    context.lineWidth = 2;
    context.strokeRect(px - 6, py - 6, 12, 12);
  }
  describe(canvas, mapText(frame));
}

const percent = (value) => `${(100 * value).toFixed(2)}%`;

/** The map in words: the accuracies, each class's share of the map, and how many points of each class fall in each region. */
export function mapText(frame) {
  const names = frame.classNames, [a, b] = frame.axes;
  const shares = frame.areaShares.map((share, i) => `class ${names[i]} (${colourName(i)}) ${Math.round(100 * share)}%`).join(", ");
  const counts = (split) => split.counts.map((row, actual) => {
    const total = row.reduce((s, n) => s + n, 0);
    if (!total) return null;
    const others = row.map((n, j) => (j !== actual && n ? `${n} in class ${names[j]}'s` : null)).filter(Boolean);
    return `class ${names[actual]}: ${total} points, ${row[actual]} in its region` + (others.length ? `, ${others.join(", ")}` : "");
  }).filter(Boolean).join("; ");
  const held = frame.columns.length > 2 ? ` (the other ${frame.columns.length - 2} columns at their mean)` : "";
  return `Decision regions over ${a} and ${b}${held}: test accuracy ${percent(frame.test.accuracy)} (${frame.test.correct} of ${frame.test.count}), `
    + `training accuracy ${percent(frame.training.accuracy)} (${frame.training.correct} of ${frame.training.count}). `
    + `The map: ${shares}. Test points: ${counts(frame.test) || "none"}. Training points: ${counts(frame.training) || "none"}.`;
}

/** The network: each hidden neuron as its own map, columns of layers between the inputs and the
 *  outputs, and every weight as a line, blue positive and orange negative, as thick as its size. */
export function paintNetwork(canvas, frame) {
  const context = clearFigure(canvas), { width, height } = canvas, sizes = frame.sizes;
  const columns = sizes.length, gap = width / columns;
  const tile = Math.max(6, Math.min(48, Math.floor((height - 20) / Math.max(...sizes)) - 4, gap * 0.45));
  const centres = sizes.map((n, layer) => Array.from({ length: n }, (_, j) => [gap * (layer + 0.5), (height - n * (tile + 4)) / 2 + j * (tile + 4) + tile / 2]));
  const largest = Math.max(1e-6, ...frame.weights.map((w) => w.reduce((m, v) => Math.max(m, Math.abs(v)), 0)));
  for (let layer = 1; layer < columns; layer++) {
    const weights = frame.weights[layer - 1], inputs = sizes[layer - 1];
    for (let j = 0; j < sizes[layer]; j++) {
      for (let i = 0; i < inputs; i++) {
        const w = weights[j * inputs + i], [x0, y0] = centres[layer - 1][i], [x1, y1] = centres[layer][j];
        context.strokeStyle = w >= 0 ? "rgba(88,196,221,0.7)" : "rgba(242,142,43,0.7)";
        context.lineWidth = Math.max(0.2, 4 * Math.abs(w) / largest);
        context.beginPath();
        context.moveTo(x0 + tile / 2, y0);
        context.lineTo(x1 - tile / 2, y1);
        context.stroke();
      }
    }
  }
  context.imageSmoothingEnabled = false;
  let neuron = 0;
  sizes.forEach((n, layer) => centres[layer].forEach(([x, y], j) => {
    if (layer > 0 && layer < columns - 1) {
      context.drawImage(neuronPicture(frame.neurons[neuron++], frame.map), x - tile / 2, y - tile / 2, tile, tile);
    } else {
      context.fillStyle = layer === 0 ? "#2a2f3a" : classColour(j);
      context.fillRect(x - tile / 2, y - tile / 2, tile, tile);
      if (tile >= 14) {
        context.fillStyle = "#e8e8ea";
        context.font = "11px system-ui";
        context.fillText(layer === 0 ? frame.inputs[j] : frame.classNames[j], x - tile / 2 + 2, y + 4);
      }
    }
  }));
  const hidden = sizes.slice(1, -1);
  const ranges = frame.neurons.map((n) => `${n.low.toFixed(2)} to ${n.high.toFixed(2)}`);
  describe(canvas, `The network ${sizes.join("-")}: inputs ${frame.inputs.join(", ")}; ${hidden.length} hidden layer${hidden.length === 1 ? "" : "s"} `
    + `(${hidden.join(", ")} neurons), each neuron drawn as its own map over the plane; ${frame.parameterCount} weights and biases, `
    + `the largest weight ${largest.toFixed(2)} in size. First neurons' ranges: ${ranges.slice(0, 4).join("; ")}.`);
}

/** The cost curves, training solid and test dashed, over the steps taken. */
export function paintCurves(canvas, curve) {
  const xMax = Math.max(10, ...curve.map((p) => p.step));
  const yMax = Math.max(0.1, ...curve.map((p) => Math.max(p.trainingCost, p.testCost)));
  lineChart(canvas, [
    { colour: "#fc6255", points: curve.map((p) => [p.step, p.trainingCost]) },
    { colour: "#58c4dd", points: curve.map((p) => [p.step, p.testCost]), dashed: true },
  ], { xMax, yMax, xLabel: "step", yLabel: "cost" });
  const last = curve[curve.length - 1];
  describe(canvas, last ? `Cost curves over ${last.step} steps: training cost ${last.trainingCost.toFixed(4)}, test cost ${last.testCost.toFixed(4)}; `
    + `the curves start at ${curve[0].trainingCost.toFixed(4)} and ${curve[0].testCost.toFixed(4)}.` : "No steps yet.");
}
