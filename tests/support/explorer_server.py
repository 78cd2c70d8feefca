"""Starting `descent serve` for the scripts under tests/: a free port, and the tokens the server prints.

Every change to the explorer needs the page token carried by the URL `descent serve` prints
(`http://HOST:PORT/?token=...`); on a classroom server the teacher's token is on a line of its own
("Teacher's token ...: TOKEN"). On a personal server (loopback) the page token is the teacher's.
"""
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request

PAGE_TOKEN = re.compile(r"/\?token=([0-9a-f]{64})\s*$", re.M)
TEACHER_TOKEN = re.compile(r"^Teacher's token.*: ([0-9a-f]{64})\s*$", re.M)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tokens(log_path, process=None, timeout=120):
    """(page token, teacher token) from what the server printed to `log_path`, waiting up to `timeout` s."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        with open(log_path, errors="replace") as log:
            text = log.read()
        page, teacher = PAGE_TOKEN.search(text), TEACHER_TOKEN.search(text)
        if page and (teacher or "Teacher's token" not in text):
            return page.group(1), teacher.group(1) if teacher else page.group(1)
        if process is not None and process.poll() is not None:
            raise SystemExit(f"descent serve exited with {process.returncode} before printing its URL; see {log_path}")
        time.sleep(0.2)
    raise SystemExit(f"descent serve printed no URL with a token within {timeout} s; see {log_path}")


def start(binary, arguments, log_path, timeout=120):
    """Starts `binary serve ARGUMENTS --port P` writing to `log_path`; returns (process, port, page token,
    teacher token) once it answers GET /api/model."""
    port = free_port()
    log = open(log_path, "w")
    process = subprocess.Popen([binary, "serve", *arguments, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    page, teacher = tokens(log_path, process, timeout)
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/model", timeout=5):
                return process, port, page, teacher
        except (OSError, urllib.error.URLError):
            if time.time() > deadline or process.poll() is not None:
                process.terminate()
                raise SystemExit(f"descent serve did not answer within {timeout} s; see {log_path}")
            time.sleep(0.3)


def memory_mb(pid, field="VmRSS"):
    """A memory figure of process `pid` from /proc/PID/status in MB: VmRSS (now) or VmHWM (its peak)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return 0.0
