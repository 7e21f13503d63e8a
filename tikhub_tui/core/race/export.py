"""A session with races, exported: every pane's answer under its label, and a metrics table.

A plain session export shows the active path, one answer per prompt; a race has several, so
its rounds are written pane by pane with the table of each round's figures (from the saved
rows and timings: the same words as on screen), and the rest of the session around them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tikhub_tui.core.attachments.text import describe
from tikhub_tui.core.cost import cost
from tikhub_tui.core.race.board import (
    COLUMNS,
    STATUS_OF_ENDING,
    PaneNumbers,
    badges,
    markdown_table,
    table_rows,
)
from tikhub_tui.core.store.races import RacePaneRecord, RaceTimes, StoredRace
from tikhub_tui.core.store.records import StoredMessage
from tikhub_tui.core.tally import Count, Ending

if TYPE_CHECKING:
    from tikhub_tui.core.catalogue import Catalogue
    from tikhub_tui.core.store import Store

STAMP = "%Y-%m-%d %H:%M UTC"
_ENDINGS: dict[str, Ending] = {ending: ending for ending in STATUS_OF_ENDING}
_ROW_ENDINGS: dict[str, Ending] = {"complete": "done", "stopped": "stopped", "error": "error"}
"""How an answer ended by its row's status, for one whose timings were never saved (the app
was killed while it streamed)."""


def saved_numbers(
    pane: RacePaneRecord, message: StoredMessage, times: RaceTimes, catalogue: Catalogue | None
) -> PaneNumbers:
    """A pane's figures from its saved answer row and timings."""
    usage = message.usage
    ending = _ENDINGS.get(times.ending) or _ROW_ENDINGS.get(message.status, "cut_off")
    info = catalogue.info(message.model) if catalogue else None
    return PaneNumbers(
        label=pane.label,
        model=message.model or pane.model,
        provider=message.provider or pane.provider,
        status=STATUS_OF_ENDING[ending],
        ending=ending,
        first_byte=times.first_byte,
        to_reasoning=times.to_reasoning,
        to_answer=times.to_answer,
        answer_rate=times.answer_rate,
        reasoning_rate=times.reasoning_rate,
        elapsed=times.elapsed if times.elapsed is not None else (message.duration or 0.0),
        input_tokens=None
        if usage.input_tokens is None
        else Count(usage.input_tokens, usage.estimated),
        output=Count(usage.output_tokens or 0, usage.estimated or usage.output_tokens is None),
        reasoning=Count(usage.reasoning_tokens or 0, usage.estimated),
        cost=cost(usage, info),
        cost_estimated=usage.estimated,
        finish_reason=message.finish_reason,
        error=message.error,
        retried=times.retried,
    )


def _round_messages(
    store: Store, race: StoredRace, round_: int
) -> tuple[StoredMessage | None, list[tuple[RacePaneRecord, StoredMessage, RaceTimes]]]:
    prompt: StoredMessage | None = None
    answers = []
    for pane in race.panes:
        record = race.answer(pane.pane, round_)
        if record is None or record.answer_id is None:
            continue
        if prompt is None and record.prompt_id is not None:
            prompt = store.get_message(record.prompt_id)
        answers.append((pane, store.get_message(record.answer_id), record.times))
    return prompt, answers


def _settings(pane: RacePaneRecord) -> str:
    words = []
    if pane.reasoning:
        words.append(f"reasoning {pane.reasoning}")
    if pane.system is not None:
        words.append("own system prompt" if pane.system else "no system prompt")
    return " · ".join(words)


def _text_block(message: StoredMessage) -> list[str]:
    lines: list[str] = []
    if message.reasoning:
        lines += ["<details><summary>Reasoning</summary>", "", message.reasoning.rstrip(), ""]
        lines += ["</details>", ""]
    lines += [message.text.rstrip() or "*(no text)*", ""]
    if message.error:
        lines += [f"*{message.status}: {message.error}*", ""]
    return lines


def race_lines(store: Store, race: StoredRace, catalogue: Catalogue | None) -> list[str]:
    """A race as Markdown lines: each round's prompt, every pane's answer, the metrics."""
    count = len(race.panes)
    rule = (
        f"the chat went on with {race.panes[race.winner].label} (the winner)"
        if race.rule == "winner" and race.winner is not None and race.winner < count
        else "follow-ups went to every model, each in its own thread"
    )
    lines = [f"## Race of {count} models, {race.created_at.strftime(STAMP)}", ""]
    lines += [f"*{race.rounds} round{'s' if race.rounds != 1 else ''}; {rule}.*", ""]
    for pane in race.panes:
        if pane.system:
            lines += [f"**{pane.label}'s own system prompt**", ""]
            lines += [*(f"> {line}" for line in pane.system.splitlines()), ""]
    for round_ in range(1, race.rounds + 1):
        prompt, answers = _round_messages(store, race, round_)
        lines += ["---", "", f"### Round {round_} · You", ""]
        lines += [(prompt.text.rstrip() if prompt else "") or "*(no text)*", ""]
        if prompt is not None and prompt.attachments:  # as a plain session's export lists them
            lines += [*(f"- attached: {describe(item)}" for item in prompt.attachments), ""]
        figures = []
        for pane, message, times in answers:
            head = f"### {pane.label} · {message.model or pane.model} ({pane.provider})"
            if settings := _settings(pane):
                head += f" · {settings}"
            if race.winner == pane.pane:
                head += " · winner"
            lines += [head, "", *_text_block(message)]
            figures.append(saved_numbers(pane, message, times, catalogue))
        if figures:
            table = markdown_table(COLUMNS, table_rows(figures, badges(figures)))
            lines += [f"**Round {round_} metrics**", "", table, ""]
    return lines


def _message_lines(message: StoredMessage) -> list[str]:
    who = "You" if message.role == "user" else "Assistant"
    if message.model:
        who += f" · {message.model}" + (f" ({message.provider})" if message.provider else "")
    heading = f"### {who} · {message.created_at.strftime(STAMP)}"
    return ["---", "", heading, "", *_text_block(message)]


def user_catalogue() -> Catalogue:
    """The prices a race's metrics table uses: the user's catalogue, else the shipped one (a
    broken config.toml does not stop an export)."""
    from tikhub_tui.core.catalogue import built_in, for_settings
    from tikhub_tui.core.settings import SettingsError, load_settings

    try:
        return for_settings(load_settings()[0])
    except SettingsError:
        return built_in()


def export_markdown(store: Store, session_id: str, catalogue: Catalogue | None = None) -> str:
    """The session as Markdown; with its races written out (see the module docstring)."""
    races = store.races(session_id)
    if not races:
        return store.export_markdown(session_id)
    session = store.get_session(session_id)
    path = store.messages(session_id)
    lines = [f"# {session.title or 'Untitled session'}", ""]
    lines += [f"*Session {session.id}, started {session.created_at.strftime(STAMP)}.*", ""]
    if session.system:
        lines += ["**System prompt**", "", *(f"> {line}" for line in session.system.splitlines())]
        lines.append("")
    owner = {message_id: race for race in races for message_id in race.message_ids()}
    shown: set[int] = set()
    for message in path:
        race = owner.get(message.id)
        if race is None:
            lines += _message_lines(message)
        elif race.id not in shown:
            shown.add(race.id)
            lines += race_lines(store, race, catalogue)
    for race in races:
        if race.id not in shown:
            lines += race_lines(store, race, catalogue)
    return "\n".join(lines).rstrip() + "\n"


def export_json(store: Store, session_id: str) -> dict[str, Any]:
    """The session's JSON export with its races: panes, and each round's answers (text and
    timings); `sessions import` reads the session part back."""
    data = store.export_json(session_id)
    races = store.races(session_id)
    if not races:
        return data
    data["races"] = [
        {
            "rule": race.rule,
            "winner": race.panes[race.winner].label if race.winner is not None else None,
            "panes": [
                {
                    "label": p.label,
                    "model": p.model,
                    "provider": p.provider,
                    "system": p.system,
                    "reasoning": p.reasoning or None,
                }
                for p in race.panes
            ],
            "rounds": [_round_json(store, race, n) for n in range(1, race.rounds + 1)],
        }
        for race in races
    ]
    return data


def _round_json(store: Store, race: StoredRace, round_: int) -> dict[str, Any]:
    prompt, answers = _round_messages(store, race, round_)
    return {
        "prompt": prompt.text if prompt else "",
        "answers": [
            {
                "label": pane.label,
                "text": message.text,
                "reasoning": message.reasoning,
                "status": message.status,
                "ending": times.ending,
                "error": message.error,
                "first_byte_s": times.first_byte,
                "first_reasoning_s": times.to_reasoning,
                "first_answer_s": times.to_answer,
                "tokens_per_s": times.answer_rate,
                "reasoning_tokens_per_s": times.reasoning_rate,
                "elapsed_s": times.elapsed,
                "input_tokens": message.usage.input_tokens,
                "output_tokens": message.usage.output_tokens,
                "reasoning_tokens": message.usage.reasoning_tokens,
            }
            for pane, message, times in answers
        ],
    }
