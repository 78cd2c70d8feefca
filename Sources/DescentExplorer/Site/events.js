// Following a server's event stream (Server-Sent Events, GET with Accept: text/event-stream): the Train
// page's training, and any page that watches something the server does.

/** Follows the event stream at `url`, calling `onMessage(type, data)` with each event's type ("message"
 *  for unnamed ones, else each name in `events`) and its data parsed as JSON. EventSource reconnects by
 *  itself after a dropped connection; when it gives up (the server refused the stream, or was gone),
 *  this opens it again after 1 s, then 2, 4 ... up to 30 s. `onConnection("open")` and
 *  `onConnection("reconnecting")` say which, for a page that shows it.
 *  @returns {{close: () => void}} stops following: no more messages, no more reconnecting. */
export function follow(url, onMessage, { events = [], onConnection = () => {} } = {}) {
  let source = null, timer = null, closed = false, delay = 1000;
  const open = () => {
    source = new EventSource(url);
    source.onopen = () => { delay = 1000; onConnection("open"); };
    source.onerror = () => {
      if (closed) return;
      onConnection("reconnecting");
      if (source.readyState !== EventSource.CLOSED) return;  // EventSource retries by itself
      timer = setTimeout(open, delay);
      delay = Math.min(30_000, 2 * delay);
    };
    for (const type of ["message", ...events]) {
      source.addEventListener(type, (event) => { if (!closed) onMessage(type, JSON.parse(event.data)); });
    }
  };
  open();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      source.close();
    },
  };
}
