// The class's pace: on a shared server the teacher leads the Lesson and every student's page follows.
// This module finds out whose page this is (GET /api/class answers the teacher's token only), follows
// /api/class/events for the whole page (other modules listen to the "class" DOM event it dispatches,
// {type, data}), and:
//   - a student's page moves to #lesson/N on each `pace`, unless the student wandered off (is not on
//     the class's chapter), then shows "Back to the class (chapter N)"; it reports its chapter
//     (POST /api/class/presence) on load and on every chapter change; while the class is paused its
//     pads and buttons are locked, with the teacher's message saying why;
//   - the teacher's presenter view (?present) POSTs /api/class/pace on every chapter change, and the
//     teacher's class bar pauses and resumes the class with a message.
import { api, postJSON } from "./api.js";
import { $, showError } from "./dom.js";
import { follow } from "./events.js";
import { lesson } from "./lesson-state.js";

/** The class as this page knows it: `role` ("teacher", "student", or null before it is known) and the
 *  latest `pace` ({chapter, paused, message}). */
export const classroom = { role: null, pace: null, following: true, reported: null, events: null };

const present = () => document.body.classList.contains("present");
const LOCKED = "#page-lesson button, #page-lesson input, #page-lesson select, #page-class button";
const PADS = "#page-lesson canvas.pad, #page-lesson canvas[tabindex], #page-class canvas.pad";

export async function setUpClassPace() {
  const hash = location.hash;
  classroom.following = hash === "" || hash.startsWith("#lesson");
  $("class-back").addEventListener("click", () => {
    classroom.following = true;
    goToClass();
  });
  $("class-pause").addEventListener("click", () => {
    const paused = !(classroom.pace && classroom.pace.paused);
    postJSON("/api/class/pace", { paused, message: $("class-message").value.trim() })
      .then(showPace, (error) => showError(`Could not ${paused ? "pause" : "resume"} the class: ${error.message}`, "class"));
  });
  // While paused, a student's locked page takes no pointer or key on its pads.
  for (const type of ["pointerdown", "click", "keydown"]) {
    document.addEventListener(type, (event) => {
      if (locked() && event.target.closest && event.target.closest(PADS)) { event.preventDefault(); event.stopPropagation(); }
    }, true);
  }
  document.addEventListener("page", (event) => pageShown(event.detail));
  try {
    await api("/api/class", { withToken: true });
    classroom.role = "teacher";
  } catch (error) {
    if (error.status !== 403) return;  // An older server, or none: no class.
    classroom.role = "student";
    await report(chapterShown() || 1);
  }
  document.body.dataset.classRole = classroom.role;
  if (classroom.role === "student") {
    listen(true);
  } else {
    // The teacher's pages (and a personal server's, whose one page is the teacher's) hold no stream
    // open but on the Class page: the presenter view leads, it does not follow.
    api("/api/class/pace").then(showPace, () => {});
    listen(location.hash.startsWith("#class"));
    document.addEventListener("page", (event) => listen(event.detail.page === "class"));
  }
}

/** Follows /api/class/events (or stops): each event as the "class" DOM event, a pace shown. */
function listen(on) {
  if (on && !classroom.events) {
    classroom.events = follow("/api/class/events", (type, data) => {
      if (type === "pace") showPace(data);
      document.dispatchEvent(new CustomEvent("class", { detail: { type, data } }));
    }, { events: ["pace", "classSet", "fineTune"] });
  } else if (!on && classroom.events) {
    classroom.events.close();
    classroom.events = null;
  }
}

/** The Lesson chapter the address shows, or null on another page. */
function chapterShown() {
  const [name, detail] = location.hash.slice(1).split("/");
  if (name !== "lesson" && name !== "") return null;
  return Number(detail) || lesson.chapter;
}

function locked() { return classroom.role === "student" && classroom.pace != null && classroom.pace.paused; }

function goToClass() {
  const target = `#lesson/${classroom.pace.chapter}`;
  if (location.hash !== target) location.hash = target;
  showBar();
}

function showPace(pace) {
  const first = classroom.pace == null;
  classroom.pace = pace;
  if (classroom.role === "student") {
    if (classroom.following) goToClass();
    lock(pace.paused);
  } else if (classroom.role === "teacher" && first && present() && !/^#lesson\/\d+/.test(location.hash)) {
    location.hash = `#lesson/${pace.chapter}`;
  }
  showBar();
}

/** After a page or chapter is shown: a student reports it (and is following again on the class's
 *  chapter, wandered off elsewhere); the teacher's presenter view leads the class there. */
function pageShown({ page, detail }) {
  const chapter = page === "lesson" ? Number(detail) || lesson.chapter : null;
  if (classroom.role === "student") {
    if (classroom.pace) classroom.following = chapter === classroom.pace.chapter;
    if (chapter != null) report(chapter);
    lock(locked());  // showing a chapter sets its buttons again
  } else if (classroom.role === "teacher" && present() && chapter != null && classroom.pace && chapter !== classroom.pace.chapter) {
    classroom.pace = { ...classroom.pace, chapter };
    postJSON("/api/class/pace", { chapter }).then(showPace, (error) => showError(`Could not lead the class to chapter ${chapter}: ${error.message}`, "class"));
  }
  showBar();
}

async function report(chapter) {
  if (classroom.reported === chapter) return;
  classroom.reported = chapter;
  try {
    await postJSON("/api/class/presence", { chapter });
  } catch (error) {
    classroom.reported = null;
  }
}

/** Locks (or unlocks) a student's pads and buttons on the Lesson and Class pages while the class is paused. */
function lock(paused) {
  document.body.classList.toggle("class-paused", paused);
  let unlocked = 0;
  for (const control of document.querySelectorAll(LOCKED)) {
    if (paused && !control.disabled) {
      control.disabled = true;
      control.dataset.classLocked = "";
    } else if (!paused && "classLocked" in control.dataset) {
      control.disabled = false;
      delete control.dataset.classLocked;
      unlocked++;
    }
  }
  for (const pad of document.querySelectorAll(PADS)) {
    if (paused) pad.setAttribute("aria-disabled", "true"); else pad.removeAttribute("aria-disabled");
  }
  // Unlocked: the page sets its own buttons again (the first chapter has no "previous").
  if (unlocked && location.hash.startsWith("#lesson")) window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** The class bar: why the page is locked, where the class is, and the teacher's pause. */
function showBar() {
  const pace = classroom.pace;
  if (!pace || !classroom.role) return;
  const teacher = classroom.role === "teacher";
  const onClassPage = location.hash.startsWith("#class");
  const wandered = !teacher && !classroom.following;
  $("class-back").hidden = !wandered;
  $("class-back").textContent = `Back to the class (chapter ${pace.chapter})`;
  $("class-teach").hidden = !(teacher && (present() || onClassPage));
  $("class-pause").textContent = pace.paused ? "Resume the class" : "Pause the class";
  $("class-pause").setAttribute("aria-pressed", String(pace.paused));
  let text = "";
  if (pace.paused) {
    text = teacher ? `The class is paused${pace.message ? `: "${pace.message}"` : ""}. Students' pads and buttons are locked.`
      : `The teacher has paused the class${pace.message ? `: ${pace.message}` : ""}. Drawing and buttons are locked until the class goes on.`;
  } else if (wandered) {
    text = `The class is on chapter ${pace.chapter}.`;
  } else if (teacher && (present() || onClassPage)) {
    text = `The class is on chapter ${pace.chapter}.`;
  }
  $("class-status").textContent = text;
  $("class-bar").hidden = text === "" && !wandered && $("class-teach").hidden;
  $("class-bar").classList.toggle("paused", pace.paused);
}
