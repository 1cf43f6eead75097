"""``make drill``: the crash drill and the restore drill, on loopback, bounded in time.

Crash drill: clients submit combined applications with idempotency keys and
retry each key (same key, same body) until it is acknowledged; meanwhile one
gunicorn worker is killed with SIGKILL, then the application's database
connections are terminated, then the whole server (master and workers) is
killed and started again. Afterwards every acknowledged key is in the
database exactly once, and ``audit verify`` passes.

Restore drill: the audit anchor is taken, the database dumped (pg_dump),
restored into a fresh database, the row counts of every table compared,
``audit verify --anchor`` run on the copy, and OneWindow started on it.
"""

# ruff: noqa: S603, S607 - it runs pg_dump, pg_restore and this repository's own commands on loopback
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from onewindow.scale.bench import (
    OUT,
    PORT,
    PY,
    ROOT,
    Server,
    audit_verify,
    database_url,
    dev_env,
    ensure_database,
    exactly_once,
    log,
    principals,
    wait_http,
)


@dataclass
class Submitter:
    """Threads that submit with keys and retry each key until it is acknowledged."""

    token: str
    persons: list[int]
    assessment: dict[str, Any]
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    acked: dict[str, str] = field(default_factory=dict)
    attempts: int = 0
    failures: dict[str, int] = field(default_factory=dict)
    stop_new: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    pending: set[str] = field(default_factory=set)

    def body(self, key: str, n: int) -> bytes:
        return json.dumps({
            "person_id": self.persons[n % len(self.persons)], "kind": "new_in_china", "position": key,
            "category": "B", "annual_salary_cny": 400000, "details": {"basis": "intra_group"},
            "assessment": self.assessment,
        }).encode()  # fmt: skip

    def post(self, key: str, body: bytes) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=15)
        try:
            connection.request(
                "POST",
                "/api/v1/cases",
                body=body,
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": key,
                },
            )
            answer = connection.getresponse()
            return answer.status, answer.read().decode(errors="replace")
        finally:
            connection.close()

    def worker(self, number: int, deadline: float) -> None:
        n = 0
        while not self.stop_new.is_set() and time.monotonic() < deadline:
            n += 1
            key = f"bench-drill-{self.run}-{number}-{n}"
            body = self.body(key, n * 7 + number)
            with self.lock:
                self.pending.add(key)
            while time.monotonic() < deadline:
                with self.lock:
                    self.attempts += 1
                try:
                    status, text = self.post(key, body)
                # Refused, reset, timed out, or cut off in the middle of the answer (a worker killed
                # after sending the headers): the server is down or restarting; retry, same key.
                except (OSError, http.client.HTTPException) as exc:
                    self.note(type(exc).__name__)
                    time.sleep(0.3)
                    continue
                if status == 201:
                    with self.lock:
                        self.acked[key] = json.loads(text)["reference"]
                        self.pending.discard(key)
                    break
                self.note(str(status))
                time.sleep(0.5)

    def note(self, what: str) -> None:
        with self.lock:
            self.failures[what] = self.failures.get(what, 0) + 1


def terminate_app_connections(url: str) -> int:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return len(rows)


def crash_drill(url: str, threads: int = 4) -> dict[str, Any]:
    server = Server(url).start()
    try:
        p = principals(server, "drill")
        submitter = Submitter(
            p["submission"]["token"], p["submission"]["person_ids"], p["submission"]["assessment"]
        )
        deadline = time.monotonic() + 150
        workers = [threading.Thread(target=submitter.worker, args=(i, deadline)) for i in range(threads)]
        for thread in workers:
            thread.start()
        steps: list[str] = []
        time.sleep(3)
        victim = server.worker_pids()[0]
        os.kill(victim, signal.SIGKILL)
        steps.append(f"SIGKILL worker {victim} after {len(submitter.acked)} acknowledgements")
        time.sleep(2)
        steps.append(f"terminated {terminate_app_connections(url)} database connections of the application")
        time.sleep(2)
        before = len(submitter.acked)
        server.kill_all()
        steps.append(f"SIGKILL master and all workers after {before} acknowledgements")
        time.sleep(2)
        server.start_gunicorn()
        steps.append("server restarted")
        time.sleep(3)
        submitter.stop_new.set()
        for thread in workers:
            thread.join()
        for step in steps:
            log(f"crash drill: {step}")
    finally:
        server.stop()
    with contextlib.suppress(subprocess.CalledProcessError):
        subprocess.run(
            [PY, "manage.py", "audit", "seal"], cwd=ROOT, env=dev_env(url), check=True, capture_output=True
        )
    once = exactly_once(url, list(submitter.acked))
    ok_audit, audit_line = audit_verify(url)
    passed = (
        once["missing"] == 0
        and once["doubled"] == 0
        and ok_audit
        and not submitter.pending
        and once["once"] > 0
    )
    return {
        "steps": steps,
        "attempts": submitter.attempts,
        "retried_answers": submitter.failures,
        "unacknowledged_keys": sorted(submitter.pending),
        "submissions": once,
        "audit": audit_line,
        "passed": passed,
    }


def table_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
        ]
        # Table names come from the catalogue, not from input.
        return {t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables}  # type: ignore[index]  # noqa: S608


def restore_drill(url: str) -> dict[str, Any]:
    import psycopg

    env = dev_env(url)
    subprocess.run([PY, "manage.py", "audit", "seal"], cwd=ROOT, env=env, check=True, capture_output=True)
    anchor = (
        subprocess.run(
            [PY, "manage.py", "audit", "anchor"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .split()[-1]
    )
    dump = OUT / "drill.dump"
    started = time.perf_counter()
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", url], check=True)
    dumped = time.perf_counter() - started
    scratch = f"ow_restore_{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}"
    base = url.rsplit("/", 1)[0]
    scratch_url = f"{base}/{scratch}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{scratch}"')
    try:
        started = time.perf_counter()
        subprocess.run(
            ["pg_restore", "--no-owner", "--jobs=2", f"--dbname={scratch_url}", str(dump)], check=True
        )
        restored = time.perf_counter() - started
        source, copy = table_counts(url), table_counts(scratch_url)
        differing = {
            t: (source.get(t), copy.get(t))
            for t in sorted(set(source) | set(copy))
            if source.get(t) != copy.get(t)
        }
        ok_audit, audit_line = audit_verify(scratch_url, anchor)
        server = Server(scratch_url).start()
        try:
            wait_http(f"http://127.0.0.1:{PORT}/healthz")
            wait_http(f"http://127.0.0.1:{PORT}/")
            served = True
        finally:
            server.stop()
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        dump.unlink(missing_ok=True)
    return {
        "anchor": anchor,
        "dump_seconds": round(dumped, 1),
        "restore_seconds": round(restored, 1),
        "tables": len(source),
        "rows": sum(source.values()),
        "differing_tables": differing,
        "audit": audit_line,
        "served": served,
        "passed": not differing and ok_audit and served,
    }


def drill(args: argparse.Namespace) -> int:
    url = ensure_database(args.persons)
    assert url == database_url(args.persons)  # noqa: S101
    log("crash drill: submissions with idempotency keys while the server is killed")
    crash = crash_drill(url)
    log(f"crash drill: {crash['submissions']}, retried answers {crash['retried_answers']}; {crash['audit']}")
    log("crash drill PASSED" if crash["passed"] else "crash drill FAILED")
    log("restore drill: anchor, pg_dump, pg_restore into a fresh database, counts, audit verify, serve")
    restore = restore_drill(url)
    log(
        f"restore drill: {restore['tables']} tables, {restore['rows']:,} rows, "
        f"differing {restore['differing_tables']}; dump {restore['dump_seconds']} s, "
        f"restore {restore['restore_seconds']} s; {restore['audit']}"
    )
    log("restore drill PASSED" if restore["passed"] else "restore drill FAILED")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "drill-latest.json").write_text(json.dumps({"crash": crash, "restore": restore}, indent=1))
    return 0 if crash["passed"] and restore["passed"] else 1
