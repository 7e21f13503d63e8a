"""The app and `ask` finish an answer through the same core exchange: the same stream gives
the same saved row, reasoning included, whichever of them streamed it."""

from __future__ import annotations

import pytest

from tests.cli.conftest import ask
from tests.conftest import MODELS
from tests.ui.conftest import SIZE, demo_app, last_answer, send
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.records import StoredMessage

pytestmark = pytest.mark.anyio

PROMPT = "think: 6 echo: one row for both"


def saved_answers() -> list[StoredMessage]:
    """The answer of every saved session, oldest session first."""
    with Store.open() as store:
        sessions = sorted(store.list_sessions(), key=lambda s: s.created_at)
        return [store.messages(s.id)[-1] for s in sessions]


def comparable(answer: StoredMessage) -> tuple[object, ...]:
    """Everything saved about an answer but its ids, times and timings."""
    return (
        answer.role, answer.text, answer.reasoning, answer.model, answer.provider,
        answer.usage, answer.finish_reason, answer.status, answer.error,
    )  # fmt: skip


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
async def test_the_app_and_ask_save_the_same_row(provider: str, gateway_url: str) -> None:
    app = demo_app(provider=provider, model=MODELS[provider])
    async with app.run_test(size=SIZE) as pilot:
        await send(pilot, PROMPT)
        assert last_answer(app).reasoning  # shown in the app as it streamed
    result = ask("--provider", provider, "-m", MODELS[provider], "--base-url", gateway_url, PROMPT)
    assert result.returncode == 0 and result.stdout == "one row for both\n"
    from_app, from_ask = saved_answers()
    assert comparable(from_app) == comparable(from_ask)
    assert len(from_ask.reasoning.split()) == 6 and from_ask.status == "complete"
    for answer in (from_app, from_ask):
        assert answer.ttft is not None and answer.duration is not None
        assert 0 < answer.ttft <= answer.duration
