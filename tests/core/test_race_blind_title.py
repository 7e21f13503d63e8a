"""A blind race's session is titled from its first prompt with naming lines hidden, until the
vote; `Race.title()` is the title to give it then (always the first round's prompt)."""

from __future__ import annotations

from tests.core.test_race import run, store  # noqa: F401  (the fixture)
from tikhub_tui.core.judging.blind import HIDDEN, NameMask
from tikhub_tui.core.race.panes import PaneSpec
from tikhub_tui.core.race.race import Race
from tikhub_tui.core.store.shared import SharedStore

PANES = [PaneSpec("gpt-5", "openai"), PaneSpec("o3", "openai")]


def test_the_session_keeps_the_masked_title_and_the_race_knows_the_real_one(
    gateway_url: str, store: SharedStore  # noqa: F811
) -> None:
    prompt = "Is Claude better than GPT at this? tps: 0 lorem: 5"
    race = Race(PANES, store=store)
    race.masked_title = NameMask(["gpt-5", "o3", "claude-opus-4-6"]).mask(prompt, HIDDEN).text
    run(race, prompt, gateway_url)
    assert race.session_id is not None
    saved = store.get().get_session(race.session_id).title
    assert saved == "Race: " + HIDDEN and "Claude" not in saved
    run(race, "And now? tps: 0 lorem: 3", gateway_url)  # a later round changes neither
    assert race.title() == "Race: Is Claude better than GPT at this? tps: 0 lorem: 5"
    assert race.title(masked=True) == saved


def test_a_sighted_race_is_titled_from_its_first_prompt(
    gateway_url: str, store: SharedStore  # noqa: F811
) -> None:
    race = Race(PANES, store=store)
    run(race, "tps: 0 lorem: 4", gateway_url)
    assert race.session_id is not None
    assert store.get().get_session(race.session_id).title == race.title() == race.title(masked=True)
