"""Schemathesis against the real binary, as each role: admin, staff, courier.

Starts `antar serve --demo` on a spare port with a throwaway data directory,
logs the three demo users in first (the fuzzing of /auth/login soon spends
the address's login allowance), then runs every check and every phase once
per role with a fixed seed, so a run is repeatable. Exits non-zero on any
failure or error. Usage: python run.py ANTAR_BIN [EXAMPLES]
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ADMIN_PASSWORD = "schemathesis-admin-1"
USERS = [("admin", ADMIN_PASSWORD), ("petugas", "petugas-demo-1871"), ("kurir", "kurir-demo-1871")]


def spare_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(base, proc):
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"antar exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("antar did not become ready in 60 s")


def login(base, username, password):
    body = json.dumps({"username": username, "password": password}).encode()
    req = urllib.request.Request(f"{base}/api/v1/auth/login", data=body, headers={"content-type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.load(r)["access_token"]


def main():
    binary = sys.argv[1]
    examples = sys.argv[2] if len(sys.argv) > 2 else "20"
    st = os.path.join(os.path.dirname(sys.executable), "st")
    data = tempfile.mkdtemp(prefix="antar-st-")
    base = f"http://127.0.0.1:{spare_port()}"
    env = dict(os.environ, ANTAR_DATA_DIR=data, ANTAR_BIND=base.removeprefix("http://"),
               ANTAR_ADMIN_PASSWORD=ADMIN_PASSWORD, ANTAR_LOG="warn")
    log = open(os.path.join(data, "server.log"), "w")
    proc = subprocess.Popen([binary, "serve", "--demo"], env=env, stdout=log, stderr=log)
    failed = []
    try:
        wait_ready(base, proc)
        tokens = [(name, login(base, name, password)) for name, password in USERS]
        for name, token in tokens:
            print(f"\n=== Schemathesis as {name}", flush=True)
            # One worker: CPython 3.11 can fail compiling code in two threads at once.
            code = subprocess.call(
                [st, "--config-file", os.path.join(HERE, "schemathesis.toml"), "run",
                 f"{base}/api/v1/openapi.json", "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful",
                 "--max-examples", examples, "--seed", "1", "--workers", "1", "--no-color",
                 "-H", f"Authorization: Bearer {token}"])
            if code != 0:
                failed.append(name)
        if proc.poll() is not None:
            failed.append("server (exited)")
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()
        if failed:
            with open(os.path.join(data, "server.log")) as f:
                errors = [line for line in f if " ERROR " in line]
            print("".join(errors[-20:]))
        shutil.rmtree(data, ignore_errors=True)
    if failed:
        sys.exit(f"Schemathesis failed as: {', '.join(failed)}")
    print("\nSchemathesis: no failures as admin, staff or courier")


if __name__ == "__main__":
    main()
