"""Receivers on many instances, on one real Redis or one real PostgreSQL
(started here): `run_multi.py` (Redis) or `run_multi.py postgres`.

Four receiver processes (receiver.py twice, receiver.mjs twice) share one
redis-server (append-only file, fsync on every write, data under
target/redis-multi). A dispatcher stands in for the load balancer: every
delivery goes to a random instance, and anything but 2xx (5xx, a dropped
connection, a dead instance) is retried on a random instance, as the
providers do. 1,000 webhooks across the five pushing providers (WorldCard,
WorldCard legacy, Wasabi, PinToPay, PayCA; the Wasabi gateway has no push),
300 redeliveries, 20 forgeries, in random order.

Faults, in the same run:
* Redis is killed when 40% of the deliveries are acknowledged and comes back
  1.5 s later: meanwhile the receivers answer 5xx and nothing is marked.
* One instance dies right after reserving an event (before doing the work);
  the event is processed once the reservation (3 s) expires, elsewhere. The
  dispatcher restarts the dead instance.

Checked: every genuine delivery acknowledged; every forgery refused; every
event processed exactly once (the receivers' logs); every key Redis holds as
`done` belongs to an event that was processed; a final redelivery of every
event comes back `duplicate`. Figures go to target/redis-multi.txt.

On PostgreSQL (receiver_pg.py twice, receiver_pg.mjs twice; each delivery's
work is a row written in one transaction with its key): PostgreSQL is
stopped (an immediate shutdown: a crash) at 40% and restarted 1.5 s later;
one Python instance dies after its work row and before the commit (rolled
back: processed on the redelivery), the other after the commit and before
the acknowledgement (the redelivery is a duplicate). Checked the same way,
from the `work` and `cardwire_deliveries` tables. Figures go to
target/postgres-multi.txt.

    python tests/redis/run_multi.py [redis|postgres]   (the .venv-py interpreter: cardwire, redis, psycopg)
"""
from __future__ import annotations

import collections
import concurrent.futures
import http.client
import pathlib
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from typing import Any

import cardwire
import redis

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from common import AES, LEGACY_SECRET, key  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
STORE = sys.argv[1] if len(sys.argv) > 1 else "redis"
WORK = ROOT / "target" / f"{STORE}-multi"
EVENTS, REDELIVERED, FORGED = 1000, 300, 20
rng = random.Random(23)


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return int(port)


def wait_port(port: int, proc: subprocess.Popen[bytes] | None = None, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port}")


class RedisServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.dir = WORK / "redis"
        self.dir.mkdir(parents=True)
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
                                      "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc)

    def kill(self) -> None:
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


class PostgresServer:
    """scripts/postgres.sh: stop is an immediate shutdown (a crash), the data kept."""

    def __init__(self) -> None:
        self.url = ""

    def _run(self, what: str) -> str:
        return subprocess.run([str(ROOT / "scripts" / "postgres.sh"), what, "multi"], check=True,
                              capture_output=True, text=True).stdout.strip()

    def start(self) -> None:
        if self.url:
            self._run("restart")
            return
        self.url = self._run("start")
        import psycopg
        from cardwire.postgres import PostgresDeliveries

        with psycopg.connect(self.url) as c:
            PostgresDeliveries().migrate(c)
            c.execute("CREATE TABLE work (ref text, delivery_key text)")
            c.commit()

    def kill(self) -> None:
        self._run("stop")

    def remove(self) -> None:
        self._run("remove")


class Instance:
    def __init__(self, name: str, argv: list[str], log: pathlib.Path) -> None:
        self.name, self.argv, self.log = name, argv, log
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def start(self, extra: list[str] | None = None) -> None:
        argv = [a.replace("{port}", str(self.port)) for a in self.argv] + (extra or [])
        self.proc = subprocess.Popen(argv, cwd=HERE, stdout=subprocess.DEVNULL)
        wait_port(self.port, self.proc)


def signers() -> dict[str, Any]:
    wc = cardwire.WorldCardPlatform("app_demo", key("merchant_2048.spki.pem"), AES, key("platform_2048.pkcs8.pem"))
    legacy = cardwire.WorldCardLegacyPlatform("app_demo", LEGACY_SECRET)
    wsb = cardwire.WasabiPlatform("wsb_demo", key("platform_1024.pkcs8.pem"), key("merchant_1024.spki.pem"))
    ptp = cardwire.PinToPayPlatform("ptp_demo", "ptp-demo-secret")
    payca = cardwire.PayCaPlatform("payca_demo", "payca-demo-secret")
    return {
        "/worldcard": lambda ref: wc.sign_webhook("card_deposit", {"card_id": ref, "amount": "10.00", "status": 1}),
        "/legacy": lambda ref: legacy.sign_webhook({"orderNo": ref, "merOrderNo": "M-" + ref, "status": "2", "settleAmount": "20.10"}),
        "/wasabi": lambda ref: wsb.sign_webhook("card_transaction", {"orderNo": ref, "status": "success"}),
        "/pintopay": lambda ref: ptp.sign_webhook("card.transaction", {"card_id": ref}),
        "/payca": lambda ref: payca.sign_webhook("card_transaction", {"cardId": ref}),
    }


def tamper(body: bytes) -> bytes:
    i = next(i for i in range(len(body) // 2, len(body)) if chr(body[i]).isalnum())
    return body[:i] + (b"B" if body[i:i + 1] == b"A" else b"A") + body[i + 1:]


def main() -> None:
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    if STORE == "postgres":
        server: Any = PostgresServer()
        server.start()
        url = server.url
        py = [sys.executable, str(HERE / "receiver_pg.py"), "{port}", url]
        node = ["node", str(HERE / "receiver_pg.mjs"), "{port}", url]
        instances = [Instance("py-0", py, WORK / "py-0.log"), Instance("py-1", py, WORK / "py-1.log"),
                     Instance("node-0", node, WORK / "node-0.log"), Instance("node-1", node, WORK / "node-1.log")]
        instances[0].start(["ev-crash", "before"])
        instances[1].start(["ev-crash2", "after"])
        for inst in instances[2:]:
            inst.start()
    else:
        if not shutil.which("redis-server"):
            sys.exit("redis-server is not installed: `make test` installs Debian's redis-server")
        server = RedisServer()
        server.start()
        url = f"redis://127.0.0.1:{server.port}/0"
        py = [sys.executable, str(HERE / "receiver.py"), "{port}", url]
        node = ["node", str(HERE / "receiver.mjs"), "{port}", url]
        instances = [Instance("py-0", py + [str(WORK / "py-0.log")], WORK / "py-0.log"),
                     Instance("py-1", py + [str(WORK / "py-1.log")], WORK / "py-1.log"),
                     Instance("node-0", node + [str(WORK / "node-0.log")], WORK / "node-0.log"),
                     Instance("node-1", node + [str(WORK / "node-1.log")], WORK / "node-1.log")]
        instances[0].start(["ev-crash"])
        for inst in instances[1:]:
            inst.start()

    # What the providers send.
    sign = signers()
    routes = list(sign)
    refs = [f"ev-{i:04d}" for i in range(EVENTS)]
    deliveries: list[tuple[str, str, dict[str, Any], bytes, str]] = []  # (ref, route, headers, body, kind)
    for i, ref in enumerate(refs):
        route = routes[i % len(routes)]
        hook = sign[route](ref)
        deliveries.append((ref, route, hook["headers"], hook["body"], "first"))
    originals = list(deliveries)
    for ref, route, headers, body, _ in rng.sample(originals, REDELIVERED):
        deliveries.append((ref, route, headers, body, "redelivery"))  # the same bytes again
    for ref, route, headers, body, _ in rng.sample(originals, FORGED):
        deliveries.append((ref, route, headers, tamper(body), "forgery"))
    rng.shuffle(deliveries)
    crash_hook = sign["/worldcard"]("ev-crash")
    crashes = [("ev-crash", "/worldcard", crash_hook["headers"], crash_hook["body"], "first")]
    if STORE == "postgres":
        crash2 = sign["/payca"]("ev-crash2")
        crashes.append(("ev-crash2", "/payca", crash2["headers"], crash2["body"], "first"))

    lock = threading.Lock()
    stats: collections.Counter[str] = collections.Counter()
    acked = threading.Event()
    genuine = len(deliveries) - FORGED + len(crashes)
    outage = {"down": False}
    failures: list[str] = []

    def post(inst: Instance, route: str, headers: dict[str, Any], body: bytes) -> tuple[int, str]:
        c = http.client.HTTPConnection("127.0.0.1", inst.port, timeout=10)
        try:
            c.request("POST", route, body=body, headers={**headers, "Content-Length": str(len(body))})
            r = c.getresponse()
            r.read()
            return r.status, r.getheader("x-outcome") or ""
        finally:
            c.close()

    def deliver(d: tuple[str, str, dict[str, Any], bytes, str], first: Instance | None = None) -> str:
        ref, route, headers, body, kind = d
        deadline = time.monotonic() + 90
        inst = first
        while time.monotonic() < deadline:
            inst = inst or rng.choice(instances)
            try:
                status, outcome = post(inst, route, headers, body)
            except (OSError, http.client.HTTPException):  # a dead instance: reset, or cut off mid-answer
                status, outcome = 0, ""
            with lock:
                stats[f"status {status}"] += 1
                if outage["down"] and status >= 500:
                    stats["5xx while the store was down"] += 1
            if kind == "forgery":
                if status == 401:
                    return "refused"
                if 200 <= status < 300:
                    failures.append(f"forgery of {ref} accepted")
                    return "accepted"
            elif 200 <= status < 300:
                with lock:
                    stats["acknowledged"] += 1
                    if stats["acknowledged"] >= 0.4 * genuine:
                        acked.set()
                return outcome
            elif status == 401:
                failures.append(f"genuine {kind} of {ref} refused")
                return "refused"
            inst = None
            time.sleep(rng.uniform(0.02, 0.1))
        failures.append(f"{kind} of {ref} never acknowledged")
        return "lost"

    def fault() -> None:
        acked.wait()
        with lock:
            outage["down"] = True
        server.kill()
        time.sleep(1.5)
        server.start()
        with lock:
            outage["down"] = False

    def restarter() -> None:
        # The orchestrator: an instance that died is started again.
        while not stop.is_set():
            for inst in instances:
                if inst.proc and inst.proc.poll() is not None:
                    stats[f"{inst.name} exit {inst.proc.returncode}"] += 1
                    inst.restarts += 1
                    inst.start()
            time.sleep(0.1)

    stop = threading.Event()
    t0 = time.monotonic()
    threading.Thread(target=fault, daemon=True).start()
    threading.Thread(target=restarter, daemon=True).start()
    try:
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            crashed = [pool.submit(deliver, c, instances[i]) for i, c in enumerate(crashes)]
            outcomes = list(pool.map(deliver, deliveries))
            outcomes.extend(c.result() for c in crashed)
        elapsed = time.monotonic() - t0
        # The providers' late retries: every event once more, from any instance.
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            late = list(pool.map(deliver, originals + crashes))
    finally:
        stop.set()
        time.sleep(0.2)
        for inst in instances:
            if inst.proc:
                inst.proc.terminate()
                inst.proc.wait()
    processed: collections.Counter[str] = collections.Counter()
    keys: dict[str, str] = {}
    per_instance: dict[str, int] = {}
    if STORE == "postgres":
        import psycopg

        with psycopg.connect(url) as c:
            for ref, dkey in c.execute("SELECT ref, delivery_key FROM work"):
                processed[ref] += 1
                keys[dkey] = ref
            done = {row[0] for row in c.execute("SELECT delivery_key FROM cardwire_deliveries")}
        server.remove()
    else:
        for inst in instances:
            lines = inst.log.read_text().splitlines() if inst.log.exists() else []
            per_instance[inst.name] = len(lines)
            for line in lines:
                ref, dkey = line.split(" ")
                processed[ref] += 1
                keys[dkey] = ref
        r = redis.Redis(port=server.port)
        done = {k.decode() for k in r.scan_iter("cardwire:*") if r.get(k) == b"done"}
        server.kill()

    expected = set(refs) | {c[0] for c in crashes}
    twice = sorted(ref for ref, n in processed.items() if n > 1)
    missing = sorted(expected - set(processed))
    marked_unprocessed = sorted(done - set(keys))
    unmarked = sorted(set(keys) - done)
    not_duplicate = [o for o in late if o != "duplicate"]
    report = [
        f"instances: 4 (2 Python, 2 Node) on one {'PostgreSQL' if STORE == 'postgres' else 'redis-server'}; "
        f"{len(deliveries) + len(crashes)} deliveries ({EVENTS + len(crashes)} events, {REDELIVERED} redeliveries, "
        f"{FORGED} forgeries) in {elapsed:.1f} s",
        f"processed per instance: {per_instance or 'in the work table'}",
        f"responses: {dict(sorted(stats.items()))}",
        f"events processed exactly once: {sum(1 for n in processed.values() if n == 1)}/{len(expected)}; twice or more: {twice}; never: {missing[:5]}",
        f"keys done in the store without processing: {marked_unprocessed[:5]}; processed but not done: {unmarked[:5]}",
        f"late redelivery of every event: {collections.Counter(late)}",
    ]
    (ROOT / "target" / f"{STORE}-multi.txt").write_text("\n".join(report) + "\n")
    print("\n".join(report))
    assert not failures, failures[:10]
    assert outcomes.count("refused") == FORGED, "every forgery refused, nothing else"
    assert not twice and not missing, "every event processed exactly once"
    assert not marked_unprocessed and not unmarked, "done in the store exactly for the processed events"
    assert not not_duplicate, f"late redeliveries must be duplicates: {collections.Counter(late)}"
    assert stats["5xx while the store was down"] > 0, "the outage was seen by the receivers"
    assert instances[0].restarts >= 1 and stats["py-0 exit 17"] >= 1, "the instance died before its commit"
    if STORE == "postgres":
        assert instances[1].restarts >= 1 and stats["py-1 exit 18"] >= 1, "the instance died after its commit, before the ack"
    print("multi-instance: every event processed exactly once")


if __name__ == "__main__":
    main()
