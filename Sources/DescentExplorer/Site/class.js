// The Class page (#class): everyone adds digits in their own handwriting, with their labels, to the
// class set (POST /api/class/digits) and sees it as a grid, with what the served network reads in
// each and the class's accuracy and confusion matrix beside the test set's, live on `classSet`
// events. The teacher's page (class-pace.js knows whose it is) also shows the class at a glance
// (GET /api/class): the students by number, their chapters and digits, and fine-tunes a copy of the
// network on the class set, adopts it for everyone, clears the set or exports it as a zip. No names:
// a student is a number.
import { api, binary, postJSON } from "./api.js";
import { classroom } from "./class-pace.js";
import { $, labelButtons, pressLabel, showError } from "./dom.js";
import { confusionTable, digitFigure } from "./figures.js";
import { reloadModel } from "./nav.js";
import { served } from "./model.js";
import { attachPad, clearPad, showOnPad } from "./pad.js";

const page = { example: null, label: null, timer: null, dashboardTimer: null, loading: null, job: null };
const percent = (value, digits = 1) => (value == null ? "–" : `${(100 * value).toFixed(digits)}%`);

export function setUpClass() {
  const pad = $("class-pad");
  clearPad(pad);
  attachPad(pad, { start: () => {}, move: () => {}, end: () => setExample({ drawing: pad.toDataURL("image/png") }, "your drawing") });
  $("class-clear").addEventListener("click", () => { clearPad(pad); setExample(null, ""); });
  $("class-random").addEventListener("click", useTestImage);
  labelButtons($("class-labels"), "class-label", (digit) => { page.label = digit; pressLabel($("class-labels"), "class-label", digit); showReady(); });
  $("class-add").addEventListener("click", addDigit);
  $("class-fine-tune").addEventListener("click", fineTune);
  $("class-adopt").addEventListener("click", adopt);
  $("class-clear-set").addEventListener("click", clearSet);
  $("class-export").addEventListener("click", exportZip);
  document.addEventListener("class", (event) => classEvent(event.detail));
  document.addEventListener("page", (event) => {
    clearInterval(page.dashboardTimer);
    if (event.detail.page !== "class") return;
    loadClassSet();
    if (classroom.role === "teacher") {
      loadDashboard();
      page.dashboardTimer = setInterval(loadDashboard, 2000);  // where the students are, as they move
    }
  });
  showReady();
}

function active() { return $("page-class").classList.contains("active"); }

function classEvent({ type, data }) {
  if (type === "classSet" && active()) {
    // Many students add at once: one refresh for a burst.
    clearTimeout(page.timer);
    page.timer = setTimeout(loadClassSet, 250);
  }
  if (type === "fineTune") showFineTuneEnd(data);
  if (type === "pace" && active()) loadClassSet();  // an adopted model reads the set anew
}

// MARK: - Adding a digit

function setExample(example, what) {
  page.example = example;
  $("class-add-status").textContent = example ? `Now press the digit ${what} shows, then "Add to the class set".` : "";
  showReady();
}

function showReady() {
  $("class-add").disabled = !(page.example && page.label != null) || document.body.classList.contains("class-paused");
}

async function useTestImage() {
  const index = Math.floor(Math.random() * 10000);
  try {
    const image = await api(`/api/test/${index}`);
    showOnPad($("class-pad"), image.bytes);
    setExample({ pixels: image.bytes.map((value) => value / 255) }, `test image ${index}`);
    $("class-add-status").dataset.label = image.label;
    $("class-add-status").textContent = `Test image ${index}, labelled ${image.label}: press ${image.label}, then "Add to the class set".`;
  } catch (error) {
    showError(`Could not load test image ${index}: ${error.message}`, "class");
  }
}

async function addDigit() {
  const status = $("class-add-status");
  try {
    const added = await postJSON("/api/class/digits", { ...page.example, label: page.label });
    status.textContent = `Added a ${added.label}: the class set holds ${added.count} digits.`;
    status.dataset.added = String(Number(status.dataset.added || 0) + 1);
    clearPad($("class-pad"));
    page.example = null;
    page.label = null;
    pressLabel($("class-labels"), "class-label", null);
    showReady();
  } catch (error) {
    status.textContent = error.status === 423 ? `Not added: ${error.message}.` : error.status === 429 ? `Not added: ${error.message}` : `Could not add the digit: ${error.message}`;
  }
}

// MARK: - The class set

/** The class set (GET /api/class/digits and its pixels, in the same order) as a grid, and the two
 *  confusion matrices with their numbers in words. */
async function loadClassSet() {
  if (page.loading) return page.loading.then(() => loadClassSet());
  page.loading = (async () => {
    try {
      const [summary, pixels] = await Promise.all([api("/api/class/digits"), binary("/api/class/digits/pixels")]);
      showClassSet(summary, pixels);
      showError(null, "class");
      if (summary.modelVersion !== served.version) await reloadModel();
    } catch (error) {
      showError(`The class set could not load: ${error.message}`, "class");
    }
  })();
  await page.loading;
  page.loading = null;
}

function showClassSet(summary, buffer) {
  const count = Math.min(summary.count, new DataView(buffer).getUint32(0, true));
  const bytes = new Uint8Array(buffer, 4);
  const figures = summary.digits.slice(0, count).map((digit, index) => {
    const wrong = digit.predicted !== digit.label;
    const figure = digitFigure(bytes.subarray(784 * index, 784 * (index + 1)), wrong ? `${digit.label} → ${digit.predicted}` : `${digit.label}`);
    figure.dataset.label = digit.label;
    figure.dataset.predicted = digit.predicted;
    figure.setAttribute("role", "listitem");
    figure.querySelector("canvas").setAttribute("role", "img");
    figure.querySelector("canvas").setAttribute("aria-label", `a ${digit.label}, read as ${digit.predicted}${wrong ? ": a mistake" : ""}`);
    if (wrong) figure.querySelector("figcaption").className = "wrong";
    return figure;
  });
  $("class-grid").replaceChildren(...figures);
  $("class-grid").dataset.count = summary.count;
  const right = summary.digits.filter((digit) => digit.predicted === digit.label).length;
  $("class-count").textContent = `(${summary.count} of at most ${summary.maximum}, ${summary.perStudent} a student)`;
  $("class-grid-text").textContent = summary.count === 0 ? "The class set is empty: draw a digit, press its label and add it."
    : `${summary.count} digits; the served network reads ${right} right and ${summary.count - right} wrong (marked red, with what it read).`;
  const testRight = summary.testConfusion.reduce((sum, row, i) => sum + row[i], 0);
  const testCount = summary.testConfusion.flat().reduce((a, b) => a + b, 0);
  const accuracy = $("class-accuracy");
  Object.assign(accuracy.dataset, { accuracy: summary.accuracy ?? "", testAccuracy: summary.testAccuracy });
  accuracy.textContent = (summary.count ? `Our handwriting: the network reads ${right} of ${summary.count} right (${percent(summary.accuracy)}). `
    : "Our handwriting: no digits yet. ") + `MNIST's test set: ${testRight} of ${testCount} (${percent(summary.testAccuracy, 2)}).`;
  confusionTable($("class-confusion"), summary.confusion, "class digits");
  confusionTable($("class-test-confusion"), summary.testConfusion, "test images");
  $("class-confusion-text").textContent = confusionWords(summary.confusion, "class digits");
  $("class-test-confusion-text").textContent = confusionWords(summary.testConfusion, "test images");
}

/** A confusion matrix in words: how many on the diagonal, and its three largest mistakes. */
function confusionWords(matrix, what) {
  const total = matrix.flat().reduce((a, b) => a + b, 0);
  if (total === 0) return `No ${what} yet.`;
  const right = matrix.reduce((sum, row, i) => sum + row[i], 0);
  const mistakes = matrix.flatMap((row, actual) => row.map((count, predicted) => ({ actual, predicted, count })))
    .filter((cell) => cell.actual !== cell.predicted && cell.count > 0).sort((a, b) => b.count - a.count).slice(0, 3);
  return `${right} of ${total} ${what} read right.` + (mistakes.length
    ? ` Most common mistakes: ${mistakes.map((m) => `${m.actual} read as ${m.predicted} (${m.count})`).join(", ")}.` : " No mistakes.");
}

// MARK: - The teacher's dashboard

async function loadDashboard() {
  let board;
  try {
    board = await api("/api/class", { withToken: true });
  } catch (error) {
    if (error.status === 403) { $("class-teacher").hidden = true; clearInterval(page.dashboardTimer); }
    return;
  }
  $("class-teacher").hidden = false;
  // The pages that reported a chapter or gave a digit: the students (the teacher's own pages have a number too).
  const students = board.students.filter((student) => student.chapter != null || student.digits > 0);
  Object.assign($("class-dashboard").dataset, { connected: board.connectedPages, count: board.classSetCount, digits: students.map((s) => s.digits).join(",") });
  $("class-dashboard").textContent = `${board.connectedPages} pages connected; ${students.length} students; the class is on chapter ${board.pace.chapter}` +
    `${board.pace.paused ? " (paused)" : ""}; the class set holds ${board.classSetCount} digits, kept ${board.folder ? "in the class folder" : "in memory only"}.`;
  const table = $("class-students");
  table.replaceChildren();
  const head = table.insertRow();
  for (const title of ["student", "chapter", "connected", "digits given"]) head.append(Object.assign(document.createElement("th"), { textContent: title, scope: "col" }));
  for (const student of students) {
    const row = table.insertRow();
    for (const value of [student.student, student.chapter ?? "–", student.connected ? "yes" : "no", student.digits]) row.insertCell().textContent = value;
  }
  $("class-fine-tune").disabled = board.classSetCount < 10 || page.job != null;
  $("class-fine-tune").title = board.classSetCount < 10 ? "needs at least 10 digits" : "";
}

async function fineTune() {
  const status = $("class-fine-tune-status");
  delete status.dataset.state;
  $("class-fine-tune").disabled = true;
  try {
    const job = await postJSON("/api/class/fine-tune", { epochs: 1 });
    page.job = job.id;
    const before = job.fineTune.before;
    status.textContent = `Fine-tuning a copy of the network on the class set… before: held-out class digits ${percent(before.myDigits)}, ` +
      `MNIST test set ${percent(before.test, 2)}.`;
    followFineTune(job.id);
  } catch (error) {
    status.textContent = `Could not fine-tune: ${error.message}`;
    $("class-fine-tune").disabled = false;
  }
}

/** The teacher's page follows its job (GET /api/train?id=N) for its progress; every page hears how it
 *  ended from the `fineTune` event. */
function followFineTune(id) {
  const poll = async () => {
    try {
      const current = await api(`/api/train?id=${id}`);
      if (current.state === "queued" || current.state === "running") {
        const total = current.trainingCount / current.batchSize;
        $("class-fine-tune-progress").value = current.state === "queued" ? 0 : Math.min(1, (current.reports.length + current.done / total) / current.epochs);
        setTimeout(poll, 500);
      } else {
        showFineTuneEnd({ job: id, state: current.state, figures: current.fineTune, message: current.message || "" });
      }
    } catch (error) {
      $("class-fine-tune-status").textContent = `Lost the fine-tuning: ${error.message}`;
      page.job = null;
    }
  };
  poll();
}

function showFineTuneEnd({ job, state, figures, message }) {
  const status = $("class-fine-tune-status");
  if (status.dataset.job === String(job) && status.dataset.state) return;  // told already (event and poll)
  status.dataset.job = job;
  status.dataset.state = state;
  if (job === page.job) page.job = null;
  $("class-fine-tune").disabled = page.job != null;
  if (state === "finished" && figures && figures.after) {
    const { before, after } = figures;
    status.textContent = `Fine-tuned on the class set. Held-out class digits (${after.myDigitsCount ?? before.myDigitsCount}): ${percent(before.myDigits)} → ${percent(after.myDigits)}. ` +
      `MNIST test set: ${percent(before.test, 2)} → ${percent(after.test, 2)}.` + (classroom.role === "teacher" ? "" : " The teacher chooses whether everyone's network takes it.");
    Object.assign(status.dataset, { before: before.myDigits, after: after.myDigits, testBefore: before.test, testAfter: after.test });
    $("class-fine-tune-progress").value = 1;
    $("class-adopt").disabled = false;
  } else {
    status.textContent = `The fine-tuning on the class set ${state}${message ? `: ${message}` : ""}.`;
  }
  $("class-fine-tune-panel").hidden = false;
}

async function adopt() {
  try {
    const answer = await postJSON("/api/class/adopt", {});
    $("class-fine-tune-status").textContent += ` Everyone now uses it (model version ${answer.version}).`;
    $("class-adopt").disabled = true;
    await reloadModel();
  } catch (error) {
    showError(`Could not use the fine-tuned model: ${error.message}`, "class");
  }
}

async function clearSet() {
  if (!window.confirm("Clear the class set? Every digit the class gave is deleted, from memory and from the class folder.")) return;
  try {
    const answer = await api("/api/class/digits", { method: "DELETE" });
    $("class-add-status").textContent = `Cleared: ${answer.deleted} digits deleted.`;
    await Promise.all([loadClassSet(), loadDashboard()]);
  } catch (error) {
    showError(`Could not clear the class set: ${error.message}`, "class");
  }
}

/** The class set as a zip (GET /api/class/export.zip asks for the teacher's token, which a link cannot carry). */
async function exportZip() {
  try {
    const zip = await binary("/api/class/export.zip", { withToken: true });
    const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(new Blob([zip], { type: "application/zip" })), download: "class-digits.zip" });
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  } catch (error) {
    showError(`Could not export the class set: ${error.message}`, "class");
  }
}
