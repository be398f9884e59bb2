"""``make load`` (scripts/load.py) stops the PostgreSQL test server it started, also on a
failure or an interrupt, and never one that was already running."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
URL = "postgres://depositaire@127.0.0.1:54399/depositaire_test"


def _load_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("load_script", ROOT / "scripts/load.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FakeServer:
    """scripts/pg-test-server.sh as seen through subprocess.run: running or not, and the
    commands it was given. Any other program (the seed) fails."""

    def __init__(self, running: bool) -> None:
        self.running = running
        self.commands: list[str] = []

    def run(self, args: list[str], *a: Any, **kw: Any) -> subprocess.CompletedProcess[str]:
        if args[0] != "bash":
            raise subprocess.CalledProcessError(1, args)
        command = args[-1]
        self.commands.append(command)
        code, out = 0, ""
        if command == "status":
            code = 0 if self.running else 3
        elif command == "start":
            self.running, out = True, URL + "\n"
        elif command == "stop":
            self.running = False
        return subprocess.CompletedProcess(args, code, out, "")


@pytest.fixture
def load() -> ModuleType:
    return _load_module()


def _fake(load: ModuleType, monkeypatch: pytest.MonkeyPatch, running: bool) -> FakeServer:
    server = FakeServer(running)
    monkeypatch.setattr(load.subprocess, "run", server.run)
    monkeypatch.setattr(load, "psql", lambda base, sql: None)
    monkeypatch.setattr(load.shutil, "which", lambda *a, **kw: "/bin/locust")
    return server


@pytest.mark.parametrize("running", [False, True])
def test_a_failed_run_stops_only_the_server_it_started(
    load: ModuleType, monkeypatch: pytest.MonkeyPatch, running: bool
) -> None:
    server = _fake(load, monkeypatch, running)
    monkeypatch.setattr(sys, "argv", ["load.py", "--users", "1"])
    monkeypatch.setattr(signal, "signal", lambda *a: None)  # main's SIGTERM handler: not here
    with pytest.raises(subprocess.CalledProcessError):
        load.main()  # the seed fails
    assert "start" in server.commands
    assert server.running is running
    assert ("stop" in server.commands) is not running


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, RuntimeError])
def test_the_server_is_stopped_whatever_ends_the_run(
    load: ModuleType, monkeypatch: pytest.MonkeyPatch, interrupt: type[BaseException]
) -> None:
    server = _fake(load, monkeypatch, running=False)
    with pytest.raises(interrupt), load.pg_server() as url:
        assert url == URL and server.running
        raise interrupt
    assert server.commands == ["status", "start", "stop"] and not server.running


def test_a_server_already_running_is_left_running(
    load: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _fake(load, monkeypatch, running=True)
    with load.pg_server() as url:
        assert url == URL
    assert server.commands == ["status", "start"] and server.running


def test_a_kill_goes_through_the_cleanup(load: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    server = _fake(load, monkeypatch, running=False)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        load.exit_on_sigterm()
        with pytest.raises(SystemExit) as caught, load.pg_server():
            os.kill(os.getpid(), signal.SIGTERM)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert caught.value.code == 128 + signal.SIGTERM
    assert server.commands[-1] == "stop" and not server.running


def test_the_sqlite_run_touches_no_server(
    load: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = _fake(load, monkeypatch, running=False)
    monkeypatch.setattr(sys, "argv", ["load.py", "--database", "sqlite", "--users", "1"])
    monkeypatch.setattr(signal, "signal", lambda *a: None)
    with pytest.raises(subprocess.CalledProcessError):
        load.main()
    assert server.commands == []
