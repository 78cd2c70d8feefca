#!/usr/bin/env python3
"""A real browser walks the explorer's Lesson page, chapter by chapter: in each it does what the chapter's
"try this" line says and checks that the figure changed (by its text alternative, which states the
figure's numbers). It also checks the keyboard (chapters by PageDown, the ball by the arrow keys),
the presenter view (?present, arrow keys), the text alternatives of the other pages' figures, and
that at 390 px wide (a phone) no chapter is wider than the screen, and that with a model as wide as mlp99
(784-800-800-10) the Lesson page is ready in a median under a second over five loads, none over 1.5 s.

    python3 tests/browser/test_lesson.py BINARY --data MNIST_FOLDER --model FILE --wide-model FILE [--out DIR]

Screenshots of chapters 1, 6 and 9 (and the others) go to --out. Needs Debian's chromium and
chromium-driver and Python's selenium.
"""
import argparse
import os
import re
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402
from test_explorer import DIGITS, make_browser, stroke, waited  # noqa: E402


def text(browser, element_id):
    """The element's text, shown or not (Selenium's .text is empty for a hidden element)."""
    return browser.find_element(By.ID, element_id).get_attribute("textContent").strip()


def attribute(browser, element_id, name):
    return browser.find_element(By.ID, element_id).get_attribute(name) or ""


def number(pattern, value, default=None):
    found = re.search(pattern, value)
    return float(found.group(1)) if found else default


def number_text(pattern, value):
    found = re.search(pattern, value)
    return found.group(1) if found else "?"


def go(browser, chapter):
    browser.execute_script(f"location.hash = '#lesson/{chapter}'")
    waited(browser, 5, lambda b: b.find_element(By.CSS_SELECTOR, f'.chapter[data-chapter="{chapter}"]').is_displayed())


NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# What the page writes where a figure failed, rather than a figure's numbers.
FAILURE = re.compile(r"could not|stopped|failed|error|no .* yet", re.I)


def numbers(value):
    return NUMBER.findall(value)


def changed(browser, element_id, before, seconds=20):
    """Whether element `element_id`'s text (a figure's text alternative) changed from `before` within `seconds`
    to the figure's new numbers: not an error message, and not while the page's alert shows one."""
    def figure_changed(b):
        now = text(b, element_id)
        return (now != "" and numbers(now) and numbers(now) != numbers(before) and not FAILURE.search(now)
                and not b.find_element(By.ID, "error").is_displayed())
    return waited(browser, seconds, figure_changed)


def snapshot(browser, chapter, out):
    """A picture of chapter `chapter` alone, as the explorer guide shows it."""
    browser.find_element(By.CSS_SELECTOR, f'.chapter[data-chapter="{chapter}"]').screenshot(os.path.join(out, f"lesson-{chapter}.png"))


def walk(browser, base, token, out, check):
    browser.set_window_size(1280, 1500)  # a whole chapter in view, for its picture
    browser.get(f"{base}?token={token}")
    check(waited(browser, 30, lambda b: b.execute_script("return document.body.dataset.lessonReady") is not None),
          "the explorer opens on the Lesson page, and chapter 1 is ready")
    check(attribute(browser, "page-lesson", "class").find("active") >= 0, "the Lesson is the first page shown")
    current = browser.find_element(By.CSS_SELECTOR, 'header nav a[aria-current="page"]')
    check(current.get_attribute("data-page") == "lesson", "the navigation marks the current page with aria-current")
    shown = [c.get_attribute("data-chapter") for c in browser.find_elements(By.CSS_SELECTOR, ".chapter") if c.is_displayed()]
    check(shown == ["1"], f"one chapter a screen ({shown})")
    check(len(browser.find_elements(By.CSS_SELECTOR, ".chapter .try")) == 10 and len(browser.find_elements(By.CSS_SELECTOR, ".chapter .more")) == 10,
          "each of the ten chapters has a 'try this' line and a link to more")

    # 1. The network: draw a digit, and it flows through.
    before = text(browser, "lesson-network-text")
    stroke(browser, browser.find_element(By.ID, "lesson-draw"), [(x * 0.8, y * 0.8) for x, y in DIGITS[7][0]])
    check(changed(browser, "lesson-network-text", before) and "reads" in text(browser, "lesson-network-text"),
          f"chapter 1: a drawing lights the network ({text(browser, 'lesson-network-text')[:90]}…)")
    check("brighter than half" in text(browser, "lesson-input-text"), "chapter 1: the input has a text alternative with numbers")
    snapshot(browser, 1, out)
    browser.save_screenshot(os.path.join(out, "lesson-page.png"))
    before = text(browser, "lesson-example")
    browser.find_element(By.ID, "lesson-random").click()
    check(changed(browser, "lesson-example", before) and "Test image" in text(browser, "lesson-example"),
          f"chapter 1: a random test digit becomes the example ({text(browser, 'lesson-example')})")
    label = int(number(r"labelled (\d)", text(browser, "lesson-example"), -1))

    # 2. The cost of one example: right and sure is cheap, wrong is dear. PageDown moves on.
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.PAGE_DOWN)
    check(waited(browser, 5, lambda b: b.execute_script("return location.hash") == "#lesson/2"), "PageDown moves to the next chapter")
    check(waited(browser, 10, lambda b: f"Label {label}" in text(b, "lesson-cost-text")),
          "chapter 2: the test image's label is chosen and its cost shown")
    # The label the model reads costs least (for the quadratic cost, C(label j) − C(label k) = a_k − a_j).
    read = int(number(r"read as (\d)", text(browser, "lesson-cost-text"), 0))
    costs = {}
    for choice in [read, (read + 5) % 10]:
        before = text(browser, "lesson-cost-text")
        if f"Label {choice}," not in before:
            browser.find_element(By.ID, f"lesson-label-{choice}").click()
            check(changed(browser, "lesson-cost-text", before), f"chapter 2: label {choice} changes the figure")
        costs[choice] = number(r"cost ([0-9.]+)", text(browser, "lesson-cost-text"))
    right, wrong = costs[read], costs[(read + 5) % 10]
    check(right is not None and wrong is not None and wrong > right,
          f"chapter 2: the label it reads ({read}) is cheap, another dear ({right} then {wrong})")

    # 3. The cost of all of them: the mean, and a dear example made the reader's own.
    go(browser, 3)
    check(waited(browser, 30, lambda b: "mean" in text(b, "lesson-costs-text")),
          f"chapter 3: the cost over the test set ({text(browser, 'lesson-costs-text')[:80]}…)")
    dearest = browser.find_elements(By.CSS_SELECTOR, "#lesson-dearest figure")
    check(len(dearest) == 8, f"chapter 3: eight dearest images ({len(dearest)})")
    index = re.match(r"#(\d+)", dearest[0].text)
    before = text(browser, "lesson-example")
    dearest[0].click()
    check(index is not None and changed(browser, "lesson-example", before) and f"Test image {index.group(1)}," in text(browser, "lesson-example"),
          "chapter 3: clicking a dear image makes it the example")

    # 4. Downhill: the start decides the valley; the keyboard places the ball.
    go(browser, 4)
    check(waited(browser, 20, lambda b: "waits at x = 1.50" in text(b, "lesson-valley-text")),
          "chapter 4: the ball waits at x = 1.5")
    browser.find_element(By.ID, "lesson-roll").click()
    check(waited(browser, 20, lambda b: "after 60 steps" in text(b, "lesson-valley-text")), "chapter 4: the ball rolls 60 steps")
    right_valley = number(r"is at x = (-?[0-9.]+)", text(browser, "lesson-valley-text"))
    valley = browser.find_element(By.ID, "lesson-valley")
    valley.send_keys(*([Keys.ARROW_LEFT] * 40))
    check(waited(browser, 5, lambda b: "waits at x = -0.50" in text(b, "lesson-valley-text")),
          "chapter 4: the arrow keys move the ball to x = -0.5")
    valley.send_keys(Keys.ENTER)
    check(waited(browser, 20, lambda b: "after 60 steps" in text(b, "lesson-valley-text")), "chapter 4: Enter rolls it")
    left_valley = number(r"is at x = (-?[0-9.]+)", text(browser, "lesson-valley-text"))
    check(right_valley is not None and left_valley is not None and abs(right_valley - 1.13) < 0.02 and abs(left_valley + 1.30) < 0.02,
          f"chapter 4: from 1.5 the ball ends in the right valley ({right_valley}), from -0.5 in the left ({left_valley})")
    check(waited(browser, 10, lambda b: "steps of −0.1∇f" in text(b, "lesson-surface-text")), "chapter 4: the 2-D map has its path")
    before = text(browser, "lesson-surface-text")
    browser.find_element(By.ID, "lesson-surface").send_keys(Keys.ARROW_UP)
    check(changed(browser, "lesson-surface-text", before), "chapter 4: the arrow keys move the ball on the map")
    first, last = number(r"first step is ([0-9.]+)", text(browser, "lesson-surface-text")), number(r"the last ([0-9.]+)", text(browser, "lesson-surface-text"))
    check(first is not None and last is not None and last < first / 10, f"chapter 4: the steps shrink with the slope ({first} then {last})")
    snapshot(browser, 4, out)

    # 5. The gradient as nudges.
    go(browser, 5)
    check(waited(browser, 20, lambda b: "components" in text(b, "lesson-nudges-text")),
          f"chapter 5: the gradient's shares ({text(browser, 'lesson-nudges-text')[:100]}…)")
    top1 = number(r"top 1% ([0-9.]+)%", text(browser, "lesson-nudges-text"))
    check(top1 is not None and top1 > 10, f"chapter 5: the top 1% of nudges hold far more than 1% ({top1}%)")
    rows = browser.find_elements(By.CSS_SELECTOR, "#lesson-largest tr")
    check(len(rows) == 11, f"chapter 5: the ten largest nudges listed ({len(rows) - 1})")

    # 6. Learning: steps on the example, then a real training on the page's own copy.
    go(browser, 6)
    for _ in range(5):
        before = text(browser, "lesson-steps-text")
        browser.find_element(By.ID, "lesson-step").click()
        changed(browser, "lesson-steps-text", before)
    costs = [float(c) for c in re.findall(r"[0-9]+\.[0-9]+", text(browser, "lesson-steps-text").split(":")[-1])]
    check(len(costs) == 6 and costs[-1] < costs[0], f"chapter 6: five steps lower the example's cost ({costs})")
    browser.find_element(By.ID, "lesson-train").click()
    check(waited(browser, 60, lambda b: b.find_element(By.ID, "lesson-train-status").get_attribute("data-state") == "finished"),
          f"chapter 6: the video's network trains from the page ({text(browser, 'lesson-train-status')})")
    accuracy = number(r"then ([0-9.]+)%", text(browser, "lesson-curve-text"))
    check("30 of 30 epochs" in text(browser, "lesson-curve-text") and accuracy is not None and accuracy > 90,
          f"chapter 6: the learning curve has 30 epochs and ends above 90% ({accuracy}%)")
    snapshot(browser, 6, out)

    # 7. What it learned: the served model and the reader's own network.
    go(browser, 7)
    check(waited(browser, 20, lambda b: "test images right" in text(b, "lesson-learned-text")),
          f"chapter 7: accuracy and weights ({text(browser, 'lesson-learned-text')[:90]}…)")
    before = text(browser, "lesson-learned-text")
    browser.find_element(By.ID, "lesson-learned-served" if before.startswith("Your") else "lesson-learned-copy").click()
    check(changed(browser, "lesson-learned-text", before), "chapter 7: switching networks changes the figure")
    check(len(browser.find_elements(By.CSS_SELECTOR, "#lesson-weights figure")) == 16, "chapter 7: sixteen first-layer neurons as pictures")

    # 8. Confident nonsense.
    go(browser, 8)
    browser.find_element(By.ID, "lesson-noise").click()
    check(waited(browser, 20, lambda b: "uniform noise" in text(b, "lesson-probe-text")),
          f"chapter 8: noise is read as digits ({text(browser, 'lesson-probe-text')[:100]}…)")
    before = text(browser, "lesson-probe-text")
    browser.find_element(By.ID, "lesson-noise").click()
    check(changed(browser, "lesson-probe-text", before), "chapter 8: more noise, new figures")
    check(attribute(browser, "lesson-dream-picture", "aria-describedby") == "lesson-dream-picture-text"
          and attribute(browser, "lesson-dream-picture", "role") == "img", "chapter 8: the dream picture has a text alternative")
    before = text(browser, "lesson-dream-picture-text")
    browser.find_element(By.ID, "lesson-dream").click()
    check(changed(browser, "lesson-dream-picture-text", before, 30) and "output 5 rose" in text(browser, "lesson-dream-picture-text")
          and "pixels are brighter than half" in text(browser, "lesson-dream-picture-text"),
          f"chapter 8: the network dreams a 5, and its picture's numbers are given ({text(browser, 'lesson-dream-picture-text')[:160]}…)")

    # 9. Memorising: shuffled labels learned too, slower, and no better than chance on the test images.
    go(browser, 9)
    browser.find_element(By.ID, "lesson-memorize").click()
    check(waited(browser, 120, lambda b: "shuffled labels: 40 epochs" in text(b, "lesson-memorize-curves-text")),
          "chapter 9: both runs streamed to the end")
    summary = text(browser, "lesson-memorize-curves-text")
    shuffled = re.search(r"shuffled labels: .*training accuracy ([0-9.]+)%, test accuracy ([0-9.]+)%", summary)
    check(shuffled is not None and float(shuffled.group(1)) > 90 and float(shuffled.group(2)) < 30,
          f"chapter 9: shuffled labels are learned ({shuffled and shuffled.group(1)}%) and say nothing of the test set ({shuffled and shuffled.group(2)}%)")
    snapshot(browser, 9, out)

    # 10. Many valleys.
    go(browser, 10)
    browser.find_element(By.ID, "lesson-minima").click()
    check(waited(browser, 120, lambda b: "ridge" in text(b, "lesson-minima-chart-text")),
          f"chapter 10: three networks and the path between two ({text(browser, 'lesson-minima-chart-text')[:120]}…)")
    ridges = re.findall(r"ridge (?:of|is) ([0-9]+\.[0-9]+)", text(browser, "lesson-minima-chart-text"))
    check(len(ridges) == 2 and float(ridges[1]) < float(ridges[0]), f"chapter 10: matching neurons lowers the ridge ({ridges})")
    snapshot(browser, 10, out)

    # A phone: at 390 px, no chapter is wider than the screen (nothing to scroll sideways).
    browser.set_window_size(390, 844)
    widths = {}
    for chapter in range(1, 11):
        go(browser, chapter)
        widths[chapter] = browser.execute_script("return [document.documentElement.scrollWidth, innerWidth]")
    wide = {chapter: width for chapter, (width, inner) in widths.items() if width > inner}
    check(not wide and widths[1][1] <= 400, f"at {widths[1][1]} px wide every chapter fits the screen (wider: {wide})")
    browser.set_window_size(1280, 1500)

    # The presenter view: large type, one chapter, the arrow keys.
    browser.get(f"{base}?present#lesson/3")
    waited(browser, 20, lambda b: b.find_element(By.CSS_SELECTOR, '.chapter[data-chapter="3"]').is_displayed())
    size = browser.execute_script("return parseFloat(getComputedStyle(document.body).fontSize)")
    check(size >= 20 and "present" in attribute(browser, "page-lesson", "class") + browser.execute_script("return document.body.className"),
          f"?present: large type ({size}px)")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
    check(waited(browser, 5, lambda b: b.execute_script("return location.hash") == "#lesson/4"), "?present: the right arrow moves to the next chapter")
    browser.save_screenshot(os.path.join(out, "lesson-present.png"))

    # The other pages' figures have text alternatives too.
    browser.get(f"{base}#draw")
    waited(browser, 20, lambda b: text(b, "network-text") != "")
    for element_id in ["network", "input"]:
        check(attribute(browser, element_id, "aria-describedby") == f"{element_id}-text" and attribute(browser, element_id, "role") == "img",
              f"#{element_id} has a text alternative ({text(browser, element_id + '-text')[:60]}…)")
    browser.get(f"{base}#train")
    check(waited(browser, 10, lambda b: text(b, "curves-text") != ""), "#curves has a text alternative")
    browser.get(f"{base}#descent")
    check(waited(browser, 20, lambda b: "Contour map" in text(b, "landscape-text")), "#landscape has a text alternative")
    before = text(browser, "landscape-text")
    browser.find_element(By.ID, "landscape").send_keys(Keys.ARROW_LEFT)
    check(changed(browser, "landscape-text", before), "the Descent page's ball moves with the arrow keys")


LOADS = 5
READY_MS = 1000  # the median load
SLOWEST_MS = 1500  # every load


def ready_time(binary, data, model, out, check):
    """With a wide model, the time from navigation to chapter 1 ready, in ms: over five loads of the page,
    the median under 1 s and every one under 1.5 s. The server has evaluated the model on the test set
    before the first (explorer_server.start waits for GET /api/model), as a served model has by the time
    a class opens the page; the first load is the browser's first, with nothing cached."""
    server, port, token, _ = explorer_server.start(binary, ["--data", data, "--model", model], os.path.join(out, "server-wide.log"))
    browser = make_browser()
    try:
        base = f"http://127.0.0.1:{port}/"
        times = []
        for load in range(LOADS):
            browser.get(f"{base}?load={load}#lesson")  # a new query: a real load, not a jump within the page
            waited(browser, 30, lambda b: b.execute_script("return document.body.dataset.lessonReady") is not None)
            times.append(int(browser.execute_script("return document.body.dataset.lessonReady") or 99999))
        transferred = browser.execute_script(
            "return performance.getEntriesByType('resource').reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)")
        sizes = number_text(r"model ([0-9-]+),", text(browser, "model-info"))
        median = sorted(times)[LOADS // 2]
        check(median < READY_MS and max(times) < SLOWEST_MS,
              f"with a {sizes} model the Lesson page is ready in a median {median} ms over {LOADS} loads "
              f"(each: {times}; median under {READY_MS}, every one under {SLOWEST_MS})")
        check(transferred < 2_000_000, f"and fetches {transferred / 1e6:.2f} MB, not the layers' JSON")
        browser.save_screenshot(os.path.join(out, "lesson-wide.png"))
    finally:
        browser.quit()
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", required=True, help="the video's network, served to the walk")
    parser.add_argument("--wide-model", required=True, help="a 784-800-800-10 model, for the time to ready")
    parser.add_argument("--out", default="tests/browser/output")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    failures = []

    def check(condition, message):
        print(("ok    " if condition else "FAIL  ") + message, flush=True)
        if not condition:
            failures.append(message)

    server, port, token, _ = explorer_server.start(arguments.binary, ["--data", arguments.data, "--model", arguments.model],
                                                   os.path.join(arguments.out, "server-lesson.log"))
    browser = make_browser()
    try:
        walk(browser, f"http://127.0.0.1:{port}/", token, arguments.out, check)
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        check(not errors, f"no errors in the browser's console ({errors[:2]})")
    finally:
        browser.quit()
        server.terminate()
        server.wait()
    ready_time(arguments.binary, arguments.data, arguments.wide_model, arguments.out, check)
    print(f"{len(failures)} failed" if failures else "lesson: every check passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
