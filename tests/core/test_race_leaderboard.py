"""A finished race reaches the leaderboard: the store's race tables give `race_stats` the
answers and votes its contract names; a race is one race however many rounds and retries it
had (its votes are per round)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import FAKE_KEY
from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.judging.board import StatsFilter
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.race.race import Race
from tikhub_tui.core.race.runner import Round
from tikhub_tui.core.store.race_stats import CONTRACT
from tikhub_tui.core.store.shared import SharedStore


@pytest.fixture
def store() -> Iterator[SharedStore]:
    shared = SharedStore()
    yield shared
    shared.close()


def race_twice(store: SharedStore, base_url: str, *, retry: bool = False) -> Race:
    """A race of two rounds (and, `retry`, the failing pane retried in the second)."""
    race = Race(
        [PaneSpec("gpt-5", "openai", system="tps: 0"),
         PaneSpec("claude-sonnet-4-5", "anthropic", system="error: 500")],
        store=store,
    )  # fmt: skip
    with ChatClient(ClientSettings(base_url=base_url, max_retries=0), FAKE_KEY) as http:
        for prompt in ("lorem: 30", "lorem: 20"):
            assert Round(race, race.start_round(prompt), http).wait(60)
        if retry:
            assert Round(race, [race.retry(1)], http, retried=True).wait(60)
    return race


def test_the_race_tables_have_the_contract_s_columns(store: SharedStore) -> None:
    conn = store.get()._conn  # the relations as SQLite sees them
    for relation in ("race_answers", "race_votes"):
        wanted = _columns_in_contract(relation)
        assert [row[1] for row in conn.execute(f"PRAGMA table_info({relation})")] == wanted


def _columns_in_contract(relation: str) -> list[str]:
    body = CONTRACT.split(f"CREATE TABLE {relation} (", 1)[1].split(");", 1)[0]
    return [line.split()[0] for line in body.splitlines() if line.strip() and
            not line.strip().startswith("--")]  # fmt: skip


def test_a_finished_race_is_on_the_leaderboard(gateway_url: str, store: SharedStore) -> None:
    race = race_twice(store, gateway_url)
    saved = store.get()
    board = saved.race_leaderboard(built_in(), StatsFilter(votes="sighted"))
    rows = {row.model: row for row in board.rows}
    assert board.races == 1  # two rounds of one race
    gpt, claude = rows["gpt-5"], rows["claude-sonnet-4-5"]
    assert (gpt.provider, gpt.races, gpt.answers, gpt.errors) == ("openai", 1, 2, 0)
    assert (claude.races, claude.answers, claude.errors) == (1, 2, 2)
    assert gpt.ttft.median is not None and gpt.ttft.median > 0
    assert gpt.tokens_per_s.median is not None and gpt.tokens_per_s.median > 0
    assert gpt.cost is not None and gpt.cost > 0 and gpt.priced_answers == 2
    assert gpt.rating is None and board.votes == 0  # no votes recorded yet
    # a vote on the first round, in the contract's shape, is read against that round's panes
    [stored] = saved.races(race.session_id or "")
    saved._conn.execute("INSERT INTO race_votes VALUES (?, 0, 'pick:0')", (f"{stored.id}.1",))
    board = saved.race_leaderboard(built_in(), StatsFilter(votes="sighted"))
    rows = {row.model: row for row in board.rows}
    assert board.votes == 1 and (rows["gpt-5"].wins, rows["claude-sonnet-4-5"].losses) == (1, 1)


def test_a_deleted_race_leaves_the_leaderboard(gateway_url: str, store: SharedStore) -> None:
    race = race_twice(store, gateway_url)
    saved = store.get()
    saved.delete_session(race.session_id or "")
    board = saved.race_leaderboard(built_in())
    assert board.races == 0 and board.rows == ()


def test_a_race_counts_once_whatever_its_rounds_and_retries(
    gateway_url: str, store: SharedStore
) -> None:
    race_twice(store, gateway_url, retry=True)  # two rounds, a retry in the second
    race_twice(store, gateway_url)  # another race of the same models
    solo = Race([PaneSpec("gpt-5", "openai", system="tps: 0"),
                 PaneSpec("o3", "openai", system="tps: 0")], store=store)  # fmt: skip
    with ChatClient(ClientSettings(base_url=gateway_url, max_retries=0), FAKE_KEY) as http:
        assert Round(solo, solo.start_round("lorem: 5"), http).wait(60)
    board = store.get().race_leaderboard(built_in(), StatsFilter(votes="all"))
    rows = {row.model: row for row in board.rows}
    assert board.races == 3
    assert {model: row.races for model, row in rows.items()} == {
        "gpt-5": 3, "claude-sonnet-4-5": 2, "o3": 1,
    }  # fmt: skip
    # answers are per round; the retry replaced its round's answer
    assert (rows["gpt-5"].answers, rows["claude-sonnet-4-5"].answers) == (5, 4)
    only = store.get().race_leaderboard(built_in(), StatsFilter(models=frozenset({"o3"})))
    assert only.races == 1 and only.rows[0].races == 1
