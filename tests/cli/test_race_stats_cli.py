"""`tikhub-tui race stats` over a seeded store: the table, the JSON, every filter, the errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest

from tests.race_seed import Seat, SeedRace, seed
from tikhub_tui.cli import main
from tikhub_tui.core.judging.votes import Vote

GPT, CLAUDE, GEMINI = "gpt-5", "claude-opus-4-6", "gemini-2.5-pro"


def day(n: int) -> datetime:
    return datetime(2026, 11, n, 12, tzinfo=UTC)


RACES = [
    # claude beats gpt blind twice; a sighted vote says gpt; gemini loses to both, once failing
    SeedRace(day(1), (Seat(GPT, "openai", 0.4), Seat(CLAUDE, "anthropic", 1.2)), (Vote.pick(1),)),
    SeedRace(day(2), (Seat(CLAUDE, "anthropic", 1.0), Seat(GPT, "openai", 0.6)),
             (Vote.pick(0), Vote.pick(1, blind=False))),
    SeedRace(day(3), (Seat(GPT, "openai", 0.5), Seat(GEMINI, "gemini", None, 0.3, None, None,
                                                     "error")), (Vote.pick(0),)),
    SeedRace(day(4), (Seat(GEMINI, "gemini", 0.2), Seat(CLAUDE, "anthropic", 0.9)), (Vote.pick(1),)),
]


def stats(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["race", "stats", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_json_for_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    seed(RACES)
    code, out, _ = stats("--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert (data["races"], data["votes"], data["other_votes"]) == (4, 4, 1)
    assert data["filter"] == {"since": None, "until": None, "models": None, "votes": "blind"}
    models = {row["model"]: row for row in data["models"]}
    assert [row["model"] for row in data["models"]] == [CLAUDE, GPT, GEMINI]
    assert (models[CLAUDE]["wins"], models[CLAUDE]["losses"]) == (3, 0)
    assert (models[GEMINI]["errors"], models[GEMINI]["error_rate"]) == (1, 0.5)
    assert models[GPT]["ttft_s"]["median"] == 0.5 and models[GPT]["races"] == 3
    assert models[GPT]["cost_per_answer_usd"]["priced_answers"] == 3
    assert models[CLAUDE]["rating"] > 1000 > models[GEMINI]["rating"]


def test_votes_blind_sighted_or_all(capsys: pytest.CaptureFixture[str]) -> None:
    seed(RACES)
    _, out, _ = stats("--json", "--sighted", capsys=capsys)
    sighted = json.loads(out)
    assert (sighted["votes"], sighted["other_votes"]) == (1, 4)
    assert sighted["models"][0]["model"] == GPT
    _, out, _ = stats("--json", "--all-votes", capsys=capsys)
    both = json.loads(out)
    assert (both["votes"], both["other_votes"], both["filter"]["votes"]) == (5, 0, "all")
    with pytest.raises(SystemExit) as exit_:
        main(["race", "stats", "--sighted", "--all-votes"])
    assert exit_.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_time_range_and_model_set(capsys: pytest.CaptureFixture[str]) -> None:
    seed(RACES)
    _, out, _ = stats("--json", "--since", "2026-11-02", "--until", "2026-11-04", capsys=capsys)
    ranged = json.loads(out)
    assert ranged["races"] == 2 and ranged["votes"] == 2
    _, out, _ = stats("--json", "-m", GPT, "-m", GEMINI, capsys=capsys)
    chosen = json.loads(out)
    assert [row["model"] for row in chosen["models"]] == [GPT, GEMINI]
    assert chosen["races"] == 4 and chosen["filter"]["models"] == [GEMINI, GPT]
    assert chosen["models"][0]["wins"] == 1  # only the race where gpt met gemini counts


def test_a_clear_table(capsys: pytest.CaptureFixture[str]) -> None:
    seed(RACES)
    code, out, _ = stats(capsys=capsys)
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split()[:5] == ["#", "MODEL", "RATING", "W-L-T", "RACES"]
    assert lines[1].split()[:2] == ["1", CLAUDE] and "3-0-0" in lines[1]
    assert lines[3].split()[1] == GEMINI and lines[3].endswith("50%")
    assert any("Bradley–Terry over 4 blind votes" in line for line in lines)
    assert any("1 sighted vote not counted: --sighted" in line for line in lines)


def test_no_races_yet_says_what_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = stats(capsys=capsys)
    assert code == 0 and "No races" in out and "tikhub-tui race" in out
    _, out, _ = stats("--json", capsys=capsys)
    assert json.loads(out)["models"] == []


def test_bad_dates_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["race", "stats", "--since", "last tuesday"])
    assert exit_.value.code == 2 and "is not a date" in capsys.readouterr().err
    code, _, err = stats("--since", "2026-11-04", "--until", "2026-11-02", capsys=capsys)
    assert code == 2 and "--until must be later than --since" in err


def test_a_store_that_cannot_be_read(capsys: pytest.CaptureFixture[str]) -> None:
    seed(RACES)
    from tikhub_tui.core.store.base import default_path

    default_path().write_bytes(b"not a database at all" * 100)
    code, _, err = stats(capsys=capsys)
    assert code == 1 and "sessions.db" in err and "Fix:" in err


def test_help_and_the_command_list() -> None:
    env = dict(os.environ)
    result = subprocess.run([sys.executable, "-m", "tikhub_tui", "race", "stats", "--help"],
                            capture_output=True, text=True, env=env, timeout=60, check=False)  # fmt: skip
    assert result.returncode == 0
    assert "--all-votes" in result.stdout and "Bradley–Terry" in result.stdout
