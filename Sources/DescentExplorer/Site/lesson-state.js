// The Lesson's state, shared by its chapters' modules: the reader's example, the page's copy of the
// network, and each chapter's figure.

export const lesson = {
  chapter: 1,
  chapters: [],
  // The reader's example, as the API takes it ({pixels} or {drawing}), its label and what the served model read.
  example: null, label: null, prediction: null, gradient: null,
  // The page's copy of the network: made by the first step or training, kept for this tab.
  session: sessionStorage.getItem("descent-lesson-copy"),
  stepCosts: [], training: null, polling: null,
  learned: "served", probeSeed: 0,
  valley: null, valleyStart: 1.5, valleyPath: [], valleyShown: 0, valleyTimer: null,
  surface: null, surfaceStart: { x: 1.6, y: 1.2 }, surfacePath: [],
  memorize: { lines: [], done: null, running: false },
  minima: { runs: [], done: null, running: false },
  // Each chapter's figure loaded, as "chapter@model version".
  loaded: new Set(),
  // Counts examples and chapter 7's requests: a reply for an older one is dropped.
  generation: 0, learnedRequest: 0,
};

/** The learning rate of chapter 6's steps. */
export const LESSON_STEP_RATE = 1;

/** Keeps the page's copy's id for this tab (null: the server forgot it, or there is none). */
export function keepSession(id) {
  lesson.session = id;
  if (id) sessionStorage.setItem("descent-lesson-copy", id); else sessionStorage.removeItem("descent-lesson-copy");
}
