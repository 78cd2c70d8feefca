// The Lesson page, the video's argument in ten chapters (#lesson/1 ... #lesson/10), one a screen. Every
// figure is computed by the server's library, on the served model or on this page's own copy; the
// chapters' modules only ask and draw: lesson-example.js (1-3), lesson-downhill.js (4),
// lesson-learning.js (5-7) and lesson-limits.js (8-10). This module moves between them, and loads each
// chapter's figure once per model. `?present` is the presenter view: large type, one chapter, the arrow
// keys to move.
import { $, showError } from "./dom.js";
import { loadSurface, loadValley, setUpDownhill } from "./lesson-downhill.js";
import { drawLessonNetwork, loadCosts, refreshLessonGradient, setUpExample, showCostTerms } from "./lesson-example.js";
import { setUpLearningChapters, showLearned, showNudges } from "./lesson-learning.js";
import { setUpLimits } from "./lesson-limits.js";
import { lesson } from "./lesson-state.js";
import { served } from "./model.js";

export function setUpLesson() {
  lesson.chapters = [...document.querySelectorAll("#page-lesson .chapter")];
  lesson.chapters.forEach((article, index) => { article.hidden = index > 0; });
  const toc = $("lesson-toc");
  lesson.chapters.forEach((article, index) => {
    const item = document.createElement("li");
    const link = Object.assign(document.createElement("a"), { href: `#lesson/${index + 1}`, textContent: `${index + 1}. ${article.dataset.title}` });
    item.append(link);
    toc.append(item);
  });
  $("lesson-prev").addEventListener("click", () => moveChapter(-1));
  $("lesson-next").addEventListener("click", () => moveChapter(1));
  if (new URLSearchParams(location.search).has("present")) document.body.classList.add("present");
  document.addEventListener("keydown", (event) => {
    if (!$("page-lesson").classList.contains("active")) return;
    const target = event.target;
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) return;
    // Keys a control uses itself: Space presses a button, the arrows move a ball.
    if (target.closest && target.closest("input, select, textarea, button, a, [role=button], canvas[tabindex]")) return;
    const present = document.body.classList.contains("present");
    if (event.key === "PageDown" || (present && (event.key === "ArrowRight" || event.key === " "))) { event.preventDefault(); moveChapter(1); }
    if (event.key === "PageUp" || (present && event.key === "ArrowLeft")) { event.preventDefault(); moveChapter(-1); }
  });
  document.addEventListener("page", (event) => { if (event.detail.page === "lesson") showChapter(Number(event.detail.detail) || lesson.chapter); });
  document.addEventListener("model", () => { lesson.loaded.clear(); if ($("page-lesson").classList.contains("active")) showChapter(lesson.chapter); });

  setUpExample();
  setUpDownhill();
  setUpLearningChapters();
  setUpLimits();
}

function moveChapter(delta) {
  const next = Math.min(lesson.chapters.length, Math.max(1, lesson.chapter + delta));
  location.hash = `#lesson/${next}`;
}

/** Shows chapter `number` alone, marks it in the list, and loads its figure once per model. */
function showChapter(number) {
  const chapter = Math.min(lesson.chapters.length, Math.max(1, number));
  lesson.chapter = chapter;
  lesson.chapters.forEach((article, index) => { article.hidden = index + 1 !== chapter; });
  document.querySelectorAll("#lesson-toc a").forEach((link, index) => {
    if (index + 1 === chapter) link.setAttribute("aria-current", "step"); else link.removeAttribute("aria-current");
  });
  $("lesson-prev").disabled = chapter === 1;
  $("lesson-next").disabled = chapter === lesson.chapters.length;
  const load = chapterLoaders[chapter];
  const key = `${chapter}@${served.version}`;
  if (load && !lesson.loaded.has(key)) {
    lesson.loaded.add(key);
    load().then(() => showError(null, "lesson"), (error) => {
      lesson.loaded.delete(key);
      showError(`Chapter ${chapter} could not load: ${error.message}`, "lesson");
    });
  }
}

const chapterLoaders = {
  1: async () => {
    drawLessonNetwork();
    if (served.weights.length) document.body.dataset.lessonReady = String(Math.round(performance.now()));
  },
  2: async () => showCostTerms(),
  3: loadCosts,
  4: async () => { await loadValley(); await loadSurface(); },
  5: async () => { if (lesson.example && lesson.label != null && !lesson.gradient) await refreshLessonGradient(); showNudges(); },
  7: () => showLearned(lesson.learned),
};
