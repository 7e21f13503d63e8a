"""The judge: a model of the user's choice asked about a race's answers, in one of three modes.

The answers go to the judge anonymised (lines naming a model or maker removed) and shuffled,
labelled "Answer 1", "Answer 2"…, so neither a name nor a place can sway it. Its reply is shown
and saved as text; the only thing read back is the verdict line of a score, so the user can
adopt it as a vote.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from tikhub_tui.core.judging.blind import NameMask
from tikhub_tui.core.model import Conversation

JudgeMode = Literal["score", "fuse", "differences"]
MODES: dict[JudgeMode, str] = {
    "score": "scores with reasons, the best and the worst",
    "fuse": "one answer combining the best of all",
    "differences": "the key points where they disagree",
}
MAX_ANSWER_CHARS = 24_000
"""Each answer is cut to this (about 6,000 tokens), so six fit any judge's window."""
REMOVED = "[a line naming a model was removed]"

SYSTEM = (
    "You compare answers that different assistants gave to the same prompt. The answers are "
    "anonymous and in random order: judge what they say, not their length, their order or who "
    "might have written them. Write in the language of the prompt."
)
TASKS: dict[JudgeMode, str] = {
    "score": (
        "Score each answer from 1 to 10 for correctness, completeness, clarity and usefulness "
        "to the person who asked. Reply with a Markdown table with the columns Answer, Score "
        "and Reasons (one row per answer, in answer order, reasons in one or two sentences). "
        "Then name the best and the worst answer, each with one sentence why. End with exactly "
        "one line of the form `Verdict: best Answer N, worst Answer M`."
    ),
    "fuse": (
        "Write one answer to the prompt that combines the best of these answers: keep what is "
        "correct and useful in any of them, leave out what is wrong, and where they conflict "
        "follow the one that is right. Write it as your own answer to the prompt, without "
        "mentioning the answers or this task."
    ),
    "differences": (
        "List the key points where these answers disagree or differ in substance (facts, "
        "recommendations, steps, code behaviour, what one covers and another misses), as a "
        "Markdown list; for each point say which answers take which side (Answer N). Leave out "
        "differences of wording, order or style. If they agree on everything that matters, "
        "say so in one sentence."
    ),
}
_VERDICT = re.compile(
    r"verdict\W{0,8}best\W{0,8}answer\s*(\d{1,2})\W{0,8}worst\W{0,8}answer\s*(\d{1,2})",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class JudgeBrief:
    """What is sent to the judge, and which race answer each "Answer N" is."""

    mode: JudgeMode
    conversation: Conversation
    order: tuple[int, ...]
    """`order[k]` is the race's pane shown to the judge as Answer k+1."""

    def pane_of(self, number: int) -> int | None:
        """The race's pane behind "Answer `number`", or None."""
        return self.order[number - 1] if 1 <= number <= len(self.order) else None

    def legend(self, names: Mapping[int, str]) -> str:
        """`Answer 1 = B · Answer 2 = A`, with each pane's name as the caller shows it (a
        blind label before the vote, the model after)."""
        return " · ".join(
            f"Answer {k} = {names.get(pane, '?')}" for k, pane in enumerate(self.order, 1)
        )


@dataclass(frozen=True, slots=True)
class Verdict:
    """The panes a score named best and worst."""

    best: int
    worst: int


def _cut(text: str) -> str:
    if len(text) <= MAX_ANSWER_CHARS:
        return text
    return (
        text[:MAX_ANSWER_CHARS] + f"\n[… {len(text) - MAX_ANSWER_CHARS:,} more characters left out]"
    )


def _quoted(text: str, tag: str) -> str:
    """Text inside `<tag>` … `</tag>`, with any closing tag in it broken so it cannot end early."""
    safe = re.sub(rf"</\s*{tag}", f"</ {tag}", text, flags=re.IGNORECASE)
    return safe.strip("\n")


def judge_brief(
    prompt: str,
    answers: Mapping[int, str],
    mode: JudgeMode,
    mask: NameMask,
    rng: random.Random | None = None,
) -> JudgeBrief:
    """The judge's conversation for a race: `prompt` is what the race asked, `answers` the
    answers by pane (answers with no text are left out). Raises ValueError with fewer than two."""
    given = [(pane, text) for pane, text in sorted(answers.items()) if text.strip()]
    if len(given) < 2:
        raise ValueError("the judge needs two answers or more")
    (rng or random.SystemRandom()).shuffle(given)
    parts = [f"The prompt:\n<prompt>\n{_quoted(prompt, 'prompt')}\n</prompt>"]
    for number, (_, text) in enumerate(given, 1):
        anonymous = mask.mask(_cut(text), REMOVED).text
        parts.append(
            f'Answer {number}:\n<answer n="{number}">\n{_quoted(anonymous, "answer")}\n</answer>'
        )
    parts.append(TASKS[mode])
    return JudgeBrief(
        mode, Conversation.single("\n\n".join(parts), SYSTEM), tuple(p for p, _ in given)
    )


def read_verdict(text: str, brief: JudgeBrief) -> Verdict | None:
    """The best and worst panes a score's verdict line names (its last one counts), or None
    when there is none, it names no answer given, or names the same one twice."""
    if brief.mode != "score":
        return None
    found = _VERDICT.findall(text[-4000:])
    if not found:
        return None
    best, worst = (brief.pane_of(int(n)) for n in found[-1])
    if best is None or worst is None or best == worst:
        return None
    return Verdict(best, worst)


def verdict_order(verdict: Verdict, panes: int) -> Sequence[int]:
    """The ranking a verdict stands for, as a pick vote's order: the best first, and for three
    panes the middle one too (the worst is then last); with more, the best alone."""
    if panes == 3:
        middle = next(p for p in range(3) if p not in (verdict.best, verdict.worst))
        return (verdict.best, middle)
    return (verdict.best,)
