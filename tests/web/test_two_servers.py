"""Two ``depositaire serve`` processes on one PostgreSQL: the journal stays one linear chain.

Eight clients, each logged in as its own social worker, make 200 journaled writes each
(an information item created, then an item viewed, alternately), every request sent to
one server or the other in turn. Afterwards: every acknowledged write has its entry (and
its item), no entry more, sequence numbers 1..N without gap or duplicate, and
``depositaire journal verify`` finds the chain intact.
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from web.live import (
    CLI,
    Client,
    clean_env,
    create_pg_database,
    drop_pg_database,
    pg_base_url,
    pg_params,
    seed_ids,
    start_serve,
)

CLIENTS = int(os.environ.get("TWO_SERVERS_CLIENTS", "8"))
WRITES = int(os.environ.get("TWO_SERVERS_WRITES", "200"))


@pytest.fixture
def shared_database():
    base = pg_base_url()
    if base is None:
        pytest.skip("PostgreSQL: run with DEPOSITAIRE_DATABASE_URL (make test does)")
    name = f"dep_two_{secrets.token_hex(4)}"
    url = create_pg_database(base, name)
    yield url
    drop_pg_database(base, name)


def drive(
    client_no: int, servers: list[str], ids: tuple[int, int], acked: Counter, errors: list
) -> None:
    person, item = ids
    client = Client(servers[client_no % 2])
    client.login(f"charge.{client_no}")
    for n in range(WRITES):
        client.base = servers[(client_no + n) % 2]
        if n % 2 == 0:
            client.request(f"/personnes/{person}/elements/nouveau/")  # CSRF and one-time token
            status, text, _ = client.request(
                f"/personnes/{person}/elements/nouveau/",
                {
                    "nature": "secret_fact",
                    "categories": ["income"],
                    "origin": "observed",
                    "content": f"note {client_no}-{n}",
                },
            )
            kind, ok = "item_created", status == 302
        else:
            status, text, _ = client.request(f"/elements/{item}/")
            kind, ok = "item_viewed", status == 200
        if ok:
            acked[(client_no, kind)] += 1
        else:
            errors.append((client_no, n, status, text[:200]))


@pytest.mark.postgres
def test_two_servers_on_one_postgresql_keep_one_linear_verified_chain(
    shared_database: str, tmp_path: Path
) -> None:
    import psycopg

    env = clean_env(
        DEPOSITAIRE_DATA_DIR=str(tmp_path / "data"), DEPOSITAIRE_DATABASE_URL=shared_database
    )
    started = time.monotonic()
    ids = seed_ids(env, workers=CLIENTS)
    seeded = time.monotonic()
    # Both servers boot at once (each spends its start in Django's set-up and the checks).
    with ThreadPoolExecutor(max_workers=2) as pool:
        servers = list(
            pool.map(
                lambda n: start_serve(env, tmp_path / f"serve-{n}.log", workers=2, threads=2),
                (1, 2),
            )
        )
    acked: Counter = Counter()
    errors: list = []
    ready = time.monotonic()
    try:
        threads = [
            threading.Thread(target=drive, args=(n, [s.base for s in servers], ids, acked, errors))
            for n in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=900)
        driven = time.monotonic()
    finally:
        logs = [server.stop() for server in servers]
    assert errors == [], errors[:5]
    assert sum(acked.values()) == CLIENTS * WRITES
    for log in logs:  # both servers took their share
        assert log.count('"logger":"depositaire.request"') > CLIENTS * WRITES // 4

    with psycopg.connect(**pg_params(shared_database)) as con:  # type: ignore[arg-type]
        users = dict(
            con.execute("SELECT id, username FROM accounts_user WHERE username LIKE 'charge.%'")
        )
        seqs = [row[0] for row in con.execute("SELECT seq FROM journal_journalentry ORDER BY seq")]
        entries = Counter(
            (int(users[actor].split(".")[1]), action)
            for actor, action in con.execute(
                "SELECT actor_id, action FROM journal_journalentry"
                " WHERE action IN ('item_created', 'item_viewed') AND actor_id = ANY(%s)",
                (list(users),),
            )
        )
        items = Counter(
            int(users[author].split(".")[1])
            for (author,) in con.execute(
                "SELECT author_id FROM cases_informationitem WHERE author_id = ANY(%s)",
                (list(users),),
            )
        )
    assert len(seqs) == len(set(seqs)), "a sequence number is duplicated"
    assert seqs == list(range(1, len(seqs) + 1)), "the sequence has a gap"
    assert entries == acked  # every acknowledged write has its entry, and no entry more
    assert items == Counter({c: n for (c, kind), n in acked.items() if kind == "item_created"})

    verified = subprocess.run(
        [*CLI, "journal", "verify"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "intact" in verified.stdout.lower()
    durations: dict[str, list[float]] = {}
    for log in logs:  # where the servers' time went, per kind of request
        for line in log.splitlines():
            if '"logger":"depositaire.request"' in line:
                row = json.loads(line)
                durations.setdefault(f"{row['method']} {row['route']}", []).append(
                    row["duration_ms"]
                )
    medians = ", ".join(
        f"{name} ×{len(v)} median {statistics.median(v):.0f} ms"
        for name, v in sorted(durations.items())
    )
    print(  # noqa: T201 - the figures for the closing note (pytest -s)
        f"two servers: {sum(acked.values())} writes acknowledged, {len(seqs)} entries,"
        f" {len(seqs) - len(set(seqs))} duplicates; "
        + " ".join(verified.stdout.split())
        + f"; seed {seeded - started:.0f} s, start {ready - seeded:.0f} s, writes {driven - ready:.0f} s"
        + f"; server time: {medians}"
    )
