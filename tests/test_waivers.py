"""Waivers: shown everywhere, stop CI gates until they expire, audit view ignores them."""

from __future__ import annotations

import json

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
