// The video's picture of a network: the input, each layer as a column of neurons lit by activation,
// and lines for the strongest weights into the lit neurons; with its text alternatives. The Draw page
// and the Lesson's first chapter draw it.
import { describe, clearFigure } from "./figures.js";
import { paintDigit } from "./pad.js";

/** Paints `canvas` (28x28) with the input the network saw, all dark when there is no prediction, and describes it. */
export function showInput(canvas, prediction) {
  paintDigit(canvas, prediction ? prediction.input : new Array(784).fill(0));
  describe(canvas, inputText(prediction));
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
 *  layer's first rows, as `weightRows` gives them (the served model's `served`). */
export function drawNetwork(prediction, canvas, input, { weights, sizes }) {
  const context = clearFigure(canvas);
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
