"""Waivers: shown everywhere, stop CI gates until they expire, audit view ignores them."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from typer.testing import CliRunner

from riskscore.commands.app import app
from tests.conftest import MINI, mini_profile

runner = CliRunner()
SEVERE = "flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: severe"


def waived(expires: str, criterion: str = "c-na") -> str:
    return mini_profile(SEVERE) + (
        "waivers:\n"
        f"  - criterion: {criterion}\n"
        "    reason: Accepted while the operator publishes its security plan.\n"
        "    owner: risk-committee\n"
        f"    expires: {expires}\n"
    )


def run(*args: str, today: str = "2026-11-23") -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"RISKSCORE_TODAY": today})
    return result.exit_code, result.stdout, result.stderr


def test_active_waiver_stops_fail_on_flag_and_is_reported(write) -> None:
    path = write("p.yaml", waived("2027-01-31"))
    code, out, err = run("evaluate", str(path), "-c", str(MINI), "-f", "json", "--fail-on-flag")
    assert code == 0, err
    card = json.loads(out)["scorecards"][0]
    assert card["band"] == "weak"  # a waiver never changes the rating
    flag = card["flags"][0]
    assert flag["criterion"] == "c-na" and flag["waiver"]["active"] is True
    assert flag["waiver"]["owner"] == "risk-committee"
    assert card["waivers"][0]["source"] == f"{path}:11"


def test_expired_waiver_trips_the_gate_again(write) -> None:
    path = write("p.yaml", waived("2026-11-22"))
    code, out, err = run("evaluate", str(path), "-c", str(MINI), "-f", "json", "--fail-on-flag")
    assert code == 1
    assert "red flag c-na (critical); its waiver expired 2026-11-22" in err
    assert json.loads(out)["scorecards"][0]["flags"][0]["waiver"]["active"] is False


def test_no_waivers_is_the_audit_view(write) -> None:
    path = write("p.yaml", waived("2027-01-31"))
    code, out, _ = run(
        "evaluate", str(path), "-c", str(MINI), "-f", "json", "--fail-on-flag", "--no-waivers"
    )
    assert code == 1
    card = json.loads(out)["scorecards"][0]
    assert card["waivers"] == [] and card["flags"][0]["waiver"] is None


def test_validate_reports_expired_and_idle_waivers(write) -> None:
    expired = write("old.yaml", waived("2025-01-01"))
    idle = write("idle.yaml", waived("2027-01-31", criterion="c-bool"))
    code, out, err = run("validate", str(expired), str(idle), "-c", str(MINI))
    assert code == 0 and out.endswith("are valid; 2 warnings\n")
    assert f"{expired}:11: waiver for c-na expired on 2025-01-01" in err
    assert f"{idle}:11: waiver for c-bool waives nothing: the criterion is met" in err
    code, out, err = run("validate", str(expired), "-c", str(MINI), "--strict")
    assert code == 1 and "ok" not in out
    # the last line says it failed, and why
    assert err.splitlines()[-1] == (
        "riskscore: validate --strict failed: 1 warning (listed above), and --strict fails on "
        "any warning; the criteria set mini 0.1.0 (5 criteria, 1 lens) and 1 profile load"
    )


def test_waiver_naming_no_criterion_is_an_error(write) -> None:
    path = write("p.yaml", waived("2027-01-31", criterion="c-nah"))
    code, _, err = run("validate", str(path), "-c", str(MINI))
    assert code == 2
    assert (
        f"{path}:11: waivers.0.criterion: the waiver names no criterion 'c-nah' "
        "(did you mean 'c-na'?)" in err
    )


def test_waivers_show_in_table_and_markdown(write) -> None:
    path = write("p.yaml", waived("2027-01-31"))
    for fmt in ("table", "markdown"):
        code, out, _ = run("evaluate", str(path), "-c", str(MINI), "-f", fmt)
        assert code == 0
        words = out.replace("│", " ").split()  # a wrapped table cell continues after a border
        assert "Waived until 2027-01-31 by risk-committee" in " ".join(words)


def test_a_bad_pinned_date_is_a_usage_error(write) -> None:
    path = write("p.yaml", waived("2027-01-31"))
    code, _, err = run("evaluate", str(path), "-c", str(MINI), today="2026-1-5")
    assert code == 2 and "RISKSCORE_TODAY='2026-1-5' is not a date" in err


def test_two_waivers_for_one_criterion_are_an_error(write) -> None:
    text = waived("2027-01-31") + (
        "  - criterion: c-na\n"
        "    reason: Second thoughts.\n"
        "    owner: someone-else\n"
        "    expires: 2026-01-01\n"
    )
    path = write("p.yaml", text)
    code, _, err = run("evaluate", str(path), "-c", str(MINI), "--fail-on-flag")
    assert code == 2
    assert (
        f"{path}:15: waivers.1.criterion: a second waiver for 'c-na' (the first is on "
        "line 11); keep one" in err
    )


# --- one clock for expiry (issue 22, section 7) ------------------------------------------------


def _active_under(tz: str, path: Path) -> tuple[bool, str]:
    """(the waiver's `active`, validate's stderr) from real runs with the machine in zone `tz`
    and no pinned date."""
    env = {k: v for k, v in os.environ.items() if k != "RISKSCORE_TODAY"}
    env.update(TZ=tz, RISKSCORE_NO_CACHE="1")
    cmd = [sys.executable, "-m", "riskscore"]
    done = subprocess.run(
        [*cmd, "evaluate", str(path), "-c", str(MINI), "-f", "json"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    active = json.loads(done.stdout)["scorecards"][0]["waivers"][0]["active"]
    checked = subprocess.run(
        [*cmd, "validate", str(path), "-c", str(MINI)], env=env, capture_output=True, text=True
    )
    return active, checked.stderr


def test_expiry_does_not_depend_on_the_machine_s_time_zone(write) -> None:
    """Kiritimati (UTC+14) and Etc/GMT+12 (UTC-12) are always on different dates. A waiver
    that expires on the western date was active in the west and expired in the east; it is
    now judged on the UTC date in both."""
    west = dt.datetime.now(ZoneInfo("Etc/GMT+12")).date().isoformat()
    utc = dt.datetime.now(dt.UTC).date().isoformat()
    path = write("p.yaml", waived(west))
    east_active, east_says = _active_under("Pacific/Kiritimati", path)
    west_active, west_says = _active_under("Etc/GMT+12", path)
    assert east_active == west_active == (west >= utc)
    assert east_says == west_says


def test_a_profile_s_as_of_is_the_clock_when_it_states_one(write) -> None:
    """As of its stated date the waiver was active: the same answer on any day, any machine."""
    path = write("p.yaml", waived("2026-02-01") + "as_of: 2026-01-15\n")
    for today in ("2025-06-01", "2026-11-23", "2031-01-01"):
        code, out, _ = run("evaluate", str(path), "-c", str(MINI), "-f", "json", today=today)
        assert code == 0
        assert json.loads(out)["scorecards"][0]["waivers"][0]["active"] is True
    stale = write("q.yaml", waived("2026-01-14") + "as_of: 2026-01-15\n")
    code, out, _ = run("evaluate", str(stale), "-c", str(MINI), "-f", "json", today="2025-01-01")
    assert code == 0
    assert json.loads(out)["scorecards"][0]["waivers"][0]["active"] is False
    _, _, err = run("validate", str(stale), "-c", str(MINI), today="2025-01-01")
    assert "expired on 2026-01-14 (judged on the profile's as_of 2026-01-15)" in err


def test_without_as_of_the_clock_is_the_utc_date(monkeypatch) -> None:
    from riskscore.commands import common

    monkeypatch.delenv("RISKSCORE_TODAY", raising=False)
    for tz in ("Pacific/Kiritimati", "Etc/GMT+12"):
        monkeypatch.setenv("TZ", tz)
        time.tzset()
        assert common.today() == dt.datetime.now(dt.UTC).date().isoformat()
    monkeypatch.delenv("TZ")
    time.tzset()
