// The drawing pad: a canvas the pointer draws on in black ink, and 28x28 pictures of digits.

/** Lets the pointer draw on `canvas` (black ink, round strokes), calling `on.start`, `on.move` and
 *  `on.end` as a stroke begins, grows and ends. The Draw page and the Lesson's first chapter use it. */
export function attachPad(canvas, on) {
  const context = canvas.getContext("2d");
  let active = false;
  const point = (event) => {
    const box = canvas.getBoundingClientRect();
    return [(event.clientX - box.left) * canvas.width / box.width, (event.clientY - box.top) * canvas.height / box.height];
  };
  canvas.addEventListener("pointerdown", (event) => {
    canvas.setPointerCapture(event.pointerId);
    active = true;
    const [x, y] = point(event);
    context.beginPath();
    context.moveTo(x, y);
    context.lineTo(x + 0.1, y + 0.1);
    context.stroke();
    on.start();
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!active) return;
    const [x, y] = point(event);
    context.lineTo(x, y);
    context.stroke();
    on.move();
  });
  const end = () => {
    if (!active) return;
    active = false;
    on.end();
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
}

/** Paints `canvas` white and sets the pen: black, 20 pixels wide, round. */
export function clearPad(canvas) {
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  Object.assign(context, { strokeStyle: "#000", lineWidth: 20, lineCap: "round", lineJoin: "round" });
}

/** Paints a test image's 784 bytes (255 ink) over the whole pad, black ink on white, sharp pixels. */
export function showOnPad(canvas, bytes) {
  const small = document.createElement("canvas");
  small.width = small.height = 28;
  paintDigit(small, Array.from(bytes, (value) => 255 - value));
  const context = canvas.getContext("2d");
  context.imageSmoothingEnabled = false;
  context.drawImage(small, 0, 0, canvas.width, canvas.height);
}

/** Paints 784 bytes (0 background ... 255 ink) on a 28x28 canvas, white ink on black. */
export function paintDigit(canvas, bytes) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(28, 28);
  bytes.forEach((value, index) => {
    image.data.set([value, value, value, 255], index * 4);
  });
  context.putImageData(image, 0, 0);
}
