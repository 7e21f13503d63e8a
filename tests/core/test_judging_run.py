"""The judge run end to end at the embedded gateway: what the judge receives (anonymised,
shuffled), its figures counted like any answer's, the judgement and the votes saved with the
race, and read back from a hostile row."""

from __future__ import annotations

import random
import re
import sqlite3
from collections.abc import Iterator

import pytest

from tests.conftest import FAKE_KEY
from tikhub_tui.core.catalogue import built_in
from tikhub_tui.core.client import ChatClient, ClientSettings
from tikhub_tui.core.judging.blind import NameMask
from tikhub_tui.core.judging.judge import REMOVED, Verdict
from tikhub_tui.core.judging.run import JudgeRun
from tikhub_tui.core.judging.votes import Vote
from tikhub_tui.core.model import Usage
from tikhub_tui.core.store import Store
from tikhub_tui.core.store.judgements import Judgement

MASK = NameMask([*built_in().models, *built_in().aliases])
ANSWERS = {
    0: "As Claude, I'd say: use `sorted()`.\nIt returns a new list.",
    1: "I'm GPT-4o. Use list.sort() to sort in place.",
    2: "Both work; sorted() takes any iterable.\n\n— Gemini",
}
MODELS = {"openai": "gpt-5", "anthropic": "claude-opus-4-6", "gemini": "gemini-2.5-pro"}


@pytest.fixture
def store() -> Iterator[Store]:
    with Store.open() as opened:
        yield opened


def judge(run: JudgeRun, base_url: str) -> list[str]:
    delivered: list[str] = []
    settings = ClientSettings(base_url=base_url, max_retries=0)
    with ChatClient(settings, FAKE_KEY) as client:
        run.stream(client, lambda text, reasoning: delivered.append(text))
    return delivered


def answers_in(text: str) -> list[str]:
    return re.findall(r'<answer n="\d">\n(.*?)\n</answer>', text, flags=re.DOTALL)


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_the_judge_receives_anonymised_shuffled_answers(provider: str, gateway_url: str) -> None:
    # the race's prompt makes the gateway echo everything after it: the brief as it arrived
    seen: set[tuple[int, ...]] = set()
    for seed in (3, 4, 5, 11):
        run = JudgeRun("tps: 0 echo:", ANSWERS, "score", MODELS[provider], provider, MASK,
                       rng=random.Random(seed))  # fmt: skip
        received = "".join(judge(run, gateway_url))
        assert received == run.text
        assert answers_in(received) == [MASK.mask(ANSWERS[p], REMOVED).text for p in run.brief.order]
        assert not any(MASK.names_one(line) for line in received.splitlines())
        assert "It returns a new list." in received and "takes any iterable" in received
        seen.add(run.brief.order)
    assert len(seen) > 1  # the order is not the race's


def test_its_figures_are_counted_like_any_answer(gateway_url: str) -> None:
    run = JudgeRun("tps: 0 think: 5 lorem: 30", ANSWERS, "fuse", "claude-opus-4-6", "anthropic",
                   MASK, race_id=7)  # fmt: skip
    judge(run, gateway_url)
    saved = run.judgement()
    assert saved.status == "complete" and saved.text == run.text and "END 30" in saved.text
    assert saved.reasoning and saved.usage.output_tokens and saved.usage.input_tokens
    assert saved.ttft is not None and saved.duration is not None and saved.duration >= saved.ttft
    assert saved.mode == "fuse" and saved.order == run.brief.order
    assert run.verdict() is None  # only a score has a verdict


def test_a_failing_judge_ends_quietly_with_its_error(gateway_url: str) -> None:
    run = JudgeRun("error: 529", ANSWERS, "score", "claude-opus-4-6", "anthropic", MASK)
    judge(run, gateway_url)
    saved = run.judgement()
    assert saved.status == "error" and "overloaded" in saved.error.lower() and saved.text == ""


def test_a_score_verdict_names_panes(gateway_url: str) -> None:
    run = JudgeRun("tps: 0 echo: | 1 | 9 |\nVerdict: best Answer 2, worst Answer 1", ANSWERS,
                   "score", "gpt-5", "openai", MASK, rng=random.Random(3))  # fmt: skip
    judge(run, gateway_url)
    order = run.brief.order
    assert run.verdict() == Verdict(best=order[1], worst=order[0])


def test_judgements_are_saved_with_the_race_and_adopted_as_a_vote(store: Store) -> None:
    judgement = Judgement("score", "gpt-5", "openai", (2, 0, 1), "Verdict: best Answer 1, "
                          "worst Answer 3", "complete", usage=Usage(120, 40), ttft=0.5,
                          duration=2.0)  # fmt: skip
    first = store.save_judgement(4, judgement)
    store.save_judgement(4, Judgement("fuse", "o3", "openai", (0, 1), "fused\ud800", "stopped"))
    store.save_judgement(5, judgement)
    [score, fused] = store.judgements(4)
    assert score.id == first and score.order == (2, 0, 1) and score.usage == Usage(120, 40)
    assert (score.ttft, score.duration, score.adopted) == (0.5, 2.0, False)
    assert fused.text == "fused\ufffd" and fused.status == "stopped"
    store.adopt_judgement(first, Vote.pick(2, 0, blind=True))
    assert store.judgements(4)[0].adopted
    assert store.race_votes(4, 1) == [Vote.pick(2, 0, blind=True)]
    assert store.race_votes(4, 2) == []


def test_votes_keep_their_blindness_and_unreadable_rows_are_left_out(store: Store) -> None:
    row = store.add_vote(1, 1, Vote.pick(1))
    store.add_vote(1, 1, Vote.tie(blind=False))
    store.amend_vote(row, Vote.pick(1, 0))  # the ranking goes on after the first key
    store.add_vote(1, 2, Vote.bad())
    with sqlite3.connect(store.path) as conn:
        conn.execute("INSERT INTO race_votes VALUES ('1.1', 1, 'pick:9,9'), ('1.1', 0, 42)")
        assert conn.execute("SELECT DISTINCT race_id FROM race_votes").fetchall() == [("1.1",), ("1.2",)]
    assert store.race_votes(1, 1) == [Vote.pick(1, 0), Vote.tie(blind=False)]
    assert store.race_votes(1, 2) == [Vote.bad()]


def test_a_hand_edited_judgement_reads_as_something_safe(store: Store) -> None:
    store.save_judgement(3, Judgement("score", "gpt-5", "openai", (1, 0), "ok", "complete"))
    with sqlite3.connect(store.path) as conn:
        conn.execute(
            "UPDATE race_judgements SET mode = 'x', status = 'y', answer_order = '1,1,7x', "
            "ttft = 'soon', input_tokens = -4, round = 'two'"
        )
    [odd] = store.judgements(3)
    assert (odd.mode, odd.status, odd.order, odd.ttft, odd.round) == ("score", "error", (), None, 1)
    assert odd.usage.input_tokens is None
