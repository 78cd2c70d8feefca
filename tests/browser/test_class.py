#!/usr/bin/env python3
"""A class in real browsers: `descent serve --classroom`, a teacher and three students, each in a Chromium
profile of its own (so each has its own cookies, as four people on four machines would).

- The teacher opens the presenter view (?present) with the teacher's token and moves to chapter 5: every
  student's page shows chapter 5 (its address #lesson/5, aria-current="step" on it) within 1 s.
- A student who wanders off stops following, and the "Back to the class" button takes them back.
- Each student adds 5 digits on the Class page (4 random test digits and one drawn with the mouse):
  the teacher's dashboard counts 15, 5 for each student, and every page's grid shows 15.
- The teacher fine-tunes on the class set: before and after show on the teacher's page and a student's.
- The teacher pauses the class with a message: a student's buttons are locked, the message says why,
  and the class set refuses a digit (423); resuming unlocks them.
- Without the teacher's token, POST /api/class/pace is refused (403), with the students' token too.
- "Clear the class set" empties it on every page.

    python3 tests/browser/test_class.py BINARY --data MNIST_FOLDER --model FILE [--out DIR]

Screenshots (class-teacher.png, class-student.png, class-paused.png) go to --out. Needs Debian's chromium
and chromium-driver and Python's selenium.
"""
import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402
from test_explorer import DIGITS, make_browser, stroke, waited  # noqa: E402
from test_lesson import attribute, text  # noqa: E402


def post(base, path, body, token=None):
    """The HTTP status of POST `path` with JSON `body`, with the token as X-Descent-Token when given."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["X-Descent-Token"] = token
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def on_chapter(browser, chapter):
    """Whether the page shows chapter `chapter` alone, at #lesson/N, marked aria-current="step" in the list."""
    return browser.execute_script(
        "const n = arguments[0], link = document.querySelectorAll('#lesson-toc a')[n - 1];"
        "const article = document.querySelector(`.chapter[data-chapter=\"${n}\"]`);"
        "return location.hash === `#lesson/${n}` && link.getAttribute('aria-current') === 'step' && !article.hidden"
        " && document.getElementById('page-lesson').classList.contains('active');", chapter)


def watch_chapter(browser, chapter):
    """Makes the page note (Date.now(), the same clock as Python's time.time()) when it shows `chapter`."""
    browser.execute_script(
        "delete document.body.dataset.shownAt; const n = arguments[0];"
        "const check = () => { const link = document.querySelectorAll('#lesson-toc a')[n - 1];"
        "  if (location.hash === `#lesson/${n}` && link.getAttribute('aria-current') === 'step' && !document.body.dataset.shownAt)"
        "    document.body.dataset.shownAt = String(Date.now()); };"
        "new MutationObserver(check).observe(document.getElementById('lesson-toc'), {attributes: true, subtree: true});"
        "window.addEventListener('hashchange', () => setTimeout(check, 0));", chapter)


def picture(browser, path, width=1280, height=1250):
    """A screenshot of the page's top, `width` x `height`, as the explorer guide shows it."""
    browser.set_window_size(width, height)
    browser.execute_script("document.activeElement.blur(); window.scrollTo(0, 0)")
    time.sleep(0.3)
    browser.save_screenshot(path)


def add_digits(browser, student, count, check):
    """Adds `count` digits on the Class page: a drawn 7 first (the mouse), then random test digits (the keyboard)."""
    browser.execute_script("location.hash = '#class'")
    waited(browser, 10, lambda b: b.find_element(By.ID, "class-pad").is_displayed())
    for index in range(count):
        before = int(attribute(browser, "class-add-status", "data-added") or 0)
        if index == 0:
            pad = browser.find_element(By.ID, "class-pad")
            for points in DIGITS[7]:
                stroke(browser, pad, [(round(x * 0.8), round(y * 0.8)) for x, y in points])
            label = 7
        else:
            browser.find_element(By.ID, "class-random").send_keys(Keys.ENTER)
            waited(browser, 10, lambda b: "Test image" in text(b, "class-add-status"))
            label = int(attribute(browser, "class-add-status", "data-label"))
        browser.find_element(By.ID, f"class-label-{label}").send_keys(Keys.ENTER)
        waited(browser, 5, lambda b: b.find_element(By.ID, "class-add").is_enabled())
        browser.find_element(By.ID, "class-add").send_keys(Keys.ENTER)
        added = waited(browser, 10, lambda b: int(attribute(b, "class-add-status", "data-added") or 0) == before + 1)
        if not added:
            check(False, f"student {student} added digit {index + 1} ({text(browser, 'class-add-status')})")
            return


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", required=True, help="a model with its recipe in its metadata (descent train's), to fine-tune")
    parser.add_argument("--out", default="tests/browser/output")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    failures = []
    started = time.time()

    def check(condition, message):
        print(("ok    " if condition else "FAIL  ") + message, flush=True)
        if not condition:
            failures.append(message)

    scratch = tempfile.mkdtemp(prefix="descent-class-test-")
    my_digits, class_dir = os.path.join(scratch, "my-digits"), os.path.join(scratch, "class")
    server, port, student_token, teacher_token = explorer_server.start(
        arguments.binary, ["--data", arguments.data, "--model", arguments.model, "--classroom", "--my-digits", my_digits,
                           "--class-dir", class_dir], os.path.join(arguments.out, "server-class.log"))
    base = f"http://127.0.0.1:{port}/"
    browsers = []
    try:
        teacher = make_browser(os.path.join(scratch, "teacher"), 1280, 1100)
        browsers.append(teacher)
        students = []
        for number in range(3):
            students.append(make_browser(os.path.join(scratch, f"student-{number + 1}")))
            browsers.append(students[-1])

        # The teacher leads from the presenter view; the students open the URL the server printed.
        teacher.get(f"{base}?present&token={teacher_token}#lesson/1")
        check(waited(teacher, 30, lambda b: b.execute_script("return document.body.dataset.classRole") == "teacher"),
              "the teacher's page knows it holds the teacher's token (GET /api/class: 200)")
        for student in students:
            student.get(f"{base}?token={student_token}")
        check(all(waited(s, 30, lambda b: b.execute_script("return document.body.dataset.classRole") == "student") for s in students),
              "each student's page knows it is a student's (GET /api/class: 403)")
        check(all(waited(s, 10, lambda b: on_chapter(b, 1)) for s in students), "every student follows the class to chapter 1")

        # The teacher moves to chapter 5 with the arrow key; each student's page notes when it shows it.
        teacher.execute_script("location.hash = '#lesson/4'")
        check(all(waited(s, 5, lambda b: on_chapter(b, 4)) for s in students), "the students follow the teacher to chapter 4")
        for student in students:
            watch_chapter(student, 5)
        moved = time.time()
        teacher.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        followed = all(waited(s, 5, lambda b: on_chapter(b, 5)) for s in students)
        delays = [int(s.execute_script("return document.body.dataset.shownAt") or 0) / 1000 - moved for s in students]
        print("time from the teacher's key to each student's chapter 5: " + ", ".join(f"{1000 * d:.0f} ms" for d in delays), flush=True)
        check(followed and all(0 <= d < 1.0 for d in delays), f"every student's page shows chapter 5 within 1 s (slowest {1000 * max(delays):.0f} ms)")

        # A student who wanders off stops following, until they press "Back to the class".
        wanderer = students[0]
        wanderer.execute_script("location.hash = '#lesson/2'")
        teacher.find_element(By.TAG_NAME, "body").send_keys(Keys.ARROW_RIGHT)
        check(all(waited(s, 5, lambda b: on_chapter(b, 6)) for s in students[1:]), "the others follow the teacher to chapter 6")
        time.sleep(0.5)
        back = wanderer.find_element(By.ID, "class-back")
        check(on_chapter(wanderer, 2) and back.is_displayed() and "chapter 6" in back.text,
              f"the student who wandered off stays on chapter 2, with \"{back.text}\" shown")
        back.send_keys(Keys.ENTER)
        check(waited(wanderer, 5, lambda b: on_chapter(b, 6)) and not back.is_displayed(), "\"Back to the class\" (the keyboard) takes them to chapter 6")

        # Each student adds 5 digits: the teacher's dashboard counts 15, 5 a student.
        for number, student in enumerate(students):
            add_digits(student, number + 1, 5, check)
        teacher.get(f"{base}#class")
        board = lambda b: attribute(b, "class-dashboard", "data-count") == "15" and attribute(b, "class-dashboard", "data-digits") == "5,5,5"
        # (The dashboard lists the pages that reported a chapter or gave a digit: the students, not the teacher's own pages.)
        check(waited(teacher, 15, board), f"the teacher's dashboard counts 15 digits, 5,5,5 ({text(teacher, 'class-dashboard')})")
        check(all(waited(s, 10, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#class-grid figure")) == 15) for s in students),
              "every student's grid shows the 15 digits, live")
        check(waited(teacher, 10, lambda b: "of 15" in text(b, "class-accuracy")) and "test set" in text(teacher, "class-accuracy"),
              f"the class's accuracy beside the test set's, in words: {text(teacher, 'class-accuracy')}")

        # Refused without the teacher's token.
        check(post(base, "/api/class/pace", {"chapter": 2}, student_token) == 403, "POST /api/class/pace with the students' token: 403")
        check(post(base, "/api/class/pace", {"chapter": 2}) == 403, "POST /api/class/pace with no token: 403")

        # The teacher fine-tunes: before and after on the teacher's page and a student's.
        teacher.find_element(By.ID, "class-fine-tune").send_keys(Keys.ENTER)
        for who, browser in [("teacher", teacher), ("a student", students[1])]:
            done = waited(browser, 90, lambda b: attribute(b, "class-fine-tune-status", "data-state") == "finished")
            check(done and attribute(browser, "class-fine-tune-status", "data-after") != "" and "→" in text(browser, "class-fine-tune-status"),
                  f"before and after on {who}'s page: {text(browser, 'class-fine-tune-status')}")
        for browser, name in [(teacher, "class-teacher.png"), (students[1], "class-student.png")]:
            picture(browser, os.path.join(arguments.out, name))

        # Paused: a student's lesson is locked, with the teacher's message; resumed: unlocked.
        paused_student = students[2]
        paused_student.find_element(By.ID, "class-back").send_keys(Keys.ENTER)
        waited(paused_student, 5, lambda b: on_chapter(b, 6))
        teacher.find_element(By.ID, "class-message").send_keys("eyes on the board")
        teacher.find_element(By.ID, "class-pause").send_keys(Keys.ENTER)
        locked = waited(paused_student, 3, lambda b: not b.find_element(By.ID, "lesson-step").is_enabled())
        status = text(paused_student, "class-status")
        check(locked and "eyes on the board" in status and attribute(paused_student, "class-status", "role") == "status",
              f"a paused student's buttons are locked, with the message: {status}")
        check(waited(students[1], 3, lambda b: not b.find_element(By.ID, "class-label-3").is_enabled()), "the Class page's buttons too")
        check(post(base, "/api/class/digits", {"pixels": [0.5] * 784, "label": 3}, student_token) == 423, "paused, the class set refuses a digit: 423")
        picture(paused_student, os.path.join(arguments.out, "class-paused.png"), 1100, 760)
        teacher.find_element(By.ID, "class-pause").send_keys(Keys.ENTER)
        check(waited(paused_student, 3, lambda b: b.find_element(By.ID, "lesson-step").is_enabled()) and "paused" not in text(paused_student, "class-status"),
              "resumed: unlocked")

        # Clear: the set empties on every page.
        paused_student.execute_script("location.hash = '#class'")
        teacher.find_element(By.ID, "class-clear-set").send_keys(Keys.ENTER)
        waited(teacher, 5, lambda b: b.switch_to.alert is not None)
        teacher.switch_to.alert.accept()
        empty = lambda b: attribute(b, "class-grid", "data-count") == "0" and not b.find_elements(By.CSS_SELECTOR, "#class-grid figure")
        check(all(waited(b, 10, empty) for b in browsers), "cleared: the grid is empty on every page")
        check(waited(teacher, 5, lambda b: attribute(b, "class-dashboard", "data-count") == "0"), "cleared: the dashboard counts 0")

        for number, browser in enumerate(browsers):
            errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"
                      and not ("/api/class " in entry["message"] and "403" in entry["message"])]
            check(not errors, f"no errors in {'the teacher' if number == 0 else f'student {number}'}'s console ({errors[:2]})")
    finally:
        for browser in browsers:
            browser.quit()
        server.terminate()
        server.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{time.time() - started:.0f} s")
    print(f"{len(failures)} failed" if failures else "class: every check passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
