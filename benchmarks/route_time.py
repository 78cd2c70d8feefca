#!/usr/bin/env python3
"""Time of the explorer's light routes, one request at a time on one kept-alive connection.

    python3 benchmarks/route_time.py BINARY MNIST_FOLDER --model MODEL [--requests 400] [--rounds 3]

Starts `descent serve` on loopback with MODEL and asks, in interleaved rounds, GET /api/class/pace (the
floor: a route that computes nothing), POST /api/predict, POST /api/gradient (the served model) and
POST /api/step (a copy). It prints each route's median and p90 client-side latency, the best round's,
and the median less the floor's: the server's own time for the route, near enough. Run it on a quiet
machine; it prints the CPU and the load average.
"""
import argparse, http.client, json, os, statistics, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "support"))
import explorer_server  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("mnist")
    parser.add_argument("--model", required=True)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    log = os.path.join(tempfile.mkdtemp(prefix="descent-route-time-"), "serve.log")
    server, port, token, _ = explorer_server.start(args.binary, ["--data", args.mnist, "--model", args.model], log)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"X-Descent-Token": token, "Content-Type": "application/json", "Host": f"127.0.0.1:{port}"}

        def call(method, path, body=None):
            connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
            response = connection.getresponse()
            data = response.read()
            if response.status >= 400:
                raise SystemExit(f"{method} {path}: {response.status} {data[:200]!r}")
            return data

        image = json.loads(call("GET", "/api/test/0"))
        example = {"pixels": [b / 255 for b in image["bytes"]], "label": image["label"]}
        session = json.loads(call("POST", "/api/step", dict(example, learningRate=0.01)))["session"]["id"]
        routes = {
            "GET /api/class/pace (floor)": lambda: call("GET", "/api/class/pace"),
            "POST /api/predict": lambda: call("POST", "/api/predict", {"pixels": example["pixels"]}),
            "POST /api/gradient": lambda: call("POST", "/api/gradient", example),
            "POST /api/step": lambda: call("POST", "/api/step", dict(example, learningRate=0.001, session=session)),
        }
        for route in routes.values():  # warm up: the first evaluation, the caches
            for _ in range(20):
                route()
        best = {name: None for name in routes}
        for _ in range(args.rounds):
            for name, route in routes.items():
                times = []
                for _ in range(args.requests):
                    start = time.perf_counter()
                    route()
                    times.append(1000 * (time.perf_counter() - start))
                times.sort()
                figures = (statistics.median(times), times[int(0.9 * len(times))])
                if best[name] is None or figures[0] < best[name][0]:
                    best[name] = figures
    finally:
        server.terminate()
        server.wait(timeout=30)
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "unknown")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}; {args.requests} requests a route, best of {args.rounds} rounds")
    floor = best["GET /api/class/pace (floor)"][0]
    for name, (median, p90) in best.items():
        print(f"{name:32} median {median:7.3f} ms   p90 {p90:7.3f} ms   less the floor {median - floor:7.3f} ms")


if __name__ == "__main__":
    main()
