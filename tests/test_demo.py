"""The README's run command: `depositaire demo` serves the application, in French, or says why not."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def demo_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DEPOSITAIRE_DATABASE_URL"}
    env["DEPOSITAIRE_DATA_DIR"] = str(tmp_path / "data")
    env["DEPOSITAIRE_KEY_DIR"] = str(tmp_path / "keys")
    return env


def test_the_demo_serves_pages_and_static_files_and_prints_the_accounts(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "depositaire.cli", "demo", "--port", str(port)],
        env=demo_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        status = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion/") as r:
                    status = r.status
                    page = r.read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200 and "Connexion" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/depositaire/site.css") as r:
            assert r.status == 200
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert f"http://127.0.0.1:{port}/" in output
    assert "as.dupont" in output and (tmp_path / "data" / "demo-passwords.txt").exists()
    assert "Starting development server" not in output and "WARNING" not in output


def test_a_taken_port_is_refused_in_french_before_anything_is_written(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [sys.executable, "-m", "depositaire.cli", "demo", "--port", str(port)],
            env=demo_env(tmp_path),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert proc.returncode == 1
    assert "est déjà utilisée" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "data" / "depositaire.sqlite3").exists()


def test_a_code_asked_of_a_data_folder_without_the_demonstration_is_refused_in_french(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "depositaire.cli", "demo", "code", "as.dupont"],
        env=demo_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (
        "lancez d'abord « depositaire demo »" in proc.stderr
        and "DEPOSITAIRE_DATA_DIR" in proc.stderr
    )
    assert proc.stdout == ""
