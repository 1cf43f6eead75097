"""``make bench``, ``make soak``, ``make drill``: OneWindow under load on PostgreSQL, against a floor.

    python -m onewindow.scale.bench run   [--persons N] [--small 10000] [--seconds 10]
    python -m onewindow.scale.bench soak  [--persons N] [--seconds 60]
    python -m onewindow.scale.bench drill [--persons N]

For each scale it makes (once) a scratch database ``ow_bench_<N>`` filled by
``seed_scale``, starts Redis and gunicorn on the loopback interface with the
production settings (``ONEWINDOW_ENV=production``; only the SSL redirect is
off, since there is no TLS proxy on loopback, and the permit-check rate
limit is raised because all load comes from one address), creates the
principals (``bench_prepare``), and drives each target with wrk for a
bounded time. Results go to ``var/bench/`` as JSON and Markdown.

It measures the web processes: no background worker runs beside them (a
fresh one would spend the run replaying the seeded history into
notifications). The audit events the requests leave queued between two
throttled sealing passes are sealed by the next pass, and by ``audit seal``
before the drills verify the chain.

The parsing and the ratio arithmetic are plain functions, tested without a server.
"""

# ruff: noqa: S603, S607 - it runs this repository's own commands, wrk and redis-server on loopback
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "var" / "bench"
PY = sys.executable
PORT = int(os.environ.get("BENCH_PORT", "8765"))
REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6391"))
BASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))

# name -> (floor it is compared with, what is measured)
SCENARIOS: dict[str, tuple[str, str]] = {
    "floor_read": ("", "floor: one indexed SELECT"),
    "floor_write": ("", "floor: one INSERT"),
    "a_case_status": ("floor_read", "(a) foreign national reads case status (API, token)"),
    "b_worklist": ("floor_read", "(b) window officer's worklist, first page (session, MFA)"),
    "c_verify": ("floor_read", "(c) public permit verification (API)"),
    "d_submit": ("floor_write", "(d) combined application submitted with an Idempotency-Key"),
    "e_statistics": ("floor_read", "(e) a district's statistics page (session, MFA)"),
}
# Targets from the issue: minimum throughput ratio to the floor, maximum p95 in ms.
RATIO_TARGETS = {"a_case_status": 0.6, "c_verify": 0.7, "d_submit": 0.4}
P95_TARGETS_MS = {"b_worklist": 50.0, "e_statistics": 50.0}
GROWTH_TARGET = 1.5
READ_SCENARIOS = ("a_case_status", "b_worklist", "c_verify", "e_statistics")


# --- results: parsing and arithmetic (unit-tested) -----------------------------------------


@dataclass
class Result:
    name: str
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: int
    bad_status: int

    @property
    def error_count(self) -> int:
        return self.errors + self.bad_status


def parse_wrk(name: str, text: str) -> Result:
    """The JSON line the Lua ``done()`` writes: counts, microseconds, error kinds."""
    raw = json.loads(text)
    seconds = raw["duration_us"] / 1e6
    errors = sum(int(raw.get(kind, 0)) for kind in ("connect", "read", "write", "timeout"))
    return Result(
        name=name,
        requests=int(raw["requests"]),
        seconds=seconds,
        rps=raw["requests"] / seconds if seconds else 0.0,
        p50_ms=raw["p50"] / 1000,
        p95_ms=raw["p95"] / 1000,
        p99_ms=raw["p99"] / 1000,
        errors=errors,
        # Answers other than the expected 2xx (wrk itself counts only >= 400; the script counts 3xx too).
        bad_status=int(raw.get("bad", raw.get("status", 0))),
    )


def ratio_to_floor(results: dict[str, Result]) -> dict[str, float | None]:
    ratios: dict[str, float | None] = {}
    for name, (floor, _label) in SCENARIOS.items():
        if not floor or name not in results:
            continue
        base = results.get(floor)
        ratios[name] = results[name].rps / base.rps if base and base.rps else None
    return ratios


def growth(
    small: dict[str, Result], large: dict[str, Result], attr: str = "p50_ms"
) -> dict[str, float | None]:
    """Latency at the large scale over the latency at the small one, per scenario."""
    out: dict[str, float | None] = {}
    for name in SCENARIOS:
        if name in small and name in large:
            before = getattr(small[name], attr)
            out[name] = getattr(large[name], attr) / before if before else None
    return out


@dataclass
class Verdict:
    scenario: str
    what: str
    target: str
    value: str
    met: bool


def verdicts(
    results: dict[str, Result], small: dict[str, Result] | None = None, persons: int = 0
) -> list[Verdict]:
    out = []
    ratios = ratio_to_floor(results)
    for name, minimum in RATIO_TARGETS.items():
        value = ratios.get(name)
        out.append(
            Verdict(name, "ratio to floor", f">= {minimum}", "n/a" if value is None else f"{value:.2f}",
                    value is not None and value >= minimum)
        )  # fmt: skip
    for name, limit in P95_TARGETS_MS.items():
        if name in results:
            value_ms = results[name].p95_ms
            out.append(
                Verdict(
                    name, f"p95 at {persons:,}", f"<= {limit:.0f} ms", f"{value_ms:.1f} ms", value_ms <= limit
                )
            )
    if small is not None:
        grown = growth(small, results)
        for name in READ_SCENARIOS:
            factor = grown.get(name)
            shown = "n/a" if factor is None else f"{factor:.2f}x"
            met = factor is not None and factor <= GROWTH_TARGET
            out.append(Verdict(name, "p50 growth", f"<= {GROWTH_TARGET}x", shown, met))
    for name, result in results.items():
        if result.error_count:
            out.append(Verdict(name, "errors", "0", str(result.error_count), False))
    return out


def markdown(report: dict[str, Any]) -> str:
    lines = [f"# OneWindow bench, {report['when']}", "", f"Machine: {report['machine']}", ""]
    for scale in report["scales"]:
        lines += [f"## {scale['persons']:,} persons", "",
                  "| scenario | rps | p50 ms | p95 ms | p99 ms | errors | ratio to floor |",
                  "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
        for name, row in scale["results"].items():
            ratio = scale["ratios"].get(name)
            lines.append(
                f"| {SCENARIOS[name][1]} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
                f"{row['p99_ms']:.1f} | {row['errors'] + row['bad_status']} | "
                f"{'' if ratio is None else f'{ratio:.2f}'} |"
            )
        lines.append("")
    if report.get("verdicts"):
        lines += [
            "## Targets",
            "",
            "| scenario | measure | target | measured | met |",
            "|---|---|---|---|---|",
        ]
        for v in report["verdicts"]:
            lines.append(
                f"| {v['scenario']} | {v['what']} | {v['target']} | {v['value']} | "
                f"{'yes' if v['met'] else 'NO'} |"
            )
    return "\n".join(lines) + "\n"


# --- Lua for wrk ---------------------------------------------------------------------------

LUA_COMMON = r"""
local threads = {}
local out_path = os.getenv("BENCH_OUT")
local acks_path = os.getenv("BENCH_ACKS")
setup = function(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end
init = function(args)
  bad = 0
  counter = 0
  -- Each wrk run has its own nonce: a warm-up and the measured run never share a key.
  nonce = os.getenv("BENCH_NONCE") or "0"
  math.randomseed(os.time() * 1000 + tid)
  if acks_path then acks = io.open(acks_path .. "." .. tid, "a") end
end
response = function(status, headers, body)
  if status >= 300 then
    bad = bad + 1
    -- The first few unexpected answers go to <scenario>.stderr for diagnosis.
    if bad <= 5 then io.stderr:write(status .. " " .. string.sub(body or "", 1, 300) .. "\n") end
  end
  if acks and status == 201 then
    local key = string.match(body, '"position":%s*"(bench%-[^"]+)"')
    if key then acks:write(key .. "\n"); acks:flush() end
  end
end
done = function(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do total_bad = total_bad + (thread:get("bad") or 0) end
  local e = summary.errors
  local f = io.open(out_path, "w")
  f:write(string.format(
    '{"requests":%d,"duration_us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d,' ..
    '"bad":%d,"p50":%d,"p95":%d,"p99":%d}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout, total_bad,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
  f:close()
end
local function pick(list) return list[math.random(#list)] end
"""


def lua_list(values: list[Any]) -> str:
    return "{" + ",".join(json.dumps(v) for v in values) + "}"


def lua_requests(p: dict[str, Any], run: str) -> dict[str, str]:
    """The ``request()`` of each scenario (and of the mixed soak) for the principals ``p``."""
    reads = p["case_reads"]
    verify_paths = [
        "/api/v1/permits/verify?token=" + urllib.parse.quote(t, safe="") for t in p["permit_tokens"]
    ]
    body = (
        '{"person_id":%d,"kind":"new_in_china","position":"%s","category":"B","annual_salary_cny":400000,'
        '"details":{"basis":"intra_group"},"assessment":' + json.dumps(p["submission"]["assessment"]) + "}"
    )
    common_defs = f"""
local read_tokens = {lua_list(["Bearer " + r["token"] for r in reads])}
local read_paths = {lua_list(["/api/v1/cases/" + r["reference"] for r in reads])}
local verify_paths = {lua_list(verify_paths)}
local persons = {lua_list(p["submission"]["person_ids"])}
local hr = "Bearer {p["submission"]["token"]}"
local worklist_cookie = "{p["worklist"]["cookie"]}={p["worklist"]["session"]}"
local stats_cookie = "{p["statistics"]["cookie"]}={p["statistics"]["session"]}"
local stats_path = "/registry/area/{p["statistics"]["area_id"]}/"
local body_format = '{body}'
local function read_case()
  local i = math.random(#read_paths)
  return wrk.format("GET", read_paths[i], {{["Authorization"] = read_tokens[i]}})
end
local function verify() return wrk.format("GET", pick(verify_paths)) end
local function worklist() return wrk.format("GET", "/cases/work/", {{["Cookie"] = worklist_cookie}}) end
local function statistics() return wrk.format("GET", stats_path, {{["Cookie"] = stats_cookie}}) end
local function submit()
  counter = counter + 1
  local key = string.format("bench-{run}-%s-%d-%d", nonce, tid, counter)
  return wrk.format("POST", "/api/v1/cases", {{
    ["Authorization"] = hr, ["Content-Type"] = "application/json", ["Idempotency-Key"] = key,
  }}, string.format(body_format, pick(persons), key))
end
"""
    floor_id = p["floor_id"]
    return {
        "floor_read": f'request = function() return wrk.format("GET", "/bench/floor/read?id={floor_id}") end',
        "floor_write": 'request = function() return wrk.format("POST", "/bench/floor/write") end',
        "a_case_status": common_defs + "request = read_case",
        "b_worklist": common_defs + "request = worklist",
        "c_verify": common_defs + "request = verify",
        "d_submit": common_defs + "request = submit",
        "e_statistics": common_defs + "request = statistics",
        # The soak's mix: mostly reads by the public and foreign nationals, some submissions and officers.
        "soak": common_defs
        + """
local mix = {read_case, read_case, read_case, verify, verify, verify, submit, submit, worklist, statistics}
request = function() return pick(mix)() end
delay = function() return tonumber(os.getenv("BENCH_DELAY_MS") or "0") end
""",
    }


# --- processes -----------------------------------------------------------------------------


def log(message: str) -> None:
    print(f"[bench {dt.datetime.now(dt.UTC):%H:%M:%S}] {message}", flush=True)


def dev_secrets() -> dict[str, str]:
    """The development secrets the seeded data was sealed with (var/dev-secrets.env)."""
    subprocess.run([PY, "manage.py", "check", "-v0"], cwd=ROOT, check=True, capture_output=True)
    out = {}
    for line in (ROOT / "var" / "dev-secrets.env").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not name.startswith("#"):
            out[name.strip()] = value.strip()
    return out


def database_url(persons: int) -> str:
    return f"{BASE_URL.rstrip('/')}/ow_bench_{persons}"


def dev_env(url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": url, "ONEWINDOW_ENV": "development"}
    env.pop("CACHE_URL", None)
    return env


def server_env(url: str) -> dict[str, str]:
    secrets = dev_secrets()
    return {
        **os.environ,
        "ONEWINDOW_ENV": "production",
        "DEBUG": "false",
        "SECRET_KEY": secrets["SECRET_KEY"],
        "ONEWINDOW_DATA_KEYS": secrets["ONEWINDOW_DATA_KEYS"],
        "ONEWINDOW_LOOKUP_KEY": secrets["ONEWINDOW_LOOKUP_KEY"],
        "DATABASE_URL": url,
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ONEWINDOW_PUBLIC_URL": f"http://127.0.0.1:{PORT}",
        # Loopback has no TLS proxy in front; every other production switch stays on.
        "SECURE_SSL_REDIRECT": "false",
        "EMAIL_HOST": "127.0.0.1",
        "ONEWINDOW_BENCH": "1",
        # All the load comes from one address: the per-client limit would measure the limiter only.
        "ONEWINDOW_VERIFY_RATE_LIMIT": "100000000",
        # Likewise each API token's budget (600 a minute by default): the bench's few tokens stand
        # for thousands of HR systems and foreign nationals, each far below it.
        "ONEWINDOW_API_RATE_PER_MINUTE": "100000000",
        "LOG_LEVEL": os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": str(WORKERS),
    }


def manage(env: dict[str, str], *args: str, quiet: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=quiet
    )


def psql_scalar(url: str, sql: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(sql).fetchone()
        return "" if row is None else str(row[0])


def ensure_database(persons: int) -> str:
    """The scratch database for this scale, created, migrated and seeded once."""
    import psycopg

    url = database_url(persons)
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{BASE_URL.rstrip('/')}/postgres", autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')
    env = dev_env(url)
    manage(env, "migrate", "--no-input", "-v0")
    have = int(
        psql_scalar(url, "SELECT count(*) FROM people_person WHERE email LIKE '%%@scale.invalid'") or 0
    )
    if have < persons:
        if not int(psql_scalar(url, "SELECT count(*) FROM offices_area") or 0):
            log("seed_demo (cities, time limits, signing key)")
            manage(env, "seed_demo")
        log(f"seed_scale --persons {persons - have} into {name}")
        started = time.perf_counter()
        manage(env, "seed_scale", "--persons", str(persons - have), quiet=False)
        log(f"seeded in {time.perf_counter() - started:.0f} s")
    return url


def free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def wait_http(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(url, timeout=2) as answer,  # noqa: S310 - loopback only
        ):
            if answer.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {seconds} s")


@dataclass
class Server:
    """Redis and gunicorn on loopback for one database."""

    url: str
    env: dict[str, str] = field(default_factory=dict)
    redis: subprocess.Popen[bytes] | None = None
    gunicorn: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        self.env = server_env(self.url)
        if not (ROOT / "var" / "static" / "staticfiles.json").exists():
            log("collectstatic (production's hashed, compressed assets)")
            manage(self.env, "collectstatic", "--no-input", "-v0")
        if self.redis is None:
            if not free(REDIS_PORT):
                raise RuntimeError(f"port {REDIS_PORT} is taken (BENCH_REDIS_PORT)")
            self.redis = subprocess.Popen(
                [
                    "redis-server",
                    "--port",
                    str(REDIS_PORT),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(0.5)
        self.start_gunicorn()
        return self

    def start_gunicorn(self) -> None:
        if not free(PORT):
            raise RuntimeError(f"port {PORT} is taken (BENCH_PORT)")
        OUT.mkdir(parents=True, exist_ok=True)
        errors = (OUT / "server.log").open("ab")
        self.gunicorn = subprocess.Popen(
            [str(Path(PY).parent / "gunicorn"), "onewindow.wsgi", "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=self.env,
            stdout=errors,
            stderr=errors,
        )
        wait_http(f"http://127.0.0.1:{PORT}/healthz")

    def worker_pids(self) -> list[int]:
        if self.gunicorn is None:
            return []
        out = subprocess.run(
            ["pgrep", "-P", str(self.gunicorn.pid)], capture_output=True, text=True, check=False
        )
        return [int(x) for x in out.stdout.split()]

    def kill_all(self) -> None:
        """kill -9 the master and every worker at once (a machine losing power, as far as the app knows)."""
        if self.gunicorn is None:
            return
        pids = self.worker_pids()
        for pid in [self.gunicorn.pid, *pids]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.gunicorn.wait()
        self.gunicorn = None

    def stop(self) -> None:
        if self.gunicorn is not None:
            self.gunicorn.terminate()
            try:
                self.gunicorn.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill_all()
            self.gunicorn = None
        if self.redis is not None:
            self.redis.terminate()
            self.redis.wait(timeout=10)
            self.redis = None


@contextlib.contextmanager
def serving(url: str) -> Iterator[Server]:
    server = Server(url).start()
    try:
        yield server
    finally:
        server.stop()


def principals(server: Server, tag: str) -> dict[str, Any]:
    out = OUT / f"principals-{tag}.json"
    manage(server.env, "bench_prepare", str(out))
    return json.loads(out.read_text())


def wrk(
    name: str, script: str, seconds: int, connections: int, extra_env: dict[str, str] | None = None
) -> Result:
    OUT.mkdir(parents=True, exist_ok=True)
    lua = OUT / f"{name}.lua"
    lua.write_text(LUA_COMMON + "\n" + script + "\n")
    result_path = OUT / f"{name}.wrk.json"
    result_path.unlink(missing_ok=True)
    env = {
        **os.environ,
        "BENCH_OUT": str(result_path),
        "BENCH_NONCE": uuid.uuid4().hex[:8],
        **(extra_env or {}),
    }
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(lua),
            f"http://127.0.0.1:{PORT}",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    (OUT / f"{name}.stderr").write_text(done.stderr)
    return parse_wrk(name, result_path.read_text())


def measure(persons: int, seconds: int, connections: int, warmup: int) -> dict[str, Any]:
    url = ensure_database(persons)
    with serving(url) as server:
        p = principals(server, str(persons))
        scripts = lua_requests(p, uuid.uuid4().hex[:8])
        results: dict[str, Result] = {}
        for name in SCENARIOS:
            if warmup:
                wrk(name, scripts[name], warmup, connections)
            results[name] = wrk(name, scripts[name], seconds, connections)
            r = results[name]
            log(f"{persons:>9,} {name:<14} {r.rps:8.0f} rps  p50 {r.p50_ms:6.1f}  p95 {r.p95_ms:6.1f}  "
                f"p99 {r.p99_ms:6.1f} ms  errors {r.error_count}")  # fmt: skip
    return {
        "persons": persons,
        "database": url.rsplit("/", 1)[1],
        "results": {k: asdict(v) for k, v in results.items()},
        "ratios": ratio_to_floor(results),
    }


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()
    return f"{os.cpu_count()} cores ({cpu}), load {load[0]:.1f} at start; gunicorn {WORKERS} sync workers"


def print_table(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for scale in report["scales"]:
        table = Table(title=f"{scale['persons']:,} persons")
        for column in ("scenario", "rps", "p50 ms", "p95 ms", "p99 ms", "errors", "ratio"):
            table.add_column(column, justify="left" if column == "scenario" else "right")
        for name, row in scale["results"].items():
            ratio = scale["ratios"].get(name)
            table.add_row(
                SCENARIOS[name][1], f"{row['rps']:.0f}", f"{row['p50_ms']:.1f}", f"{row['p95_ms']:.1f}",
                f"{row['p99_ms']:.1f}", str(row["errors"] + row["bad_status"]),
                "" if ratio is None else f"{ratio:.2f}",
            )  # fmt: skip
        console.print(table)
    table = Table(title="targets")
    for column in ("scenario", "measure", "target", "measured", "met"):
        table.add_column(column)
    for v in report["verdicts"]:
        table.add_row(
            v["scenario"], v["what"], v["target"], v["value"], "[green]yes" if v["met"] else "[red]NO"
        )
    console.print(table)


def load_results(scale: dict[str, Any]) -> dict[str, Result]:
    return {name: Result(**row) for name, row in scale["results"].items()}


def run(args: argparse.Namespace) -> int:
    report: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    sizes = sorted({args.small, args.persons})
    report["scales"] = [measure(n, args.seconds, args.connections, args.warmup) for n in sizes]
    large = load_results(report["scales"][-1])
    small = load_results(report["scales"][0]) if len(sizes) > 1 else None
    report["growth_p50"] = growth(small, large) if small else {}
    report["growth_p95"] = growth(small, large, "p95_ms") if small else {}
    report["verdicts"] = [asdict(v) for v in verdicts(large, small, sizes[-1])]
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    for path in (OUT / f"bench-{stamp}.json", OUT / "bench-latest.json"):
        path.write_text(json.dumps(report, indent=1))
    for path in (OUT / f"bench-{stamp}.md", OUT / "bench-latest.md"):
        path.write_text(markdown(report))
    print_table(report)
    log(f"written to {OUT}/bench-{stamp}.json and .md")
    return 0


# --- soak and drills -----------------------------------------------------------------------


def acked_keys(prefix: Path) -> list[str]:
    keys: list[str] = []
    for path in sorted(prefix.parent.glob(prefix.name + ".*")):
        keys += [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return keys


def exactly_once(url: str, keys: list[str]) -> dict[str, int]:
    """How many acknowledged submissions are missing, doubled, or in the database once."""
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT position, count(*) FROM cases_application WHERE position = ANY(%s) GROUP BY position",
            [keys],
        ).fetchall()
    found: dict[str, int] = {str(position): int(n) for position, n in rows}
    return {
        "acknowledged": len(keys),
        "distinct_keys": len(set(keys)),
        "once": sum(1 for k in set(keys) if found.get(k) == 1),
        "missing": sum(1 for k in set(keys) if k not in found),
        "doubled": sum(1 for k in set(keys) if found.get(k, 0) > 1),
    }


def audit_verify(url: str, anchor: str | None = None) -> tuple[bool, str]:
    args = ["audit", "verify"] + (["--anchor", anchor] if anchor else [])
    done = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=dev_env(url), capture_output=True, text=True
    )
    return done.returncode == 0, (done.stdout + done.stderr).strip().splitlines()[-1:][0] if (
        done.stdout + done.stderr
    ).strip() else ""


def soak(args: argparse.Namespace) -> int:
    url = ensure_database(args.persons)
    report: dict[str, Any] = {"persons": args.persons, "seconds": args.seconds}
    with serving(url) as server:
        p = principals(server, f"soak-{args.persons}")
        scripts = lua_requests(p, "soak" + uuid.uuid4().hex[:6])
        # Find the mix's capacity briefly, then run at half of it for the soak.
        probe = wrk("soak-probe", scripts["soak"], 5, args.connections)
        rate = probe.rps * args.load
        delay_ms = max(int(args.connections / rate * 1000), 0) if rate else 0
        log(
            f"mix capacity {probe.rps:.0f} rps; soaking {args.seconds} s at about {rate:.0f} rps "
            f"(delay {delay_ms} ms)"
        )
        acks = OUT / f"soak-acks-{uuid.uuid4().hex[:6]}"
        result = wrk("soak", scripts["soak"], args.seconds, args.connections,
                     {"BENCH_DELAY_MS": str(delay_ms), "BENCH_ACKS": str(acks)})  # fmt: skip
    keys = acked_keys(acks)
    once = exactly_once(url, keys)
    report.update(result=asdict(result), capacity_rps=probe.rps, target_rps=rate, submissions=once)
    passed = result.error_count == 0 and once["missing"] == 0 and once["doubled"] == 0 and once["once"] > 0
    report["passed"] = passed
    (OUT / "soak-latest.json").write_text(json.dumps(report, indent=1))
    log(f"soak: {result.requests:,} requests at {result.rps:.0f} rps, p95 {result.p95_ms:.1f} ms, "
        f"errors {result.error_count}; submissions {once}")  # fmt: skip
    log("soak PASSED" if passed else "soak FAILED")
    return 0 if passed else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="onewindow.scale.bench")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("run", "soak", "drill"):
        p = sub.add_parser(name)
        p.add_argument("--persons", type=int, default=int(os.environ.get("BENCH_PERSONS", "50000")))
        p.add_argument("--connections", type=int, default=WORKERS)
    sub.choices["run"].add_argument("--small", type=int, default=10_000)
    sub.choices["run"].add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", "10")))
    sub.choices["run"].add_argument("--warmup", type=int, default=2)
    sub.choices["soak"].add_argument("--seconds", type=int, default=60)
    sub.choices["soak"].add_argument("--load", type=float, default=0.5, help="share of the mix's capacity")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args)
    if args.command == "soak":
        return soak(args)
    from onewindow.scale.drills import drill

    return drill(args)


if __name__ == "__main__":
    raise SystemExit(main())
