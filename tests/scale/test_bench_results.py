"""The bench's arithmetic: wrk's summary parsed, ratios to the floor, growth between scales, verdicts."""

from __future__ import annotations

import json

import pytest

from onewindow.scale import bench
from onewindow.scale.bench import Result, growth, lua_requests, markdown, parse_wrk, ratio_to_floor, verdicts


def wrk_json(requests: int, p50_us: int, *, p95_us: int = 0, bad: int = 0, timeout: int = 0) -> str:
    return json.dumps({
        "requests": requests, "duration_us": 10_000_000, "connect": 0, "read": 0, "write": 0, "status": 0,
        "timeout": timeout, "bad": bad, "p50": p50_us, "p95": p95_us or p50_us * 2, "p99": p50_us * 3,
    })  # fmt: skip


def result(name: str, rps: float, p50: float = 5.0, p95: float = 10.0) -> Result:
    return Result(name, int(rps * 10), 10.0, rps, p50, p95, p50 * 3, 0, 0)


def test_it_reads_wrk_summary_in_milliseconds_and_requests_per_second() -> None:
    parsed = parse_wrk("c_verify", wrk_json(5000, 4200, p95_us=9100, bad=3, timeout=2))
    assert parsed.rps == 500
    assert (parsed.p50_ms, parsed.p95_ms, parsed.p99_ms) == (4.2, 9.1, 12.6)
    # Timeouts are transport errors; 3xx/4xx/5xx answers counted by the script are bad statuses.
    assert (parsed.errors, parsed.bad_status, parsed.error_count) == (2, 3, 5)


def test_each_scenario_is_compared_with_its_own_floor() -> None:
    results = {
        "floor_read": result("floor_read", 1000),
        "floor_write": result("floor_write", 400),
        "a_case_status": result("a_case_status", 600),
        "d_submit": result("d_submit", 100),
    }
    ratios = ratio_to_floor(results)
    assert ratios == {"a_case_status": 0.6, "d_submit": 0.25}


def test_without_a_floor_there_is_no_ratio() -> None:
    assert ratio_to_floor({"a_case_status": result("a_case_status", 600)}) == {"a_case_status": None}


def test_growth_is_the_large_scale_latency_over_the_small_one() -> None:
    small = {"c_verify": result("c_verify", 500, p50=4.0, p95=8.0)}
    large = {"c_verify": result("c_verify", 450, p50=5.0, p95=16.0)}
    assert growth(small, large) == {"c_verify": 1.25}
    assert growth(small, large, "p95_ms") == {"c_verify": 2.0}


def test_verdicts_check_every_target_and_report_errors() -> None:
    large = {
        "floor_read": result("floor_read", 1000),
        "floor_write": result("floor_write", 400),
        "a_case_status": result("a_case_status", 700),
        "b_worklist": result("b_worklist", 50, p95=60.0),
        "c_verify": result("c_verify", 600),
        "d_submit": result("d_submit", 200),
        "e_statistics": result("e_statistics", 80, p95=20.0),
    }
    large["d_submit"].bad_status = 4
    small = {name: result(name, r.rps, p50=r.p50_ms / 2) for name, r in large.items()}
    small["c_verify"] = result("c_verify", 600, p50=4.0)
    found = {(v.scenario, v.what): v for v in verdicts(large, small, 1_000_000)}
    assert found[("a_case_status", "ratio to floor")].met
    assert not found[("c_verify", "ratio to floor")].met  # 0.6 < 0.7
    assert found[("d_submit", "ratio to floor")].met  # 0.5 >= 0.4
    assert not found[("b_worklist", "p95 at 1,000,000")].met
    assert found[("e_statistics", "p95 at 1,000,000")].met
    assert found[("c_verify", "p50 growth")].met  # 5.0 / 4.0 = 1.25
    assert not found[("a_case_status", "p50 growth")].met  # doubled
    assert found[("d_submit", "errors")].value == "4"


def test_the_markdown_report_has_a_row_per_scenario_and_the_targets() -> None:
    results = {"floor_read": result("floor_read", 1000), "c_verify": result("c_verify", 800)}
    report = {
        "when": "2026-11-25T20:00:00+00:00",
        "machine": "2 cores",
        "scales": [{"persons": 10_000, "results": {k: v.__dict__ for k, v in results.items()},
                    "ratios": ratio_to_floor(results)}],
        "verdicts": [v.__dict__ for v in verdicts(results)],
    }  # fmt: skip
    text = markdown(report)
    assert "| (c) public permit verification (API) | 800 |" in text
    assert "0.80" in text
    assert "## Targets" in text


@pytest.fixture
def principals() -> dict[str, object]:
    return {
        "case_reads": [{"token": "ow_abc_def", "reference": "OW-AAAA-BBBB"}],
        "worklist": {"session": "s1", "cookie": "sessionid", "station": "x"},
        "permit_tokens": ["tok/en+1"],
        "submission": {"token": "ow_w_x", "person_ids": [1, 2], "assessment": {"education": "master"}},
        "statistics": {"session": "s2", "cookie": "sessionid", "area_id": 7},
        "floor_id": 42,
    }


def test_the_load_scripts_carry_the_principals_and_unique_keys(principals: dict[str, object]) -> None:
    scripts = lua_requests(principals, "run1")
    assert set(bench.SCENARIOS) <= set(scripts)
    assert "/bench/floor/read?id=42" in scripts["floor_read"]
    assert '"Bearer ow_abc_def"' in scripts["a_case_status"]
    # Tokens are URL-encoded in the verification path.
    assert "tok%2Fen%2B1" in scripts["c_verify"]
    # Each submission's key is unique per thread and counter, and is echoed in the position for the soak.
    assert 'string.format("bench-run1-%s-%d-%d", nonce, tid, counter)' in scripts["d_submit"]
    assert "/registry/area/7/" in scripts["e_statistics"]
    assert "delay = function()" in scripts["soak"]


def test_the_bench_server_lifts_each_limit_meant_for_one_client(monkeypatch: pytest.MonkeyPatch) -> None:
    # The bench's load comes from one address and a few tokens: a per-client limit left on would
    # answer 429 and measure the limiter. Each variable must be one the settings really read.
    monkeypatch.setattr(bench, "dev_secrets", lambda: {"SECRET_KEY": "k", "ONEWINDOW_DATA_KEYS": "d",
                                                       "ONEWINDOW_LOOKUP_KEY": "l"})  # fmt: skip
    env = bench.server_env("postgres://postgres@127.0.0.1:5432/ow_bench_10000")
    settings_source = (bench.ROOT / "onewindow" / "settings.py").read_text()
    for name in ("ONEWINDOW_VERIFY_RATE_LIMIT", "ONEWINDOW_API_RATE_PER_MINUTE"):
        assert int(env[name]) >= 1_000_000
        assert f'"{name}"' in settings_source


def test_the_crash_drills_client_retries_an_answer_cut_off_after_its_headers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A worker killed between the headers and the body: the client retries with the same key."""
    import http.client
    import time

    from onewindow.scale.drills import Submitter

    answers: list[tuple[int, str] | BaseException] = [
        http.client.IncompleteRead(b"", 1321),
        ConnectionRefusedError(),
        (409, "{}"),
        (201, json.dumps({"reference": "OW-TEST-0001"})),
    ]
    keys: list[str] = []

    def post(key: str, body: bytes) -> tuple[int, str]:
        keys.append(key)
        answer = answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        if not answers:
            submitter.stop_new.set()  # one submission is enough
        return answer

    monkeypatch.setattr(time, "sleep", lambda _seconds: None)
    submitter = Submitter(token="t", persons=[1], assessment={})
    monkeypatch.setattr(submitter, "post", post)
    submitter.worker(0, deadline=time.monotonic() + 5)
    assert len(set(keys)) == 1 and len(keys) == 4
    assert submitter.acked == {keys[0]: "OW-TEST-0001"}
    assert not submitter.pending
    assert submitter.failures == {"IncompleteRead": 1, "ConnectionRefusedError": 1, "409": 1}
