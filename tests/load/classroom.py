#!/usr/bin/env python3
"""A classroom under load: 30 students on one `descent serve --classroom` on loopback, while the teacher trains.

    python3 tests/load/classroom.py BINARY MNIST_FOLDER --model FAST98.safetensors [--students 30] [--seconds 120]
        [--no-teacher] [--results FILE.json]

Each student is a process of its own with its own cookie (its own digits) and its own copy of the model:
it draws (three predictions a drawing, as the page sends them while the pen moves), asks for the nudges
of a labelled example (/api/gradient on its copy), takes a step, adds a few digits, and fine-tunes its
copy once it has three. A little after the start the teacher starts a training of the model everyone
sees, half-way through (not with --no-teacher). At the end it reports the p50 and p99 latency of
/api/predict, /api/gradient and /api/step as the students saw them, every status (no 5xx allowed), the
server's peak memory (VmHWM from /proc), and checks that no student's digits or copy was changed by
anyone else:
- digits: each student's GET /api/my-digits lists exactly the digits it added;
- copy: before each step, the copy's outputs for the student's example are those the student's own last
  step left (the answer's `after`), unless the student's own fine-tuning replaced them meanwhile.
Fails below the floors: p99 predict over --p99-ms (50), p99 gradient over --gradient-p99-ms (no floor
unless given), any 5xx, peak memory over --peak-mb (1536). --results writes every figure, the raw
latencies and the CPU to a JSON file (benchmarks/results/ keeps them).
"""
import argparse, http.client, json, math, multiprocessing, os, random, statistics, struct, sys, tempfile, time, zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402


def png(bytes784):
    """A 28x28 grayscale PNG of the 784 bytes (white ink on black, as MNIST)."""
    raw = b"".join(b"\0" + bytes(bytes784[row * 28:(row + 1) * 28]) for row in range(28))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 28, 28, 8, 0, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class Client:
    """One browser: a keep-alive connection, its cookie, the page token."""

    def __init__(self, port, token):
        self.port, self.token, self.cookie = port, token, None
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.statuses = {}

    def call(self, method, path, body=None, content_type="application/json"):
        headers = {"X-Descent-Token": self.token, "Host": f"127.0.0.1:{self.port}"}
        if body is not None:
            headers["Content-Type"] = content_type
            if content_type == "application/json":
                body = json.dumps(body).encode()
        if self.cookie:
            headers["Cookie"] = self.cookie
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 1:
                    raise
        cookie = response.getheader("Set-Cookie")
        if cookie and cookie.startswith("descent_browser="):
            self.cookie = cookie.split(";")[0]
        key = f"{method} {path.split('?')[0]} {response.status}"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if data[:4] == b"DGR1":
            return response.status, binary_gradient(data)
        try:
            return response.status, json.loads(data)
        except ValueError:
            return response.status, None


def binary_gradient(data):
    """/api/gradient's binary answer: "DGR1", a UInt32 length, that much JSON, padding, then the pictures (not read here)."""
    (length,) = struct.unpack_from("<I", data, 4)
    return json.loads(data[8:8 + length])


def close(a, b):
    return len(a) == len(b) and all(abs(x - y) <= 1e-5 * max(1.0, abs(x)) for x, y in zip(a, b))


def student(number, port, token, images, stop_at, results):
    rng = random.Random(number)
    client = Client(port, token)
    latencies, problems, added = [], [], set()
    gradient_latencies, step_latencies = [], []
    session, expected, job, next_fine_tune, fine_tunes = None, None, None, 0.0, 0
    example_index = rng.randrange(len(images))
    example = {"pixels": [b / 255 for b in images[example_index][0]], "label": images[example_index][1]}
    while time.time() < stop_at:
        # Drawing: three predictions as the pen moves.
        for _ in range(3):
            pixels, _ = images[rng.randrange(len(images))]
            start = time.perf_counter()
            status, _ = client.call("POST", "/api/predict", {"pixels": [b / 255 for b in pixels]})
            latencies.append(1000 * (time.perf_counter() - start))
            time.sleep(rng.uniform(0.05, 0.15))
        # Its own fine-tuning: follow it; once it has ended, the copy's outputs are new.
        if job is not None:
            status, state = client.call("GET", f"/api/train?id={job}")
            if status == 200 and state["state"] not in ("queued", "running"):
                job, expected = None, None
                fine_tunes += state["state"] == "finished"
        # The nudges on its copy: the outputs must be those its own last step left.
        body = dict(example, session=session) if session else example
        start = time.perf_counter()
        status, gradient = client.call("POST", "/api/gradient", body)
        gradient_latencies.append(1000 * (time.perf_counter() - start))
        if status == 404 and session:
            problems.append(f"student {number}: its copy {session[:8]} was dropped")
            session, expected = None, None
        elif status == 200 and expected is not None and job is None and not close(gradient["outputs"], expected):
            problems.append(f"student {number}: its copy's outputs changed between its own requests")
        # A step on its copy.
        start = time.perf_counter()
        status, step = client.call("POST", "/api/step", dict(body, learningRate=0.05) if session else dict(example, learningRate=0.05))
        step_latencies.append(1000 * (time.perf_counter() - start))
        if status == 200:
            session = step["session"]["id"]
            expected = None if job is not None else step["after"]["outputs"]
        # A digit now and then, up to five.
        if len(added) < 5 and rng.random() < 0.5:
            pixels, label = images[rng.randrange(len(images))]
            status, digit = client.call("POST", f"/api/my-digits?label={label}", png(pixels), "image/png")
            if status == 201:
                added.add(digit["id"])
        # Fine-tune its copy once it has three digits (again after a 429, later).
        if len(added) >= 3 and job is None and fine_tunes == 0 and time.time() >= next_fine_tune and session:
            status, answer = client.call("POST", "/api/fine-tune", {"epochs": 1, "session": session})
            if status == 202:
                job, expected = answer["id"], None
            else:
                next_fine_tune = time.time() + 15
        time.sleep(rng.uniform(0.2, 0.8))
    status, summary = client.call("GET", "/api/my-digits")
    listed = {digit["id"] for digit in summary["digits"]} if status == 200 else None
    if listed != added:
        problems.append(f"student {number}: lists {sorted(listed or [])[:3]}…, added {sorted(added)[:3]}…")
    results.put({"latencies": latencies, "gradient": gradient_latencies, "step": step_latencies, "statuses": client.statuses,
                 "problems": problems, "fineTunes": fine_tunes, "digits": len(added)})


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1)] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("mnist")
    parser.add_argument("--model", required=True, help="the model served (a fast98 model for the floors)")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--p99-ms", type=float, default=50)
    parser.add_argument("--gradient-p99-ms", type=float, default=None)
    parser.add_argument("--peak-mb", type=float, default=1536)
    parser.add_argument("--no-teacher", action="store_true", help="no training: the students alone")
    parser.add_argument("--results", help="write every figure and the raw latencies here (JSON)")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="descent-classroom-")
    log = os.path.join(folder, "serve.log")
    server, port, token, teacher = explorer_server.start(
        args.binary, ["--data", args.mnist, "--model", args.model, "--classroom", "--my-digits", os.path.join(folder, "digits")], log)
    failures = []
    try:
        reader = Client(port, token)
        images = []
        for index in range(0, 2000, 20):
            _, image = reader.call("GET", f"/api/test/{index}")
            images.append((image["bytes"], image["label"]))
        results = multiprocessing.Queue()
        stop_at = time.time() + args.seconds
        students = [multiprocessing.Process(target=student, args=(n, port, token, images, stop_at, results)) for n in range(args.students)]
        for process in students:
            process.start()
        # The teacher: a training of the model everyone sees, half-way through.
        teacher_client = Client(port, teacher)
        if not args.no_teacher:
            time.sleep(args.seconds / 2)
            status, training = teacher_client.call("POST", "/api/train", {"preset": "fast98", "epochs": 1, "trainingLimit": 20000})
            print(f"classroom: the teacher's training: {status} {training.get('state') if training else ''}", flush=True)
            if status not in (202,):
                failures.append(f"the teacher's training was refused: {status} {training}")
        reports = [results.get(timeout=args.seconds + 300) for _ in students]
        for process in students:
            process.join(timeout=30)
        peak = explorer_server.memory_mb(server.pid, "VmHWM")
        alive = server.poll() is None
    finally:
        server.terminate()
        server.wait(timeout=30)
    latencies = [value for report in reports for value in report["latencies"]]
    statuses = {}
    for report in reports:
        for key, count in report["statuses"].items():
            statuses[key] = statuses.get(key, 0) + count
    for key, count in teacher_client.statuses.items():
        statuses[key] = statuses.get(key, 0) + count
    problems = [problem for report in reports for problem in report["problems"]]
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    routes = {"/api/predict": latencies, "/api/gradient": [v for r in reports for v in r["gradient"]],
              "/api/step": [v for r in reports for v in r["step"]]}
    fivexx = {key: count for key, count in statuses.items() if int(key.rsplit(" ", 1)[1]) >= 500}
    teacher_note = "no training" if args.no_teacher else "the teacher training from half-way"
    print(f"classroom: {args.students} students for {args.seconds:.0f} s, {teacher_note}; {len(latencies)} predictions; "
          f"{sum(r['fineTunes'] for r in reports)} copies fine-tuned, {sum(r['digits'] for r in reports)} digits added; "
          f"server peak memory (VmHWM) {peak:.0f} MB")
    for route, values in routes.items():
        print(f"classroom:   {route}: {len(values)} requests, p50 {statistics.median(values) if values else float('nan'):.1f} ms, "
              f"p99 {percentile(values, 0.99):.1f} ms")
    if args.results:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown")
        with open(args.results, "w") as file:
            json.dump({"cpu": cpu, "cores": os.cpu_count(), "students": args.students, "seconds": args.seconds, "teacher": not args.no_teacher,
                       "load_average": os.getloadavg(), "peak_rss_mb": peak, "statuses": statuses,
                       "routes": {route: {"count": len(values), "p50_ms": statistics.median(values) if values else None,
                                          "p99_ms": percentile(values, 0.99), "raw_ms": [round(v, 3) for v in values]}
                                  for route, values in routes.items()}}, file)
    for key in sorted(statuses):
        print(f"classroom:   {key}: {statuses[key]}")
    if not alive:
        failures.append("the server died; see " + log)
    if fivexx:
        failures.append(f"5xx answers: {fivexx}")
    if p99 >= args.p99_ms:
        failures.append(f"p99 of /api/predict is {p99:.1f} ms, not under {args.p99_ms:.0f} ms")
    gradient_p99 = percentile(routes["/api/gradient"], 0.99)
    if args.gradient_p99_ms is not None and gradient_p99 >= args.gradient_p99_ms:
        failures.append(f"p99 of /api/gradient is {gradient_p99:.1f} ms, not under {args.gradient_p99_ms:.0f} ms")
    if peak >= args.peak_mb:
        failures.append(f"peak memory {peak:.0f} MB, not under {args.peak_mb:.0f} MB")
    if len(latencies) < args.students * 10:
        failures.append(f"only {len(latencies)} predictions: the load did not run")
    failures += problems
    for failure in failures[:30]:
        print("FAIL", failure)
    print("classroom: passed" if not failures else f"classroom: {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
