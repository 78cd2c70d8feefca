#!/usr/bin/env python3
"""The Playground page in a real browser: headless Chromium through selenium, against `descent serve`.

- Spirals with 3 classes, chosen with the form, then Play: the page's reported test accuracy passes
  90%, and the map's text alternative says the same accuracy and counts points that add up to it.
- Step takes one step; the keyboard adds a point (the map focused, an arrow, Enter).
- Export: the model and the test points are fetched from the page's own links, and `descent evaluate
  --csv` on them gives the page's test accuracy, to the point.
- A 4-class CSV is uploaded through the file field, and trained past 90%.
- The link the page gives rebuilds the same setup in a fresh load.
- The page's frame decoder (`import('/api.js')`) reads a real frame and refuses six malformed ones.
- How many frames a second the page itself shows while playing 2-16-16-4 with a 100x100 map.

    python3 tests/browser/test_playground.py BINARY --data MNIST_FOLDER --model FILE [--out DIR]

Screenshots (playground.png, playground-csv.png) go to --out. Needs Debian's chromium and
chromium-driver and Python's selenium. It reads only the page (elements, attributes, the address).
"""
import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402
from test_explorer import make_browser, waited  # noqa: E402


def text(browser, element_id):
    return browser.find_element(By.ID, element_id).text


def accuracy(browser):
    """The test accuracy the page reports (its #pg-accuracy's data-test-accuracy), or -1 before a frame."""
    value = browser.find_element(By.ID, "pg-accuracy").get_attribute("data-test-accuracy")
    return float(value) if value else -1.0


def steps(browser):
    value = browser.find_element(By.ID, "pg-accuracy").get_attribute("data-steps")
    return int(value) if value else -1


def set_field(browser, element_id, value):
    field = browser.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(str(value))


def play_until(browser, threshold, seconds):
    """Presses Play, waits until the reported test accuracy passes `threshold`, presses Pause; again
    (at most five times) if the frame that came after the Pause fell below it. Returns the seconds played."""
    play, played = browser.find_element(By.ID, "pg-play"), 0.0
    for _ in range(5):
        assert play.get_attribute("aria-pressed") == "false"
        play.click()
        started = time.time()
        waited(browser, seconds, lambda b: accuracy(b) > threshold)
        play.click()
        played += time.time() - started
        waited(browser, 10, lambda b: "Paused" in text(b, "pg-status"))
        if accuracy(browser) > threshold:
            return played
    raise AssertionError(f"the test accuracy fell to {accuracy(browser)} after each pause")


def check_map_text(browser):
    """The map's text alternative agrees with the reported accuracy: the same percentage, and test counts that make it."""
    alternative = text(browser, "pg-map-text")
    reported = accuracy(browser)
    match = re.search(r"test accuracy ([\d.]+)% \((\d+) of (\d+)\)", alternative)
    assert match, alternative
    assert abs(float(match.group(1)) - 100 * reported) < 0.006, (alternative, reported)
    test_part = alternative.split("Test points: ")[1].split(". Training points")[0]
    counts = re.findall(r"class [^:]+: (\d+) points, (\d+) in its region", test_part)
    total, correct = sum(int(n) for n, _ in counts), sum(int(m) for _, m in counts)
    assert total == int(match.group(3)) and correct == int(match.group(2)), (counts, match.groups())
    assert abs(correct / total - reported) < 1e-9
    assert browser.find_element(By.ID, "pg-map").get_attribute("aria-describedby") == "pg-map-text"
    return alternative


def fetch(url, path):
    with urllib.request.urlopen(url, timeout=30) as response, open(path, "wb") as out:
        out.write(response.read())


def check_export(browser, binary, base, out):
    """Fetches the page's model and test points by their links, and evaluates them with descent evaluate."""
    model_url = browser.find_element(By.ID, "pg-export-model").get_attribute("href")
    data_url = browser.find_element(By.ID, "pg-export-data").get_attribute("href")
    assert model_url.startswith(base + "/api/playground/model?session=") and "split=test" in data_url
    model, data = os.path.join(out, "playground.safetensors"), os.path.join(out, "playground-test.csv")
    fetch(model_url, model)
    fetch(data_url, data)
    result = subprocess.run([binary, "evaluate", "--model", model, "--csv", data, "--label-column", "label", "--json"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    evaluation = json.loads(result.stdout)
    page = accuracy(browser)
    assert abs(evaluation["accuracy"] - page) < 1e-9, (evaluation["accuracy"], page)
    return evaluation["accuracy"]


def four_class_csv(path, seed=4):
    generator = random.Random(seed)
    corners = {"north": (0, 2), "east": (2, 0), "south": (0, -2), "west": (-2, 0)}
    with open(path, "w") as out:
        out.write("width,height,kind\n")
        for index in range(800):
            name = list(corners)[index % 4]
            cx, cy = corners[name]
            out.write(f"{cx + generator.gauss(0, 0.5):.4f},{cy + generator.gauss(0, 0.5):.4f},{name}\n")


DECODER_CHECK = """
const done = arguments[arguments.length - 1];
(async () => {
  const api = await import('/api.js');
  const token = sessionStorage.getItem('descent-token'), session = arguments[0];
  const response = await fetch('/api/playground/train', {method: 'POST', headers: {'Content-Type': 'application/json', 'X-Descent-Token': token},
    body: JSON.stringify({session, steps: 1, points: true})});
  const good = await response.arrayBuffer();
  const frame = api.decodePlaygroundFrame(good);
  const bytes = new Uint8Array(good), results = {good: [frame.map.width, frame.neurons.length, frame.points.label.length]};
  const variants = {
    magic: () => { const b = bytes.slice(); b[0] = 88; return b.buffer; },
    truncated: () => bytes.slice(0, bytes.length - 5).buffer,
    trailing: () => { const b = new Uint8Array(bytes.length + 1); b.set(bytes); return b.buffer; },
    header: () => bytes.slice(0, 8).buffer,
    padding: () => { const n = new DataView(good).getUint32(4, true); if ((8 + n) % 4 === 0) return null; const b = bytes.slice(); b[8 + n] = 1; return b.buffer; },
    maps: () => { const n = new DataView(good).getUint32(4, true), at = Math.ceil((8 + n) / 4) * 4; const b = bytes.slice(); new DataView(b.buffer).setUint32(at + 8, 3, true); return b.buffer; },
  };
  for (const [name, make] of Object.entries(variants)) {
    const body = make();
    if (!body) { results[name] = 'skipped'; continue; }
    try { api.decodePlaygroundFrame(body); results[name] = 'accepted'; } catch (error) { results[name] = error.message; }
  }
  return results;
})().then(done, (error) => done({error: error.message}));
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binary")
    parser.add_argument("--data", required=True)
    parser.add_argument("--model", required=True)
    parser.add_argument("--out", default="tests/browser/output")
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    server, port, token, _ = explorer_server.start(arguments.binary, ["--data", arguments.data, "--model", arguments.model],
                                                   os.path.join(arguments.out, "server-playground.log"))
    base = f"http://127.0.0.1:{port}"
    browser = make_browser(width=1600, height=1250)
    browser.set_script_timeout(60)
    try:
        browser.get(f"{base}/?token={token}#playground")
        waited(browser, 30, lambda b: accuracy(b) >= 0)
        assert "token" not in browser.current_url

        # The form starts from the library's playground preset, and so does the first frame.
        with urllib.request.urlopen(f"{base}/api/presets", timeout=30) as response:
            preset = json.load(response)["playground"]
        hidden = ",".join(preset["layers"].split(",")[1:-1])
        form = {field: browser.find_element(By.ID, f"pg-{field}").get_attribute("value")
                for field in ("hidden", "activation", "learning-rate", "batch-size", "optimizer")}
        expected = {"hidden": hidden, "activation": preset["hidden_activation"], "learning-rate": str(float(preset["learning_rate"])),
                    "batch-size": str(int(preset["batch_size"])), "optimizer": preset["optimizer"]}
        form["learning-rate"] = str(float(form["learning-rate"]))
        assert form == expected, (form, expected)
        waited(browser, 20, lambda b: f"-{hidden.replace(',', '-')}-" in text(b, "pg-network-text"))
        print("the form starts from the playground preset:", form)

        # Spirals of 3 classes, chosen with the form.
        Select(browser.find_element(By.ID, "pg-shape")).select_by_value("spirals")
        set_field(browser, "pg-classes", 3)
        set_field(browser, "pg-hidden", "32,32")
        browser.find_element(By.ID, "pg-draw").click()
        waited(browser, 20, lambda b: "Set up 2-32-32-3" in text(b, "pg-status"))
        assert steps(browser) == 0
        browser.find_element(By.ID, "pg-step").click()
        waited(browser, 10, lambda b: steps(b) == 1)
        seconds = play_until(browser, 0.9, 90)
        alternative = check_map_text(browser)
        print(f"spirals, 3 classes: {100 * accuracy(browser):.2f}% after {steps(browser)} steps ({seconds:.1f} s of play)")
        print("  the map says:", alternative[:160], "…")
        assert "Decision regions" in text(browser, "pg-map-text") and "The network 2-32-32-3" in text(browser, "pg-network-text")
        browser.save_screenshot(os.path.join(arguments.out, "playground.png"))

        evaluated = check_export(browser, arguments.binary, base, arguments.out)
        print(f"descent evaluate on the exported model and test CSV: {100 * evaluated:.2f}%, the page's")

        # The link rebuilds the setup in a fresh load.
        link = browser.find_element(By.ID, "pg-link").get_attribute("href")
        assert "shape=spirals" in link and "classes=3" in link and "hidden=32%2C32" in link, link

        # The keyboard: focus the map, move the cursor, Enter adds a point.
        browser.find_element(By.ID, "pg-map").send_keys(Keys.ARROW_RIGHT, Keys.ARROW_RIGHT, Keys.ENTER)
        waited(browser, 10, lambda b: "1 added by clicking" in text(b, "pg-source"))

        # The decoder reads a real frame and refuses malformed ones.
        session = browser.find_element(By.ID, "pg-export-model").get_attribute("href").split("session=")[1]
        results = browser.execute_async_script(DECODER_CHECK, session)
        assert "error" not in results, results
        assert results["good"][1] == 64, results
        for name in ("magic", "truncated", "trailing", "header", "padding", "maps"):
            assert results[name] == "skipped" or "malformed" in results[name], (name, results[name])
        print("decoder:", {k: (v if k == "good" else v[:60]) for k, v in results.items()})

        # A 4-class CSV of one's own.
        csv_path = os.path.join(tempfile.mkdtemp(), "four.csv")
        four_class_csv(csv_path)
        set_field(browser, "pg-label-column", "kind")
        browser.find_element(By.ID, "pg-csv").send_keys(csv_path)
        waited(browser, 20, lambda b: "Loaded four.csv" in text(b, "pg-status"))
        assert len(Select(browser.find_element(By.ID, "pg-click-class")).options) == 4
        seconds = play_until(browser, 0.9, 60)
        check_map_text(browser)
        print(f"four.csv, 4 classes: {100 * accuracy(browser):.2f}% after {steps(browser)} steps ({seconds:.1f} s of play)")
        browser.save_screenshot(os.path.join(arguments.out, "playground-csv.png"))

        # Frames the page shows a second: 2-16-16-4 blobs, a 100x100 map, every neuron's map.
        browser.get(f"{base}/#playground/shape=blobs&classes=4&points=1000&hidden=16%2C16&grid=100")
        waited(browser, 30, lambda b: "Set up 2-16-16-4" in text(b, "pg-status"))
        assert browser.find_element(By.ID, "pg-classes").get_attribute("value") == "4"
        browser.find_element(By.ID, "pg-play").click()
        time.sleep(1)
        first, start = steps(browser), time.time()
        count, last = 0, None
        while time.time() - start < 5:
            now = steps(browser)
            if now != last:
                count, last = count + 1, now
            time.sleep(0.01)
        browser.find_element(By.ID, "pg-play").click()
        waited(browser, 10, lambda b: "Paused" in text(b, "pg-status"))
        print(f"the page drew about {count / 5:.1f} frames a second (steps {first} to {last}); its own count: {text(browser, 'pg-status')}")
    finally:
        browser.quit()
        server.terminate()
        server.wait(timeout=30)
    print("playground: all checks passed")


if __name__ == "__main__":
    main()
