#!/usr/bin/env python3
"""The explorer under abuse: malformed and hostile HTTP against `descent serve` on loopback.

    python3 tests/robustness/abuse.py BINARY MNIST_FOLDER [--model MODEL] [--connections N]

Starts the server (idle timeout 3 s, so that the slow-client checks are quick), then: slow clients
(slowloris: headers a byte at a time, and silent connections), huge headers and too many headers,
invalid UTF-8 in the path, headers and body, deeply nested and malformed JSON, bodies over the limit
and bodies shorter than their Content-Length, raw garbage and broken chunked encoding, a thousand
pipelined requests on one connection, thousands of connections at once (up to the open-file
limit; every one the server takes, up to --max-connections, must be answered), and what a page of
another site could send (a foreign Host, Origin or Sec-Fetch-Site, JSON as text/plain, no token) and
a training over the work limits, each refused with its 4xx. After each it checks the server is alive and still answers, that no answer was a 5xx, and it
reports the server's resident memory. Exits non-zero on a crash, a 5xx, a wrong status, or memory
that grew by more than 150 MB over the whole run.
"""
import argparse, errno, json, os, resource, selectors, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
import explorer_server  # noqa: E402

def rss_mb(pid):
    return explorer_server.memory_mb(pid, "VmRSS")

class Abuse:
    def __init__(self, args):
        self.port = explorer_server.free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="descent-abuse-", suffix=".log", delete=False)
        command = [args.binary, "serve", "--data", args.mnist, "--host", "127.0.0.1", "--port", str(self.port),
                   "--idle-timeout", "3", "--max-connections", str(args.max_connections), "--train-epochs", "1"]
        if args.model:
            command += ["--model", args.model]
        self.server = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        self.failures = []
        self.statuses = {}
        self.max_connections = args.max_connections
        deadline = time.time() + 180
        while time.time() < deadline:
            try:
                if self.request(b"GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")[0] == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            sys.exit("abuse: the server did not start; see " + self.log.name)
        self.token = explorer_server.tokens(self.log.name, self.server)[1]
        self.baseline = rss_mb(self.server.pid)
        print(f"abuse: server pid {self.server.pid} on port {self.port}, RSS {self.baseline:.1f} MB after start")

    def connect(self, timeout=10):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def request(self, raw, timeout=10):
        """Sends raw bytes, returns (status or None if the server closed without answering, body)."""
        with self.connect(timeout) as s:
            try:
                s.sendall(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass
            data = b""
            try:
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if self._complete(data):
                        break
            except (ConnectionResetError, socket.timeout):
                pass
        if not data.startswith(b"HTTP/1.1 "):
            return None, data
        status = int(data[9:12])
        self.statuses[status] = self.statuses.get(status, 0) + 1
        return status, data.split(b"\r\n\r\n", 1)[-1]

    @staticmethod
    def _complete(data):
        head, _, body = data.partition(b"\r\n\r\n")
        if not _:
            return False
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                return len(body) >= int(line.split(b":")[1])
        return False

    def post(self, path, body, content_type="application/json", extra=b""):
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n").encode() + extra + b"\r\n"
        return self.request(head + body)

    def check(self, name, got, allowed):
        """`got` is a status (None: closed without answer); `allowed` the acceptable ones."""
        ok = got in allowed
        if not ok:
            self.failures.append(f"{name}: got {got}, expected one of {sorted(allowed, key=str)}")
        alive = self.alive()
        print(f"abuse: {'ok  ' if ok and alive else 'FAIL'} {name}: {got if got is not None else 'closed'}; "
              f"RSS {rss_mb(self.server.pid) if alive else 0:.1f} MB")

    def alive(self):
        if self.server.poll() is not None:
            self.failures.append(f"the server exited with status {self.server.returncode}")
            return False
        try:
            status, _ = self.request(b"GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        except OSError as error:
            self.failures.append(f"the server does not answer: {error}")
            return False
        if status != 200:
            self.failures.append(f"GET /api/model answered {status}")
        return status == 200

    # MARK: - The abuses

    def slow_clients(self):
        # Silent connections, and a slowloris sending its head a byte at a time (faster than the idle
        # timeout, so it is not cut): the server keeps answering others meanwhile.
        silent = [self.connect() for _ in range(200)]
        loris = [self.connect() for _ in range(50)]
        head = b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Slow: "
        for s in loris:
            s.sendall(head)
        for _ in range(3):
            for s in loris:
                s.sendall(b"a")
            time.sleep(1)
        self.check("others are served while 200 silent and 50 slowloris connections are open", self.alive() and 200, {200})
        time.sleep(4.5)  # Past the 3 s idle timeout for the silent ones.
        closed = 0
        for s in silent:
            s.settimeout(0.5)
            try:
                closed += s.recv(1) == b""
            except (ConnectionResetError, socket.timeout):
                closed += 1
            s.close()
        for s in loris:
            s.close()
        print(f"abuse:      {closed} of 200 silent connections closed by the server after its 3 s idle timeout")
        if closed < 200:
            self.failures.append(f"only {closed} of 200 silent connections were closed by the idle timeout")

    def huge_headers(self):
        big = b"X-Big: " + b"a" * 200_000 + b"\r\n"
        status, _ = self.request(b"GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\n" + big + b"\r\n")
        self.check("a 200 KB header", status, {None, 400, 431})
        many = b"".join(b"X-%d: 1\r\n" % i for i in range(5000))
        status, _ = self.request(b"GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\n" + many + b"\r\n")
        self.check("5,000 headers", status, {None, 400, 431})
        status, _ = self.request(b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.check("a 100 KB path", status, {None, 400, 404, 414, 431})

    def invalid_utf8(self):
        status, _ = self.request(b"GET /api/\xff\xfe\xc3\x28 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        self.check("invalid UTF-8 in the path", status, {None, 400, 404})
        status, _ = self.request(b"GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad: \xff\xfe\xc3\x28\r\nConnection: close\r\n\r\n")
        self.check("invalid UTF-8 in a header", status, {None, 200, 400})
        status, _ = self.post("/api/predict", b'{"pixels": [\xff\xfe]}')
        self.check("invalid UTF-8 in a JSON body", status, {400})
        status, _ = self.post("/api/predict", b'{"pixels\xc3\x28": [0]}')
        self.check("invalid UTF-8 in a JSON key", status, {400})

    def nested_json(self):
        status, _ = self.post("/api/predict", b"[" * 500_000)
        self.check("500,000 nested arrays", status, {400})
        status, _ = self.post("/api/predict", b'{"pixels": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
        self.check("pixels nested 100,000 deep", status, {400})
        status, _ = self.post("/api/predict", b'{"a":' * 50_000 + b"1" + b"}" * 50_000)
        self.check("objects nested 50,000 deep", status, {400})
        status, _ = self.post("/api/train", b"[" * 200_000)
        self.check("nested arrays to /api/train without the token", status, {403})
        status, _ = self.post("/api/train", b"[" * 200_000, extra=f"X-Descent-Token: {self.token}\r\n".encode())
        self.check("nested arrays to /api/train", status, {400})

    def other_sites(self):
        # What a page of another site, or a DNS-rebinding one, could send: each refused before it acts.
        status, _ = self.request(b"GET /api/model HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
        self.check("a Host of another name (DNS rebinding)", status, {403})
        body = b'{"epochs": 1, "trainingLimit": 100}'
        status, _ = self.post("/api/train", body, "text/plain", extra=b"Origin: http://evil.example\r\n")
        self.check("a cross-site text/plain training, no token", status, {403})
        status, _ = self.post("/api/train", body, "text/plain", extra=f"X-Descent-Token: {self.token}\r\n".encode())
        self.check("a text/plain training with the token", status, {415})
        status, _ = self.post("/api/train", body, extra=f"X-Descent-Token: {self.token}\r\nSec-Fetch-Site: cross-site\r\n".encode())
        self.check("Sec-Fetch-Site: cross-site with the token", status, {403})
        status, _ = self.post("/api/train", b'{"layers": [784, 30000, 10]}', extra=f"X-Descent-Token: {self.token}\r\n".encode())
        self.check("a training of 23.5 million weights", status, {422})

    def bad_bodies(self):
        status, _ = self.post("/api/predict", b"0" * (2 << 20))
        self.check("a 2 MB body", status, {None, 413})
        status, _ = self.request(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                 b"Content-Length: 1000000\r\n\r\n{\"pixels\": [", timeout=8)
        self.check("a body shorter than its Content-Length (then silence)", status, {None, 400, 408})
        status, _ = self.request(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999999999999999\r\n\r\n")
        self.check("an absurd Content-Length", status, {None, 400, 413})
        status, _ = self.request(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                 b"Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n")
        self.check("a broken chunk size", status, {None, 400})
        status, _ = self.request(b"POST /api/predict HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                                 b"Content-Length: 5\r\n\r\n0\r\n\r\n")
        self.check("chunked and Content-Length together", status, {None, 400})
        status, _ = self.post("/api/predict", b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + b"\xff" * 17, "image/png")
        self.check("a PNG header claiming 4 billion pixels a side", status, {400, 413})
        status, _ = self.post("/api/predict", os.urandom(4096), "image/png")
        self.check("random bytes as a PNG", status, {400})
        status, _ = self.post("/api/predict", b'{"pixels": [' + b",".join([b"1e308"] * 784) + b"]}")
        self.check("784 numbers out of range", status, {400})
        status, _ = self.post("/api/predict", b"{}", "text/html; \xff")
        self.check("a strange Content-Type", status, {None, 400, 415})

    def garbage(self):
        for name, raw in [("random bytes", os.urandom(10_000)), ("HTTP/0.9", b"GET /\r\n\r\n"),
                          ("a bad method", b"BR3W /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                          ("a bad version", b"GET /api/model HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n"),
                          ("NUL bytes", b"GET /api\0/model HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                          ("a bare LF request", b"GET /api/model HTTP/1.1\nHost: 127.0.0.1\n\n")]:
            status, _ = self.request(raw, timeout=5)
            self.check(name, status, {None, 200, 400, 404, 405, 501, 505})

    def pipelined(self):
        one = b"GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        with self.connect(30) as s:
            s.sendall(one * 1000)
            data, count = b"", 0
            while count < 1000:
                chunk = s.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
                count = data.count(b"HTTP/1.1 200")
        self.check(f"1,000 pipelined requests on one connection ({count} answered 200)", 200 if count == 1000 else count, {200})

    def many_connections(self, wanted):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        wanted = min(wanted, hard - 100)
        sockets, refused = [], 0
        start = time.time()
        for _ in range(wanted):
            try:
                s = socket.socket()
            except OSError:  # out of file descriptors: count it, and stop opening
                refused += 1
                break
            s.setblocking(False)
            result = s.connect_ex(("127.0.0.1", self.port))
            if result in (0, errno.EINPROGRESS):
                sockets.append(s)
            else:
                refused += 1
                s.close()
        time.sleep(2)
        during = rss_mb(self.server.pid)
        # Each sends a request head; the server answers those it accepted (those beyond
        # --max-connections wait in the backlog and are answered once others close).
        for s in sockets:
            try:
                s.send(b"GET /api/model HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            except OSError:
                pass
        # Every connection the server took (up to --max-connections) is answered; wait up to 20 s.
        expected = min(len(sockets), self.max_connections)
        answered, deadline = 0, time.time() + 20
        with selectors.DefaultSelector() as selector:  # epoll: file descriptors past select()'s 1024
            for s in sockets:
                selector.register(s, selectors.EVENT_READ)
            while answered < expected and selector.get_map() and time.time() < deadline:
                for key, _ in selector.select(0.2):
                    selector.unregister(key.fileobj)
                    try:
                        answered += key.fileobj.recv(16).startswith(b"HTTP/1.1 200")
                    except OSError:
                        pass
        for s in sockets:
            s.close()
        print(f"abuse:      {len(sockets)} connections opened in {time.time() - start:.1f}s ({refused} refused), "
              f"{answered} answered 200 (expected at least {expected}); server RSS {during:.1f} MB while open")
        if refused:
            self.failures.append(f"{refused} of {wanted} connections could not be opened on loopback")
        if answered < expected:
            self.failures.append(f"only {answered} of the {expected} connections the server could take were answered 200")
        time.sleep(2)
        self.check(f"{len(sockets)} concurrent connections", self.alive() and 200, {200})

    def finish(self):
        time.sleep(1)
        final = rss_mb(self.server.pid) if self.server.poll() is None else 0
        self.server.terminate()
        try:
            self.server.wait(10)
        except subprocess.TimeoutExpired:
            self.server.kill()
        fivexx = {k: v for k, v in self.statuses.items() if k >= 500}
        if fivexx:
            self.failures.append(f"5xx answers: {fivexx}")
        if final - self.baseline > 150:
            self.failures.append(f"RSS grew from {self.baseline:.1f} to {final:.1f} MB")
        print(f"abuse: statuses seen {dict(sorted(self.statuses.items()))}; RSS {self.baseline:.1f} MB at start, {final:.1f} MB at the end")
        if self.failures:
            print("abuse: FAILED:\n  " + "\n  ".join(self.failures) + f"\n  (server log: {self.log.name})")
            return 1
        os.unlink(self.log.name)
        print("abuse: passed")
        return 0

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("mnist")
    parser.add_argument("--model")
    parser.add_argument("--connections", type=int, default=10_000)
    parser.add_argument("--max-connections", type=int, default=4000)
    args = parser.parse_args()
    abuse = Abuse(args)
    for step in (abuse.huge_headers, abuse.invalid_utf8, abuse.nested_json, abuse.other_sites, abuse.bad_bodies, abuse.garbage,
                 abuse.pipelined, abuse.slow_clients, lambda: abuse.many_connections(args.connections)):
        if abuse.server.poll() is not None:
            break
        step()
    sys.exit(abuse.finish())

if __name__ == "__main__":
    main()
