"""Shared helpers: the repository's conformance vectors and test keys."""
from __future__ import annotations

import json
import pathlib
from typing import Any, Iterator

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
AES_HEX = "7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a"


def key(name: str) -> str:
    return (VECTORS / "keys" / name).read_text()


def cases(provider: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in sorted((VECTORS / provider).glob("*.json")):
        yield path.stem, json.loads(path.read_text())


def code_of(fn: Any) -> str:
    import cardwire

    try:
        fn()
        return "ok"
    except cardwire.CardwireError as e:
        return e.code


@pytest.fixture
def wc_pair() -> Any:
    import cardwire

    m = cardwire.WorldCardMerchant("app", key("merchant_2048.pkcs8.pem"), AES_HEX, key("platform_2048.spki.pem"))
    p = cardwire.WorldCardPlatform("app", key("merchant_2048.spki.pem"), AES_HEX, key("platform_2048.pkcs8.pem"))
    return m, p


class RedisServer:
    """A real redis-server on a free loopback port, its data under a
    directory of its own (append-only file: a restart keeps what was
    written), stoppable and restartable for fault tests."""

    def __init__(self, directory: pathlib.Path) -> None:
        import socket

        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        self.dir = directory
        self.proc: Any = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        import subprocess
        import time

        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
                                      "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        for _ in range(100):
            try:
                redis.Redis(port=self.port).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        """A crash: no shutdown, no save (the append-only file has every write)."""
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture()
def redis_server(tmp_path: pathlib.Path) -> Any:
    import shutil

    if not shutil.which("redis-server"):
        pytest.fail("redis-server is not installed: `make test` installs Debian's redis-server")
    # Its data under the clone (target/redis-test/<test>), removed afterwards.
    directory = pathlib.Path(__file__).resolve().parents[2] / "target" / "redis-test" / tmp_path.name
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    server = RedisServer(directory)
    server.start()
    yield server
    server.kill()
    shutil.rmtree(directory, ignore_errors=True)


class PostgresServer:
    """A real PostgreSQL (scripts/postgres.sh: its data under target/postgres/<name>,
    run as the `postgres` user when the tests run as root), stoppable and
    restartable for fault tests."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.url = ""

    def _run(self, *args: str) -> str:
        import subprocess

        script = pathlib.Path(__file__).resolve().parents[2] / "scripts" / "postgres.sh"
        return subprocess.run([str(script), *args, self.name], check=True, capture_output=True, text=True).stdout.strip()

    def start(self) -> None:
        self.url = self._run("start")

    def stop(self) -> None:
        """A crash: immediate shutdown (the data is kept)."""
        self._run("stop")

    def restart(self) -> None:
        self._run("restart")

    def remove(self) -> None:
        self._run("remove")


@pytest.fixture(scope="module")
def pg_server(request: Any) -> Any:
    import shutil

    if not shutil.which("pg_ctlcluster"):
        pytest.fail("PostgreSQL is not installed: `make test` installs Debian's postgresql")
    server = PostgresServer("py-" + request.module.__name__.replace("test_", ""))
    server.start()
    yield server
    server.remove()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[dict[str, Any]]:
    """`cardwire sandbox` on a loopback port, without webhook URLs: its credentials
    (test_sandbox.py has its own, with a webhook receiver)."""
    import os
    import re
    import subprocess
    import tempfile

    binary = os.environ.get("CARDWIRE_BIN", str(ROOT / "target/release/cardwire"))
    creds = tempfile.NamedTemporaryFile(suffix=".json", delete=False).name
    proc = subprocess.Popen([binary, "sandbox", "--listen", "127.0.0.1:0", "--credentials-out", creds], stdout=subprocess.PIPE, text=True)
    assert proc.stdout
    m = re.search(r"listening on (http://[\d.:]+)", proc.stdout.readline())
    assert m
    yield json.loads(open(creds).read())
    proc.terminate()
    proc.wait(timeout=10)
