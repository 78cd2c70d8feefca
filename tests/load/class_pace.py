#!/usr/bin/env python3
"""How long the teacher's move takes to reach a class: PAGES event streams on `descent serve --classroom`.

    python3 tests/load/class_pace.py BINARY MNIST_FOLDER --model MODEL [--pages 30] [--moves 10] [--limit-ms 1000]

Opens PAGES connections to GET /api/class/events, each a page of its own (its own cookie), as a class's
browsers hold them; then the teacher moves the class (POST /api/class/pace) MOVES times, and each time
it measures when every page has the `pace` event with the new chapter. It reports the slowest page's
time for each move, their median and worst, and fails when a move takes LIMIT ms or more to reach every
page. Then it stops the server with SIGTERM while the streams are open and fails if it takes 10 s.
"""
import argparse, http.client, json, os, signal, socket, statistics, sys, tempfile, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402


def follow(port, number, arrivals, ready):
    """One page's stream: records when each chapter's `pace` event arrives."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    cookie = f"descent_browser={number:032x}"
    sock.sendall(f"GET /api/class/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\nAccept: text/event-stream\r\n\r\n".encode())
    buffer = b""
    ready.release()
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return
            buffer += data
            while b"\n\n" in buffer:
                event, buffer = buffer.split(b"\n\n", 1)
                lines = event.decode(errors="replace").splitlines()
                if "event: pace" in lines:
                    payload = json.loads(next(line[6:] for line in lines if line.startswith("data: ")))
                    arrivals.setdefault(payload["chapter"], {})[number] = time.perf_counter()
    except OSError:
        return


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("mnist")
    parser.add_argument("--model", required=True)
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument("--limit-ms", type=float, default=1000)
    args = parser.parse_args()
    log = os.path.join(tempfile.mkdtemp(prefix="descent-class-pace-"), "serve.log")
    server, port, token, teacher = explorer_server.start(args.binary, ["--data", args.mnist, "--model", args.model, "--classroom"], log)
    failures, worst = [], []
    arrivals, ready = {}, threading.Semaphore(0)
    try:
        for number in range(1, args.pages + 1):
            threading.Thread(target=follow, args=(port, number, arrivals, ready), daemon=True).start()
        for _ in range(args.pages):
            ready.acquire()
        time.sleep(1)  # every stream has its first event, the current pace
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Authorization": f"Bearer {teacher}", "Content-Type": "application/json", "Host": f"127.0.0.1:{port}"}
        for move in range(args.moves):
            chapter = 2 + move % 9
            start = time.perf_counter()
            connection.request("POST", "/api/class/pace", body=json.dumps({"chapter": chapter}), headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"POST /api/class/pace: {response.status}")
                break
            deadline = start + 5
            while len(arrivals.get(chapter, {})) < args.pages and time.perf_counter() < deadline:
                time.sleep(0.001)
            reached = arrivals.pop(chapter, {})
            if len(reached) < args.pages:
                failures.append(f"chapter {chapter}: {len(reached)} of {args.pages} pages in 5 s")
                continue
            worst.append(1000 * (max(reached.values()) - start))
            time.sleep(0.3)
        stop = time.time()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
            stopped = time.time() - stop
        except Exception:
            stopped = None
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    if worst:
        print(f"class_pace: {args.pages} pages, {len(worst)} moves; the last page had the move after "
              f"{statistics.median(worst):.1f} ms (median), {max(worst):.1f} ms (worst)")
        if max(worst) >= args.limit_ms:
            failures.append(f"a move took {max(worst):.1f} ms to reach every page, not under {args.limit_ms:.0f} ms")
    if stopped is None:
        failures.append(f"the server did not stop within 10 s of SIGTERM with {args.pages} streams open")
    else:
        print(f"class_pace: stopped {stopped:.1f} s after SIGTERM with {args.pages} streams open")
    for failure in failures:
        print("FAIL", failure)
    print("class_pace: passed" if not failures else f"class_pace: {len(failures)} failures")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
