// The explorer's API client: every request to the server goes through here, with the page's token on
// every request that changes something, and every failure as an Error with the HTTP status (0 when the
// server could not be reached) and the server's own message.

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

/** fetch(path, options) with the token added to a change (and to a read when `options.withToken`: the
 *  teacher's pages, GET /api/class); a network failure becomes an Error with status 0. */
async function send(path, options = {}) {
  const { withToken, ...request } = options;
  const method = (request.method || "GET").toUpperCase();
  const headers = { ...(request.headers || {}) };
  if (token && (withToken || (method !== "GET" && method !== "HEAD"))) headers["X-Descent-Token"] = token;
  try {
    return await fetch(path, { ...request, headers });
  } catch (error) {
    throw Object.assign(new Error(`Could not reach the server (${error.message}). Is descent serve still running?`), { status: 0 });
  }
}

/** The Error for a refused request: the server's JSON `{"error": ...}` (every 4xx and 5xx is JSON), with its status. */
async function failure(response) {
  const body = await response.json().catch(() => ({}));
  return Object.assign(new Error(body.error || response.statusText), { status: response.status });
}

/** A request whose answer is JSON: the parsed answer, or an Error with the status and the server's message. */
export async function api(path, options = {}) {
  const response = await send(path, options);
  if (!response.ok) throw await failure(response);
  // An answer with no JSON (a DELETE's, say) still succeeded.
  return response.json().catch(() => ({ error: "the server's answer was not JSON" }));
}

export function postJSON(path, value) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(value) });
}

/** A binary answer as an ArrayBuffer (`options` as `api`'s), or an Error with the status and the server's message. */
export async function binary(path, options = {}) {
  const response = await send(path, options);
  if (!response.ok) throw await failure(response);
  return response.arrayBuffer();
}

/** Rows first..<first+count of a weight layer (the weights into those neurons), as
 *  {rows, columns, version, weights: Float32Array}; `session`: a student's copy instead of the served model. */
export async function weightRows(layer, first, count, session = null) {
  const query = `first=${first}&count=${count}` + (session ? `&session=${encodeURIComponent(session)}` : "");
  // Four little-endian UInt32 (rows, columns, first, the model's version), then the Float32 weights.
  const body = await binary(`/api/weights/${layer}/rows?${query}`), shape = new DataView(body);
  const [rows, columns, version] = [shape.getUint32(0, true), shape.getUint32(4, true), shape.getUint32(12, true)];
  return { rows, columns, version, weights: new Float32Array(body, 16, rows * columns) };
}

// MARK: - The gradient

/** POST /api/gradient with `body` ({pixels} or {drawing}, label, session): what one labelled example asks
 *  of the network. The answer is the JSON object the server describes, with `firstLayerNudges[i].nudges`
 *  a Float32Array and `input` a Uint8Array, whether it came as binary (`decodeGradient`) or as JSON. */
export async function postGradient(body) {
  const response = await send("/api/gradient", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
  return decodeGradient(await response.arrayBuffer());
}

const GRADIENT_MAGIC = "DGR1";

/** Reads the binary answer of POST /api/gradient (all numbers little-endian):
 *
 *    bytes 0-3   "DGR1"
 *    bytes 4-7   UInt32 J, the length of the UTF-8 JSON document at byte 8 (the answer's fields, less
 *                `input` and each `firstLayerNudges[i].nudges`)
 *    then zero bytes up to a multiple of 4
 *    UInt32 P, the number of pictures (= firstLayerNudges.length); UInt32 N, values a picture
 *    P x N Float32, picture i's nudges (firstLayerNudges[i]), in order
 *    N UInt8, the input the network saw
 *
 *  and nothing after. Every length is checked against the body's size before it is trusted.
 *  @throws Error saying what was expected and what was found, on a malformed body. */
export function decodeGradient(buffer) {
  const size = buffer.byteLength, view = new DataView(buffer);
  const malformed = (what) => new Error(`The gradient's binary answer is malformed: ${what}.`);
  if (size < 8) throw malformed(`${size} bytes, fewer than the 8 of its header`);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== GRADIENT_MAGIC) throw malformed(`it starts with ${JSON.stringify(magic)}, not "${GRADIENT_MAGIC}"`);
  const jsonLength = view.getUint32(4, true);
  if (jsonLength > size - 8) throw malformed(`its JSON says it is ${jsonLength} bytes, but only ${size - 8} follow the header`);
  let answer;
  try {
    answer = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(buffer, 8, jsonLength)));
  } catch (error) {
    throw malformed(`its ${jsonLength} bytes of JSON do not parse (${error.message})`);
  }
  if (!answer || !Array.isArray(answer.firstLayerNudges)) throw malformed("its JSON has no firstLayerNudges list");
  const counts = Math.ceil((8 + jsonLength) / 4) * 4;
  if (new Uint8Array(buffer, 8 + jsonLength, Math.min(counts, size) - 8 - jsonLength).some((byte) => byte !== 0)) {
    throw malformed("the padding after its JSON is not zero");
  }
  if (counts + 8 > size) throw malformed(`it ends at byte ${size}, before the picture counts at ${counts}`);
  const [pictures, values] = [view.getUint32(counts, true), view.getUint32(counts + 4, true)];
  if (pictures !== answer.firstLayerNudges.length) {
    throw malformed(`it holds ${pictures} pictures, but its JSON lists ${answer.firstLayerNudges.length}`);
  }
  const floats = counts + 8, bytes = floats + 4 * pictures * values, expected = bytes + values;
  if (size !== expected) throw malformed(`${pictures} pictures of ${values} values and ${values} input bytes make ${expected} bytes, but it has ${size}`);
  const nudges = new Float32Array(buffer, floats, pictures * values);
  answer.firstLayerNudges.forEach((picture, i) => { picture.nudges = nudges.subarray(i * values, (i + 1) * values); });
  answer.input = new Uint8Array(buffer, bytes, values);
  return answer;
}

// MARK: - Streams

/** POSTs `body` to `path` and calls `onLine` with each JSON line of the answer as it arrives. */
export async function streamLines(path, body, onLine) {
  const response = await send(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
  if (!response.ok) throw await failure(response);
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

// MARK: - The Playground's frames

/** POSTs `body` (JSON, or the CSV file's bytes with `contentType` "text/csv") to a Playground route and
 *  decodes the frame it answers (`decodePlaygroundFrame`). */
export async function postPlayground(path, body, contentType = "application/json") {
  const payload = contentType === "application/json" ? JSON.stringify(body) : body;
  const response = await send(path, { method: "POST", headers: { "Content-Type": contentType }, body: payload });
  if (!response.ok) throw await failure(response);
  return decodePlaygroundFrame(await response.arrayBuffer());
}

const FRAME_MAGIC = "DPF1";

/** Reads a Playground frame (all numbers little-endian):
 *
 *    bytes 0-3   "DPF1";  bytes 4-7  UInt32 J, the length of the UTF-8 JSON document at byte 8
 *    then zero bytes up to a multiple of 4
 *    UInt32 W, H (the map's cells across and down), M (hidden neurons), C (classes), K (weights), P (points)
 *    Float32 x 2M  each neuron map's lowest and highest value;  Float32 x K  the weights, layer by layer,
 *                  row by row;  Float32 x 2P  each point's x and y
 *    UInt8 x WH  each cell's class;  UInt8 x WH  255 x its probability;  UInt8 x MWH  the neurons' maps
 *    UInt8 x P   each point's class;  UInt8 x P  its split (0 training, 1 test)
 *
 *  and nothing after. Every count is checked against the JSON and the body's size before it is trusted.
 *  @returns the JSON object with `map` {width, height, classes, confidence}, `neurons` [{low, high, values}],
 *  `weights` (a Float32Array a layer) and `points` {x, y, label, split} added.
 *  @throws Error saying what was expected and what was found, on a malformed body. */
export function decodePlaygroundFrame(buffer) {
  const size = buffer.byteLength, view = new DataView(buffer);
  const malformed = (what) => new Error(`The Playground's frame is malformed: ${what}.`);
  if (size < 8) throw malformed(`${size} bytes, fewer than the 8 of its header`);
  const magic = String.fromCharCode(...new Uint8Array(buffer, 0, 4));
  if (magic !== FRAME_MAGIC) throw malformed(`it starts with ${JSON.stringify(magic)}, not "${FRAME_MAGIC}"`);
  const jsonLength = view.getUint32(4, true);
  if (jsonLength > size - 8) throw malformed(`its JSON says it is ${jsonLength} bytes, but only ${size - 8} follow the header`);
  let frame;
  try {
    frame = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(buffer, 8, jsonLength)));
  } catch (error) {
    throw malformed(`its ${jsonLength} bytes of JSON do not parse (${error.message})`);
  }
  if (!frame || !Array.isArray(frame.sizes) || !Array.isArray(frame.classNames)) throw malformed("its JSON has no sizes or classNames");
  const counts = Math.ceil((8 + jsonLength) / 4) * 4;
  if (new Uint8Array(buffer, 8 + jsonLength, Math.min(counts, size) - 8 - jsonLength).some((byte) => byte !== 0)) {
    throw malformed("the padding after its JSON is not zero");
  }
  if (counts + 24 > size) throw malformed(`it ends at byte ${size}, before its six counts at ${counts}`);
  const [width, height, maps, classes, weightCount, points] = [0, 1, 2, 3, 4, 5].map((i) => view.getUint32(counts + 4 * i, true));
  const sizes = frame.sizes, hidden = sizes.slice(1, -1).reduce((a, b) => a + b, 0);
  const layerWeights = sizes.slice(1).map((n, i) => n * sizes[i]);
  if (maps !== hidden) throw malformed(`it holds ${maps} neuron maps, but its network ${sizes.join("-")} has ${hidden} hidden neurons`);
  if (classes !== frame.classNames.length) throw malformed(`it holds ${classes} classes, but its JSON names ${frame.classNames.length}`);
  if (weightCount !== layerWeights.reduce((a, b) => a + b, 0)) throw malformed(`it holds ${weightCount} weights, not the ${sizes.join("-")} network's`);
  if (!frame.area || frame.area.columns !== width || frame.area.rows !== height) throw malformed(`its map is ${width}x${height}, not its JSON's area`);
  if ((points > 0) !== Boolean(frame.includesPoints)) throw malformed(`it holds ${points} points, but its JSON says includesPoints ${frame.includesPoints}`);
  const cells = width * height, floats = counts + 24;
  const bytes = floats + 4 * (2 * maps + weightCount + 2 * points);
  const expected = bytes + cells * (2 + maps) + 2 * points;
  if (size !== expected) throw malformed(`a ${width}x${height} map, ${maps} neuron maps, ${weightCount} weights and ${points} points make ${expected} bytes, but it has ${size}`);
  const ranges = new Float32Array(buffer, floats, 2 * maps);
  const allWeights = new Float32Array(buffer, floats + 8 * maps, weightCount);
  const xy = new Float32Array(buffer, floats + 8 * maps + 4 * weightCount, 2 * points);
  frame.map = { width, height, classes: new Uint8Array(buffer, bytes, cells), confidence: new Uint8Array(buffer, bytes + cells, cells) };
  if (frame.map.classes.some((c) => c >= classes)) throw malformed(`a cell's class is ${classes} or more`);
  const neuronValues = bytes + 2 * cells;
  frame.neurons = Array.from({ length: maps }, (_, i) => ({
    low: ranges[2 * i], high: ranges[2 * i + 1], values: new Uint8Array(buffer, neuronValues + i * cells, cells),
  }));
  let offset = 0;
  frame.weights = layerWeights.map((count) => allWeights.subarray(offset, (offset += count)));
  const labels = new Uint8Array(buffer, neuronValues + maps * cells, points), splits = new Uint8Array(buffer, neuronValues + maps * cells + points, points);
  if (labels.some((c) => c >= classes) || splits.some((s) => s > 1)) throw malformed("a point's class or split is out of range");
  frame.points = points ? { x: xy.filter((_, i) => i % 2 === 0), y: xy.filter((_, i) => i % 2 === 1), label: labels, split: splits } : null;
  return frame;
}
