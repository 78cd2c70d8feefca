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

/** fetch(path, options) with the token added to a change; a network failure becomes an Error with status 0. */
async function send(path, options = {}) {
  const method = (options.method || "GET").toUpperCase();
  const headers = { ...(options.headers || {}) };
  if (token && method !== "GET" && method !== "HEAD") headers["X-Descent-Token"] = token;
  try {
    return await fetch(path, { ...options, headers });
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

/** Rows first..<first+count of a weight layer (the weights into those neurons), as
 *  {rows, columns, version, weights: Float32Array}; `session`: a student's copy instead of the served model. */
export async function weightRows(layer, first, count, session = null) {
  const query = `first=${first}&count=${count}` + (session ? `&session=${encodeURIComponent(session)}` : "");
  const response = await send(`/api/weights/${layer}/rows?${query}`);
  if (!response.ok) throw await failure(response);
  // Four little-endian UInt32 (rows, columns, first, the model's version), then the Float32 weights.
  const body = await response.arrayBuffer(), shape = new DataView(body);
  const [rows, columns, version] = [shape.getUint32(0, true), shape.getUint32(4, true), shape.getUint32(12, true)];
  return { rows, columns, version, weights: new Float32Array(body, 16, rows * columns) };
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
