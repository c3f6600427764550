"""Portfolio views: `--where KEY=VALUE` filters and `--group-by KEY` groups the ranking, in the
table, markdown and XLSX (the HTML report: tests/test_report_html.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from riskscore.analysis.views import KEYS, check_group_key, grouped, parse_where
from riskscore.commands.app import app
from riskscore.commands.common import VIEW_KEYS
from riskscore.engine.evaluate import evaluate
from riskscore.errors import UsageError
from riskscore.load.profile import load_profile
from tests.conftest import MINI

runner = CliRunner()

GOOD = "flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: none"
FLAGGED = "flag: true\nlevel: high\nshare: 100\nn_a: false\nrisk: severe"
WEAK = "flag: false\nlevel: mid\nshare: 40\nn_a: true"


def profile(name: str, country: str, facts: str, commodities: str = "", stage: str = "") -> str:
    lines = [f"project:\n  name: {name}\n  country: {country}\n"]
    if commodities:
        lines.append(f"  commodities: [{commodities}]\n")
    if stage:
        lines.append(f"  stage: {stage}\n")
    lines.append("facts:\n" + "".join(f"  {line}\n" for line in facts.splitlines()))
    return "".join(lines)


@pytest.fixture
def portfolio(write) -> list[str]:
    paths = [
        write("a.yaml", profile("Alpha", "Zambia", GOOD, "copper, gold", "production")),
        write("b.yaml", profile("Beta", "Pakistan", FLAGGED, "copper", "exploration")),
        write("c.yaml", profile("Gamma", "Pakistan", WEAK, "", "")),
    ]
    return [*map(str, paths), "--criteria", str(MINI)]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env={"COLUMNS": "160"})
    return result.exit_code, result.stdout, result.stderr


def test_where_keeps_matching_projects_and_gates_only_those(portfolio) -> None:
    code, out, err = run("evaluate", *portfolio, "--where", "country=pakistan")
    assert code == 0, err
    assert "Beta" in out and "Gamma" in out and "Alpha" not in out
    assert "where country=pakistan" in " ".join(out.split())
    # Beta's red flag trips --fail-on-flag, unless the filter leaves Beta out.
    assert run("evaluate", *portfolio, "--fail-on-flag")[0] == 1
    code, _, err = run("evaluate", *portfolio, "--fail-on-flag", "--where", "flag=none")
    assert code == 0, err


def test_same_key_means_either_value_other_keys_must_all_hold(portfolio) -> None:
    code, out, _ = run(
        "evaluate", *portfolio, "-f", "markdown",
        "-w", "country=Zambia", "-w", "country=Pakistan", "-w", "commodity=copper",
    )  # fmt: skip
    assert code == 0
    ranking = out.split("\n## ")[0]
    assert "Alpha" in ranking and "Beta" in ranking and "Gamma" not in ranking


def test_flag_any_and_none(portfolio) -> None:
    out = run("evaluate", *portfolio, "-f", "markdown", "-w", "flag=any")[1]
    assert "# Beta" in out and "Alpha" not in out  # one project: shown alone
    out = run("evaluate", *portfolio, "-f", "markdown", "-w", "flag=none")[1]
    assert "Alpha" in out and "Gamma" in out and "Beta" not in out


def test_a_filter_that_matches_nothing_says_so(portfolio) -> None:
    code, out, _ = run("evaluate", *portfolio, "-w", "band=weak", "-w", "country=Zambia")
    assert code == 0
    assert out == "No project matches --where country=zambia, band=weak.\n"


def test_group_by_gives_one_ranking_per_value(portfolio) -> None:
    code, out, err = run("evaluate", *portfolio, "--group-by", "commodity")
    assert code == 0, err
    titles = [
        line.split(" (")[0].strip() for line in out.splitlines() if "Portfolio ranking" in line
    ]
    assert titles == [
        "Portfolio ranking — commodity: copper — 2 projects",
        "Portfolio ranking — commodity: gold — 1 project",
        "Portfolio ranking — commodity: none — 1 project",
    ]


def test_group_by_band_follows_the_band_order_in_markdown(portfolio) -> None:
    code, out, _ = run("evaluate", *portfolio, "-f", "markdown", "-g", "band")
    assert code == 0
    headings = [line for line in out.splitlines() if line.startswith("## band:")]
    assert headings == ["## band: good — 1 project", "## band: weak — 1 project",
                        "## band: failing — 1 project"]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-w", "band"], "write KEY=VALUE"),
        (["-w", "colour=red"], "unknown key 'colour'"),
        (["-w", "band=wek"], "no band 'wek' (did you mean 'weak'?)"),
        (["-w", "flag=c-bool"], "no flag 'c-bool'"),  # c-bool has no gate
        (["-g", "countri"], "(did you mean 'country'?)"),
    ],
)
def test_bad_views_are_usage_errors(portfolio, args, message) -> None:
    code, out, err = run("evaluate", *portfolio, *args)
    assert code == 2 and out == ""
    assert message in err


def test_grouped_puts_multi_valued_projects_in_each_group(mini, write) -> None:
    cards = [
        evaluate(load_profile(write(f"{n}.yaml", text), mini), mini)
        for n, text in [
            ("a", profile("A", "X", GOOD, "copper, gold")),
            ("b", profile("B", "X", WEAK)),
        ]
    ]
    assert [(v, [c.project for c in m]) for v, m in grouped(cards, "commodity")] == [
        ("copper", ["A"]),
        ("gold", ["A"]),
        ("none", ["B"]),
    ]
    assert [v for v, _ in grouped(cards, "stage")] == ["unknown"]
    where = parse_where(["commodity=GOLD"])
    assert [where.matches(c) for c in cards] == [True, False]
    assert not parse_where([])
    with pytest.raises(UsageError):
        check_group_key("colour")


def test_xlsx_ranking_has_a_group_column(portfolio, tmp_path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    target = tmp_path / "views.xlsx"
    code, _, err = run("evaluate", *portfolio, "-f", "xlsx", "-o", str(target), "-g", "country")
    assert code == 0, err
    sheet = openpyxl.load_workbook(target)["Ranking"]
    values = list(sheet.iter_rows(values_only=True))
    head = values[0]
    assert head[:2] == ("country", "rank")
    rows = [(r[0], r[1], r[head.index("project")]) for r in values[1:]]
    # The sheet ranks by score within each group (Beta's red flag caps its band, not its score).
    assert rows == [("Pakistan", 1, "Beta"), ("Pakistan", 2, "Gamma"), ("Zambia", 1, "Alpha")]


def test_subprocess_where_and_group_by(portfolio) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "riskscore", "evaluate", *portfolio,
         "--format", "markdown", "--where", "stage=production", "--where", "stage=exploration",
         "--group-by", "stage"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "## stage: exploration — 1 project" in proc.stdout
    assert "## stage: production — 1 project" in proc.stdout
    assert "Gamma" not in proc.stdout
    assert Path(portfolio[0]).is_file()


def test_worker_processes_apply_the_filter_and_the_baseline(portfolio, tmp_path) -> None:
    """--where and --baseline reach the worker processes of --jobs 2 (initargs)."""
    base = tmp_path / "baseline.json"
    assert run("evaluate", *portfolio, "--create-baseline", str(base), "-f", "json")[0] == 0
    args = ("evaluate", *portfolio, "-f", "json", "-w", "country=Pakistan", "--baseline", str(base))
    one, two = run(*args), run(*args, "--jobs", "2")
    assert one[0] == two[0] == 0
    assert one[1] == two[1]
    assert '"project": "Alpha"' not in two[1] and '"unchanged": [' in two[1]


def test_the_help_of_where_and_group_by_names_every_key() -> None:
    """--where and --group-by (commands.common) name the keys in their help without importing
    analysis.views; the names must be KEYS, in order, or the help lies about what is accepted."""
    assert ", ".join(KEYS[:-1]) + " or " + KEYS[-1] == VIEW_KEYS
    for command in ("evaluate", "report"):
        result = runner.invoke(app, [command, "--help"], terminal_width=400)
        text = " ".join(result.stdout.split())
        assert f"KEY ({VIEW_KEYS}) has VALUE" in text, command
