#!/usr/bin/env python3
"""A real browser on the explorer: draws a 1 and a 0, checks the predictions and that the hidden-layer
view changed, says the 0 is a 0 and lets the page's copy learn from it (the cost falls; undo and reset),
checks that errors are shown on the page and that the keyboard reaches a weight tile, visits every
page, trains one epoch on a small subset from the Train page, and saves screenshots. Then, on a second
server shared beyond loopback (--host 0.0.0.0, changes need the token it prints), opens the printed
URL, draws ten digits and adds them to "my digits" with their labels, fine-tunes on them, and checks
that the accuracy on those digits does not fall and the test set's falls by at most 1 point.

    python3 tests/browser/test_explorer.py BINARY --data MNIST_FOLDER [--model FILE] [--out DIR]

Needs Debian's chromium and chromium-driver and Python's selenium.
"""
import argparse
import base64
import json
import math
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def waited(browser, seconds, condition):
    """Whether `condition(browser)` came true within `seconds` (a check, where WebDriverWait would raise)."""
    try:
        WebDriverWait(browser, seconds).until(condition)
        return True
    except TimeoutException:
        return False


def start_server(binary, data, model, port, log):
    """descent serve on loopback; returns it, GET /api/model's answer, and the token of the URL it printed."""
    command = [binary, "serve", "--data", data, "--host", "127.0.0.1", "--port", str(port), "--train-epochs", "3"]
    if model:
        command += ["--model", model, "--compare", model]  # the same model on the shelf: its answers must match
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"descent serve exited with {server.returncode}; see its log")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/model", timeout=2) as response:
                return server, json.load(response), explorer_server.tokens(log.name, server)[0]
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("descent serve did not answer within 120 s")


def start_shared_server(binary, data, model, port, my_digits, log_path):
    """descent serve on every interface; returns it, the students' token of the URL it printed, and the teacher's."""
    command = [binary, "serve", "--data", data, "--host", "0.0.0.0", "--port", str(port), "--train-epochs", "3",
               "--my-digits", my_digits]
    if model:
        command += ["--model", model]
    log = open(log_path, "w")
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"descent serve --host 0.0.0.0 exited with {server.returncode}; see {log_path}")
        with open(log_path) as printed:
            text = printed.read()
        found = re.search(r"\?token=([0-9a-f]{64})", text)
        teacher = re.search(r"^Teacher's token.*: ([0-9a-f]{64})$", text, re.M)
        if found and teacher:
            return server, found.group(1), teacher.group(1)
        time.sleep(0.5)
    server.terminate()
    raise SystemExit("descent serve --host 0.0.0.0 printed no URL with a token within 120 s")


def post_status(url, body, content_type, token=None):
    """The status of a POST, 4xx and 5xx included."""
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    if token:
        request.add_header("X-Descent-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def circle(cx, cy, rx, ry, start=0.0, turns=1.0, steps=36):
    return [(round(cx + rx * math.sin(start + 2 * math.pi * turns * i / steps)),
             round(cy - ry * math.cos(start + 2 * math.pi * turns * i / steps))) for i in range(steps + 1)]


# Ten digits as mouse strokes (offsets from the canvas's centre, y down), one list of strokes each.
DIGITS = {
    0: [circle(0, 0, 55, 85)],
    1: [[(-25, -60), (5, -90)] + [(5, -90 + 12 * i) for i in range(1, 16)]],
    2: [circle(0, -45, 45, 40, start=-math.pi / 2, turns=0.6, steps=14) + [(-50, 80), (55, 80)]],
    3: [circle(0, -45, 42, 38, start=-math.pi / 2, turns=0.75, steps=14) + circle(0, 40, 45, 42, turns=0.75, steps=14)],
    4: [[(15, -90), (-50, 25), (60, 25)], [(25, -45), (25, 90)]],
    5: [[(45, -85), (-35, -85), (-40, -15), (20, -25), (48, 10), (45, 55), (15, 80), (-45, 75)]],
    6: [[(35, -88), (0, -60), (-30, -15), (-45, 35), (-30, 75), (10, 85), (40, 60), (40, 25), (10, 5), (-25, 15), (-42, 40)]],
    7: [[(-50, -80), (50, -80), (-5, 90)]],
    8: [[(round(40 * math.sin(2 * math.pi * i / 36) * math.cos(2 * math.pi * i / 36) * 2),
          round(-85 * math.sin(2 * math.pi * i / 36 + math.pi / 2))) for i in range(38)]],
    9: [circle(0, -40, 40, 42, start=math.pi / 2, turns=1.0) + [(35, 0), (30, 90)]],
}


def make_browser(profile=None, width=1280, height=1000):
    """Headless Chromium, `width` x `height`; `profile`: a folder for a profile of its own (cookies, storage),
    as another person's browser would have."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--window-size={width},{height}"]:
        options.add_argument(argument)
    if profile:
        options.add_argument(f"--user-data-dir={profile}")
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def stroke(browser, canvas, points):
    """Draws through `points`, offsets from the canvas's centre, with the mouse held down."""
    actions = ActionChains(browser, duration=10)
    actions.move_to_element_with_offset(canvas, *points[0]).click_and_hold()
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        actions.move_by_offset(x1 - x0, y1 - y0)
    actions.release().perform()


def prediction_after(browser, action):
    """Runs `action` and waits until the page shows a prediction whose hidden layers are set."""
    browser.execute_script("document.getElementById('prediction').textContent = '…';")
    action()
    WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "prediction").text not in ("…", "?"))
    time.sleep(0.8)  # The last stroke's request may still be in flight; let the latest answer land.
    digit = browser.find_element(By.ID, "prediction").text
    hidden = browser.find_element(By.ID, "network").get_attribute("data-hidden")
    return digit, hidden


def api(base, path):
    """GET `path` from the server as JSON."""
    with urllib.request.urlopen(base + path.lstrip("/"), timeout=30) as response:
        return json.load(response)


def learn_cost(browser):
    """The cost the Learn panel shows for its example, as a number."""
    return float(browser.find_element(By.ID, "learn-summary").get_attribute("data-cost"))


def chart_costs(browser):
    """The costs on the Learn panel's chart, one a point."""
    text = browser.find_element(By.ID, "learn-chart").get_attribute("data-costs")
    return [float(value) for value in text.split(",")] if text else []


def click_and_wait(browser, button, changed):
    """Clicks a Learn button and waits until `changed()` holds and the panel is idle again."""
    browser.find_element(By.ID, button).click()
    WebDriverWait(browser, 20).until(lambda b: changed() and not b.find_element(By.ID, "learn-step").get_attribute("disabled"))


def gradient_body(document, pictures, values, magic=b"DGR1", dirty_padding=False, tail=b""):
    """POST /api/gradient's binary answer: "DGR1", the JSON's length and the JSON, zeros to a multiple of 4
    (the first one a 1 when `dirty_padding`), the picture count and length, picture i's values i + k/1000,
    then the input bytes k % 256."""
    text = json.dumps(document).encode()
    zeros = bytearray(-(8 + len(text)) % 4)
    if dirty_padding:
        zeros[0] = 1
    floats = [i + k / 1000 for i in range(pictures) for k in range(values)]
    return (magic + struct.pack("<I", len(text)) + text + bytes(zeros) + struct.pack("<II", pictures, values)
            + struct.pack(f"<{len(floats)}f", *floats) + bytes(k % 256 for k in range(values)) + tail)


def check_gradient_decoder(browser, check):
    """The page's decoder of the binary gradient (api.js's decodeGradient), on answers made here: one well
    formed, and malformed ones it must refuse with an Error that says what is wrong."""
    document = {"label": 3, "cost": 0.25, "firstLayerNudges": [{"neuron": 0, "share": 0.75}, {"neuron": 5, "share": 0.25}], "note": "é"}
    good = gradient_body(document, 2, 784)
    bad = {
        "magic": gradient_body(document, 2, 784, magic=b"DGR2"),
        "truncated": good[:-1],
        "trailing bytes": gradient_body(document, 2, 784, tail=b"\0"),
        "picture count": gradient_body({**document, "firstLayerNudges": document["firstLayerNudges"][:1]}, 2, 784),
        "padding": gradient_body(document, 2, 784, dirty_padding=True),  # its JSON is 126 bytes: 2 of padding
        "header only": good[:6],
    }
    bodies = {"good": good, **bad}
    results = browser.execute_async_script("""
        const [bodies, done] = arguments;
        import('/api.js').then(({ decodeGradient }) => {
            const results = {};
            for (const [name, text] of Object.entries(bodies)) {
                const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
                try {
                    const g = decodeGradient(bytes.buffer);
                    const n = g.firstLayerNudges;
                    results[name] = { label: g.label, note: g.note, neurons: n.map((p) => p.neuron), typed: n.every((p) => p.nudges instanceof Float32Array)
                        && g.input instanceof Uint8Array, lengths: n.map((p) => p.nudges.length), values: [n[0].nudges[1], n[1].nudges[783]],
                        input: [g.input.length, g.input[300]] };
                } catch (error) { results[name] = { error: error instanceof Error ? error.message : String(error) }; }
            }
            done(results);
        }, (error) => done({ importFailed: String(error) }));""", {name: base64.b64encode(body).decode() for name, body in bodies.items()})
    decoded = results.get("good", {})
    check(decoded.get("typed") and decoded.get("label") == 3 and decoded.get("note") == "é" and decoded.get("neurons") == [0, 5]
          and decoded.get("lengths") == [784, 784] and abs(decoded["values"][0] - 0.001) < 1e-6 and abs(decoded["values"][1] - 1.783) < 1e-5
          and decoded.get("input") == [784, 300 % 256],
          f"the binary gradient decodes to the JSON's fields, Float32Array nudges and a Uint8Array input ({decoded})")
    refused = {name: results.get(name, {}).get("error", "") for name in bad}
    check(all("malformed" in message for message in refused.values()), f"malformed gradient answers are refused with a clear Error: {refused}")


def shrink(folder, width=760):
    """Writes half-size copies of the screenshots to folder/small for the README, when Pillow is there."""
    try:
        from PIL import Image
    except ImportError:
        return
    os.makedirs(os.path.join(folder, "small"), exist_ok=True)
    for name in sorted(os.listdir(folder)):
        if name.endswith(".png"):
            image = Image.open(os.path.join(folder, name)).convert("RGB")
            image = image.resize((width, round(image.height * width / image.width)), Image.LANCZOS)
            image = image.quantize(colors=128)
            image.save(os.path.join(folder, "small", name), optimize=True)


def my_digits_and_fine_tuning(arguments, check):
    """A shared server: the token from the printed URL, ten digits added, a fine-tuning on them."""
    port = free_port()
    folder = os.path.join(os.path.abspath(arguments.out), "my-digits")
    if os.path.isdir(folder):
        import shutil
        shutil.rmtree(folder)
    server, token, teacher = start_shared_server(arguments.binary, arguments.data, arguments.model, port, folder,
                                        os.path.join(arguments.out, "server-shared.log"))
    browser = make_browser()
    try:
        base = f"http://127.0.0.1:{port}/"
        with urllib.request.urlopen(base + "api/model", timeout=10) as response:
            check(response.status == 200, "a shared server answers reads without the token")
        drawing = b"\x89PNG\r\n\x1a\n"
        check(post_status(base + "api/my-digits?label=1", drawing, "image/png") == 403,
              "a shared server refuses a change without the token (403)")
        check(post_status(base + "api/train", b'{"epochs": 1}', "application/json", token="0" * 64) == 403,
              "a shared server refuses a change with a wrong token (403)")
        check(token != teacher, "the students' URL carries a token other than the teacher's")
        check(post_status(base + "api/train", b'{"epochs": 1}', "application/json", token=token) == 403,
              "a student's token cannot train the model everyone sees (403)")
        check(post_status(base + "api/class/clear", b"", "application/json", token=token) == 403,
              "a student's token cannot clear the class (403)")

        browser.get(f"{base}?token={token}#draw")
        WebDriverWait(browser, 60).until(lambda b: b.find_element(By.ID, "draw").is_displayed())
        WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "my-digits-accuracy").get_attribute("data-count") == "0")
        check("token" not in browser.current_url, f"the token is taken out of the address bar ({browser.current_url})")
        check("descent_browser" not in browser.execute_script("return document.cookie"),
              "the browser's id cookie is HttpOnly: no script reads it")
        canvas = browser.find_element(By.ID, "draw")
        for label, strokes in DIGITS.items():
            browser.find_element(By.ID, "clear").click()
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
            for points in strokes:
                stroke(browser, canvas, points)
            time.sleep(0.3)
            Select(browser.find_element(By.ID, "my-digit-label")).select_by_value(str(label))
            browser.find_element(By.ID, "my-digit-add").click()
            WebDriverWait(browser, 20).until(
                lambda b: b.find_element(By.ID, "my-digits-accuracy").get_attribute("data-count") == str(label + 1))
        gallery = browser.find_elements(By.CSS_SELECTOR, "#my-digits-gallery figure")
        check(len(gallery) == 10, f"the gallery shows the ten digits added (shows {len(gallery)})")
        stored = sorted(os.listdir(folder))
        check(len(stored) == 1 and len(stored[0]) == 32, f"the digits are kept in one browser's folder ({stored})")
        labels = sorted(os.listdir(os.path.join(folder, stored[0]))) if stored else []
        check(labels == [str(d) for d in range(10)], f"one label folder per digit ({labels})")
        accuracy = browser.find_element(By.ID, "my-digits-accuracy")
        print("before fine-tuning: " + accuracy.text, flush=True)
        browser.execute_script("document.getElementById('my-digits-panel').scrollIntoView()")
        time.sleep(1)
        browser.save_screenshot(os.path.join(arguments.out, "my-digits.png"))

        browser.find_element(By.ID, "fine-tune").click()
        WebDriverWait(browser, 300).until(lambda b: b.find_element(By.ID, "fine-tune-status").get_attribute("data-state"))
        status = browser.find_element(By.ID, "fine-tune-status")
        state = status.get_attribute("data-state")
        check(state == "finished", f"the fine-tuning finished (state {state}: {status.text})")
        if state == "finished":
            before, after = float(status.get_attribute("data-before")), float(status.get_attribute("data-after"))
            test_before, test_after = float(status.get_attribute("data-test-before")), float(status.get_attribute("data-test-after"))
            print(f"fine-tuning: your digits {before:.2f} -> {after:.2f}, test {test_before:.4f} -> {test_after:.4f}", flush=True)
            check(after >= before, f"accuracy on the ten digits does not fall ({before:.2f} -> {after:.2f})")
            # CI's 2-epoch video model (SGD at η = 3.0) and these ten digits: the change in test accuracy
            # depends on the order of summation. The same run gives -0.51 points with the AVX-512 kernels
            # twice over, -0.13 with the AVX2 kernels, +0.09 with an earlier build; no product in it runs
            # in bfloat16 (traced). One point still fails a fine-tuning that forgets MNIST.
            check(test_before - test_after <= 0.01,
                  f"test accuracy falls by at most 1 point ({100 * test_before:.2f}% -> {100 * test_after:.2f}%)")
            check("your own fine-tuned copy" in status.text and "version 1" in browser.find_element(By.ID, "model-info").text,
                  f"the fine-tuning changed this student's copy, and the class's model is still version 1 ({status.text})")
            browser.find_element(By.ID, "clear").click()
            for points in DIGITS[7]:
                stroke(browser, canvas, points)
            check(waited(browser, 20, lambda b: "your own fine-tuned copy" in b.find_element(By.ID, "model-shown").text),
                  f"the Draw page says it shows the student's copy ({browser.find_element(By.ID, 'model-shown').text})")
        WebDriverWait(browser, 20).until(lambda b: "right" in b.find_element(By.ID, "my-digits-accuracy").text)
        print("after fine-tuning: " + browser.find_element(By.ID, "my-digits-accuracy").text, flush=True)
        browser.execute_script("document.getElementById('my-digits-panel').scrollIntoView()")
        time.sleep(1)
        browser.save_screenshot(os.path.join(arguments.out, "fine-tune.png"))
    finally:
        browser.quit()
        server.terminate()
        # A student's page follows /api/class/events; the stream ends when the server shuts down.
        server.wait(timeout=10)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--data", required=True)
    parser.add_argument("--model")
    parser.add_argument("--out", default="tests/browser/output")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    failures = []

    def check(condition, message):
        print(("ok   " if condition else "FAIL ") + message, flush=True)
        if not condition:
            failures.append(message)

    port = free_port()
    with open(os.path.join(arguments.out, "server.log"), "w") as log:
        server, model, token = start_server(arguments.binary, arguments.data, arguments.model, port, log)
        browser = make_browser()
        try:
            base = f"http://127.0.0.1:{port}/"
            print(f"serving {model['sizes']} at {base}, test accuracy {model['testAccuracy']:.4f}", flush=True)
            browser.get(f"{base}?token={token}#draw")  # the URL descent serve printed
            # The page shows the Draw page once the model's weights have come (seconds for a wide model).
            WebDriverWait(browser, 60).until(lambda b: b.find_element(By.ID, "draw").is_displayed())
            canvas = browser.find_element(By.ID, "draw")
            empty_hidden = browser.find_element(By.ID, "network").get_attribute("data-hidden")
            check_gradient_decoder(browser, check)

            one, one_hidden = prediction_after(browser, lambda: stroke(browser, canvas, [(0, -95 + 10 * i) for i in range(20)]))
            check(one == "1", f"a vertical stroke reads as 1 (got {one})")
            check(one_hidden != empty_hidden, "the hidden-layer view lit up for the 1")
            browser.save_screenshot(os.path.join(arguments.out, "draw-1.png"))

            browser.find_element(By.ID, "clear").click()
            loop = [(round(55 * math.sin(2 * math.pi * i / 36)), round(-85 * math.cos(2 * math.pi * i / 36))) for i in range(38)]
            zero, zero_hidden = prediction_after(browser, lambda: stroke(browser, canvas, loop))
            check(zero == "0", f"a loop reads as 0 (got {zero})")
            check(zero_hidden != one_hidden, "the hidden-layer view changed between the 1 and the 0")
            browser.save_screenshot(os.path.join(arguments.out, "draw.png"))
            if arguments.model:
                # --compare: the shelf's copy of the served model answers beside it, and reads the same.
                WebDriverWait(browser, 20).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#compare-rows tr")) == 2)
                check(browser.find_element(By.ID, "compare").is_displayed(), "the Other models panel is shown with --compare")
                reads = [row.find_elements(By.TAG_NAME, "td")[2].text for row in browser.find_elements(By.CSS_SELECTOR, "#compare-rows tr")]
                check(reads == ["0", "0"], f"the served model and its copy on the shelf both read the 0 (got {reads})")

            # Learn from a 7: its label, the nudges, then steps of the page's copy until the cost falls.
            browser.find_element(By.ID, "clear").click()
            seven = [(-70 + 14 * i, -85) for i in range(11)] + [(70 - 8 * i, -85 + 18 * i) for i in range(1, 11)]
            read, _ = prediction_after(browser, lambda: stroke(browser, canvas, seven))
            print(f"     a 7 drawn reads as {read}", flush=True)
            browser.find_element(By.ID, "learn-label-7").click()
            WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "learn-body").is_displayed()
                                             and b.find_element(By.ID, "learn-summary").get_attribute("data-cost"))
            check(len(browser.find_elements(By.CSS_SELECTOR, "#learn-cost .bar")) == 10, "the cost is shown output by output (10 bars)")
            tiles = len(browser.find_elements(By.CSS_SELECTOR, "#learn-tiles figure"))
            check(tiles == min(model["sizes"][1], 32), f"the first layer's nudges are shown, one picture a neuron ({tiles})")
            check(len(browser.find_elements(By.CSS_SELECTOR, "#learn-largest tr")) == 11, "the 10 largest nudges are listed")
            first_cost = learn_cost(browser)
            for step in range(1, 21):
                click_and_wait(browser, "learn-step", lambda: len(chart_costs(browser)) == step + 1)
                if learn_cost(browser) < 0.5 * first_cost:
                    break
            costs = chart_costs(browser)
            same = lambda a, b: abs(a - b) <= 1e-4 * max(abs(a), abs(b))  # the chart keeps 6 digits
            check(same(costs[0], first_cost) and costs[-1] < first_cost and same(learn_cost(browser), costs[-1]),
                  f"steps on the 7 lower its cost: {first_cost:.4g} -> {costs[-1]:.4g} in {len(costs) - 1} steps")
            check(all(later < earlier for earlier, later in zip(costs, costs[1:])), "the cost falls at every step (learning rate 1)")
            click_and_wait(browser, "learn-undo", lambda: len(chart_costs(browser)) == len(costs) - 1)
            check(same(learn_cost(browser), costs[-2]), f"undo takes back the last step (cost {learn_cost(browser):.4f})")
            click_and_wait(browser, "learn-reset", lambda: chart_costs(browser) == [])
            check(learn_cost(browser) == first_cost, "reset returns to the served model's cost")
            for step in range(1, 6):
                click_and_wait(browser, "learn-step", lambda: len(chart_costs(browser)) == step + 1)
            status = browser.find_element(By.ID, "learn-status").text
            check("→" in status and "cost" in status, f"the page says what moved: {status.splitlines()[0] if status else status}")
            # A test digit the served model misreads, taught its label: 8 small steps.
            confusion = api(base, "/api/confusion")["matrix"]
            actual, predicted = max(((a, p) for a in range(10) for p in range(10) if a != p), key=lambda cell: confusion[cell[0]][cell[1]])
            index = api(base, f"/api/confusion/{actual}/{predicted}?count=1")["images"][0]["index"]
            prediction_after(browser, lambda: browser.execute_script(f"location.hash = '#draw/{index}'"))  # the page's link to a test image
            browser.find_element(By.ID, f"learn-label-{actual}").click()
            WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "learn-body").is_displayed()
                                             and f"A {actual}:" in b.find_element(By.ID, "learn-summary").text)
            misread_cost = learn_cost(browser)
            click_and_wait(browser, "learn-reset", lambda: chart_costs(browser) == [])
            rate = browser.find_element(By.ID, "learn-rate")
            rate.send_keys(*([Keys.LEFT] * 20))  # η = 10^-2, from the keyboard
            check(browser.find_element(By.ID, "learn-rate-value").text == "0.01", "the learning-rate slider moves from the keyboard (η = 0.01)")
            for step in range(1, 9):
                click_and_wait(browser, "learn-step", lambda: len(chart_costs(browser)) == step + 1)
            summary = browser.find_element(By.ID, "learn-summary").text
            costs = chart_costs(browser)
            check(learn_cost(browser) < misread_cost and all(later < earlier for earlier, later in zip(costs, costs[1:])),
                  f"test image {index}, a {actual} read as {predicted}: {summary}")
            browser.set_window_size(1280, 2400)
            browser.find_element(By.ID, "learn").screenshot(os.path.join(arguments.out, "learn.png"))
            browser.set_window_size(1280, 1000)

            # A blank canvas is refused (422): the page says so in its alert region, not only the console.
            # The stroke is pressed and released outside the canvas, so it leaves no ink.
            browser.find_element(By.ID, "clear").click()
            browser.execute_script("""const pad = document.getElementById('draw');
                for (const type of ['pointerdown', 'pointerup'])
                    pad.dispatchEvent(new PointerEvent(type, {pointerId: 1, clientX: -1000, clientY: -1000, bubbles: true}));""")
            WebDriverWait(browser, 20).until(lambda b: b.find_element(By.ID, "error").is_displayed())
            error, text = browser.find_element(By.ID, "error"), browser.find_element(By.ID, "error-text").text
            check(error.get_attribute("role") == "alert" and "draw a digit" in text, f"a blank drawing shows an alert: {text}")
            browser.find_element(By.ID, "error-close").click()

            browser.get(base + "#weights")
            WebDriverWait(browser, 20).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#weight-grid .tile")) == model["sizes"][1])
            browser.find_elements(By.CSS_SELECTOR, "#weight-grid .tile")[3].click()
            check(waited(browser, 20, lambda b: len(b.find_elements(By.CSS_SELECTOR, "#top-images figure")) == 24),
                  "the Weights page shows every first-layer neuron and a neuron's top test images")
            browser.save_screenshot(os.path.join(arguments.out, "weights.png"))
            # The keyboard alone: Tab to a weight tile, Tab to the next, Enter opens it.
            browser.execute_script("document.activeElement.blur(); window.scrollTo(0, 0);")
            active = None
            for _ in range(40):
                ActionChains(browser).send_keys(Keys.TAB).perform()
                active = browser.switch_to.active_element
                if "tile" in (active.get_attribute("class") or ""):
                    break
            reached = active is not None and "tile" in (active.get_attribute("class") or "")
            first = int(active.get_attribute("data-neuron")) if reached else -1
            neuron = None
            if reached:
                ActionChains(browser).send_keys(Keys.TAB).perform()
                neuron = browser.switch_to.active_element.get_attribute("data-neuron")
                ActionChains(browser).send_keys(Keys.ENTER).perform()
                WebDriverWait(browser, 20).until(
                    lambda b: b.find_element(By.CSS_SELECTOR, f"#weight-grid .tile[data-neuron='{neuron}']").get_attribute("aria-pressed") == "true")
            check(reached and neuron == str(first + 1), f"Tab reaches the weight tiles, moves from one to the next, and Enter opens it (neuron {neuron})")

            browser.get(base + "#mistakes")
            WebDriverWait(browser, 30).until(lambda b: b.find_elements(By.ID, "cell-4-9"))
            check(browser.find_element(By.ID, "cell-4-9").tag_name == "button", "the confusion cells are buttons")
            browser.find_element(By.ID, "cell-4-9").click()
            check(waited(browser, 20, lambda b: "read as 9" in b.find_element(By.ID, "cell-title").text),
                  "the Mistakes page shows the confusion matrix and the 4-read-as-9 cell")
            browser.save_screenshot(os.path.join(arguments.out, "mistakes.png"))

            browser.get(base + "#descent")
            WebDriverWait(browser, 20).until(lambda b: "step 0" in b.find_element(By.ID, "descent-status").text)
            browser.find_element(By.ID, "surface").send_keys("Himmelblau")
            time.sleep(1)
            ActionChains(browser).move_to_element_with_offset(browser.find_element(By.ID, "landscape"), 15, -5).click().perform()
            time.sleep(1)
            browser.find_element(By.ID, "descent-play").click()
            WebDriverWait(browser, 30).until(lambda b: "step 500" in b.find_element(By.ID, "descent-status").text
                                             or "step 1" in b.find_element(By.ID, "descent-status").text)
            time.sleep(3)
            rolled = re.search(r"step (\d+)", browser.find_element(By.ID, "descent-status").text)
            check(rolled is not None and int(rolled.group(1)) > 0, f"the Descent page rolls the ball ({rolled and rolled.group(0)})")
            browser.save_screenshot(os.path.join(arguments.out, "descent.png"))

            browser.get(base + "#train")
            for field, value in [("epochs", "1"), ("training-limit", "5000")]:
                element = browser.find_element(By.ID, field)
                element.clear()
                element.send_keys(value)
            browser.find_element(By.ID, "train-start").click()
            WebDriverWait(browser, 120).until(lambda b: b.find_element(By.ID, "train-status").get_attribute("data-state"))
            state = browser.find_element(By.ID, "train-status").get_attribute("data-state")
            check(state == "finished", f"one epoch on 5,000 images finished from the Train page (state {state})")
            points = browser.find_element(By.ID, "curves").get_attribute("data-points")
            check(points == "1", f"the curve shows the epoch (points {points})")
            check(waited(browser, 20, lambda b: "version 2" in b.find_element(By.ID, "model-info").text),
                  "the new model is in use (version 2)")
            browser.save_screenshot(os.path.join(arguments.out, "train.png"))

            # After the new model, the Descent page still has one set of listeners: Step moves one step.
            browser.get(base + "#descent")
            time.sleep(1)
            browser.find_element(By.ID, "descent-reset").click()
            browser.find_element(By.ID, "descent-step").click()
            status = browser.find_element(By.ID, "descent-status").text
            check(status.startswith("step 1 of"), f"after a training, Step still moves one step ({status})")
        finally:
            browser.quit()
            server.terminate()
            server.wait(timeout=10)
    my_digits_and_fine_tuning(arguments, check)
    shrink(arguments.out)
    print(f"screenshots in {arguments.out}")
    if failures:
        print(f"{len(failures)} browser checks failed")
        sys.exit(1)
    print("browser checks passed")


if __name__ == "__main__":
    main()
