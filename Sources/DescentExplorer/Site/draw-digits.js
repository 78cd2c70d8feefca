// Descent explorer: "My digits" on the Draw page. The drawing is added, with the label chosen, to the
// digits the server keeps (POST /api/my-digits); the gallery lists them with what the model reads
// (GET /api/my-digits) and deletes them (DELETE /api/my-digits/<id>); "Fine-tune on my digits" starts a
// short training on MNIST with them mixed in (POST /api/fine-tune) and follows it through the training
// events, ending with the accuracy on your digits and on the test set before and after.
import { api, postJSON } from "./api.js";
import { $ } from "./dom.js";
import { clearDrawing, drawing, showPrediction } from "./draw.js";
import { reloadModel } from "./nav.js";

const myDigits = { timer: null, available: true };

export function setUpMyDigits() {
  const select = $("my-digit-label");
  select.replaceChildren(...Array.from({ length: 10 }, (_, digit) => Object.assign(document.createElement("option"), { value: digit, textContent: digit })));
  $("my-digit-add").addEventListener("click", addMyDigit);
  $("fine-tune").addEventListener("click", startFineTune);
  loadMyDigits();
}

/** Sends the canvas as a PNG with the chosen label, then clears it for the next digit. */
function addMyDigit() {
  const label = $("my-digit-label").value;
  drawing.canvas.toBlob(async (blob) => {
    try {
      const digit = await api(`/api/my-digits?label=${label}`, { method: "POST", headers: { "Content-Type": "image/png" }, body: blob });
      $("my-digits-status").textContent = `Added a ${digit.label} to your digits.`;
      clearDrawing();
      showPrediction(null);
      await loadMyDigits();
    } catch (error) {
      $("my-digits-status").textContent = error.message;
    }
  }, "image/png");
}

async function loadMyDigits() {
  let summary;
  try {
    summary = await api("/api/my-digits");
  } catch (error) {
    if (error.status === 404) { myDigits.available = false; $("my-digits-panel").hidden = true; return; }
    $("my-digits-status").textContent = error.message;
    return;
  }
  const accuracy = $("my-digits-accuracy");
  accuracy.dataset.count = summary.count;
  accuracy.dataset.correct = summary.correct;
  accuracy.textContent = summary.count === 0
    ? `No digits yet (up to ${summary.limit}): draw one, choose its label and add it.`
    : `The model in use reads ${summary.correct} of your ${summary.count} digits right (${(100 * summary.accuracy).toFixed(1)}%).`;
  $("my-digits-gallery").replaceChildren(...summary.digits.map(myDigitFigure));
  $("fine-tune").disabled = summary.count === 0;
}

function myDigitFigure(digit) {
  const figure = document.createElement("figure");
  figure.dataset.id = digit.id;
  const image = Object.assign(document.createElement("img"), { src: `/api/my-digits/${digit.id}.png`, alt: `your ${digit.label}`, width: 56, height: 56 });
  const wrong = digit.predicted != null && digit.predicted !== digit.label;
  const caption = Object.assign(document.createElement("figcaption"), {
    textContent: digit.predicted == null ? `${digit.label}` : `${digit.label} → ${digit.predicted}`,
  });
  if (wrong) caption.className = "wrong";
  const remove = Object.assign(document.createElement("button"), { textContent: "×", title: "delete this digit", className: "delete" });
  remove.addEventListener("click", async () => {
    try {
      await api(`/api/my-digits/${digit.id}`, { method: "DELETE" });
      await loadMyDigits();
    } catch (error) {
      $("my-digits-status").textContent = error.message;
    }
  });
  figure.append(image, caption, remove);
  return figure;
}

async function startFineTune() {
  const status = $("fine-tune-status");
  delete status.dataset.state;
  try {
    // In a classroom the fine-tuning changes this page's own copy (the Learn panel's), never the class's model.
    const copy = sessionStorage.getItem("descent-copy");
    const job = await postJSON("/api/fine-tune", copy ? { epochs: 1, session: copy } : { epochs: 1 });
    if (job.session) sessionStorage.setItem("descent-copy", job.session);
    const before = job.fineTune.before;
    status.textContent = (job.state === "queued" ? `Waiting for other trainings (${job.message}); then fine-tuning on` : "Fine-tuning on") +
      ` ${job.trainingCount} images (your ${before.myDigitsCount} digits ${job.fineTune.repeats} times each)… ` +
      `before: your digits ${percent(before.myDigits, 1)}, test set ${percent(before.test, 2)}.`;
    followFineTune(job);
  } catch (error) {
    status.textContent = error.message;
  }
}

function percent(value, digits) { return `${(100 * value).toFixed(digits)}%`; }

/** Follows job `job.id` (GET /api/train?id=N, twice a second) until it ends: queued behind others
 *  in a classroom, then running, then finished, cancelled or failed. */
function followFineTune(job) {
  clearTimeout(myDigits.timer);
  const poll = async () => {
    let current;
    try {
      current = await api(`/api/train?id=${job.id}`);
    } catch (error) {
      $("fine-tune-status").textContent = `Lost the fine-tuning: ${error.message}`;
      return;
    }
    if (current.state === "queued" || current.state === "running") {
      const total = current.trainingCount / current.batchSize;
      $("fine-tune-progress").value = current.state === "queued" ? 0 : Math.min(1, (current.reports.length + current.done / total) / current.epochs);
      myDigits.timer = setTimeout(poll, 500);
      return;
    }
    await fineTuneEnded(current, job);
  };
  poll();
}

async function fineTuneEnded(data, job) {
  const end = data.state;
  const status = $("fine-tune-status");
  status.textContent = data.message;
  if (data.fineTune && data.fineTune.after) {
    const { before, after } = data.fineTune;
    status.textContent = `Your digits: ${percent(before.myDigits, 1)} → ${percent(after.myDigits, 1)}. ` +
      `Test set: ${percent(before.test, 2)} → ${percent(after.test, 2)}. ` +
      (job.session ? "The Draw page now shows your own fine-tuned copy; the class's model is unchanged." : "The Draw page now uses the fine-tuned model.");
    Object.assign(status.dataset, { before: before.myDigits, after: after.myDigits, testBefore: before.test, testAfter: after.test });
    $("fine-tune-progress").value = 1;
  }
  status.dataset.state = end;
  if (end === "finished") await reloadModel();
  await loadMyDigits();
}

