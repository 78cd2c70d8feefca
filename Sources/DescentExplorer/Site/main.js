// Descent explorer: seven pages over the API under /api, as ES modules with nothing from another host
// and nothing shared through `window`. This module only starts them; index.html is the markup.
//
//   pages     lesson.js (and lesson-*.js, its chapters), draw.js (and draw-*.js, its panels),
//             weights.js, mistakes.js, train.js, descent.js, playground.js (and playground-figures.js), class.js (and class-pace.js, the
//             teacher leading every page of a shared server)
//   shared    api.js (requests, the token, errors, binary answers), events.js (following an event
//             stream), pad.js (the drawing pad, 28x28 digits), figures.js (colour maps, charts, text
//             alternatives), network-figure.js, model.js (the served model), nav.js (the pages), dom.js
import { setUpClass } from "./class.js";
import { setUpClassPace } from "./class-pace.js";
import { setUpErrors } from "./dom.js";
import { loadDescent } from "./descent.js";
import { setUpDrawing } from "./draw.js";
import { setUpComparison } from "./draw-compare.js";
import { setUpMyDigits } from "./draw-digits.js";
import { setUpLearning } from "./draw-learn.js";
import { setUpLesson } from "./lesson.js";
import { loadMistakes } from "./mistakes.js";
import { startNavigation } from "./nav.js";
import { loadPlayground, setUpPlayground } from "./playground.js";
import { setUpTraining } from "./train.js";
import { loadWeights } from "./weights.js";

setUpErrors();
setUpLesson();
setUpLearning();
setUpComparison();
setUpMyDigits();
setUpDrawing();
setUpTraining();
setUpClass();
setUpPlayground();
// Each page and its loader, run when the page is first shown with a model; the Lesson is the first.
startNavigation({ lesson: null, draw: null, weights: loadWeights, mistakes: loadMistakes, train: null, descent: loadDescent, playground: loadPlayground, class: null });
setUpClassPace();
