"""Grouping the saved answers' usage by day, model or session, and printing it as a table."""

from __future__ import annotations

import shutil
import sys
from datetime import datetime

from tikhub_tui.core.catalogue import Catalogue
from tikhub_tui.core.store.records import UsageRecord
from tikhub_tui.core.store.text import display_safe
from tikhub_tui.core.usage import Totals

Group = tuple[dict[str, object], Totals]


def _key(record: UsageRecord, by: str) -> tuple[object, ...]:
    if by == "day":
        return (record.created_at.astimezone().date().isoformat(),)
    if by == "model":
        return (record.model, record.provider)
    return (record.session_id, record.title, record.deleted)


_NAMES = {
    "day": ("day",),
    "model": ("model", "provider"),
    "session": ("session", "title", "deleted"),
}


def report(records: list[UsageRecord], catalogue: Catalogue, by: str) -> tuple[list[Group], Totals]:
    """Totals per group (days and sessions in time order, models costliest first) and in all."""
    groups: dict[tuple[object, ...], Totals] = {}
    total = Totals()
    for record in records:
        info = catalogue.info(record.model)
        groups.setdefault(_key(record, by), Totals()).add(record.usage, info)
        total.add(record.usage, info)
    items = list(groups.items())
    if by == "model":
        items.sort(key=lambda item: (-item[1].cost, -item[1].output_tokens))
    return [(dict(zip(_NAMES[by], key, strict=True)), totals) for key, totals in items], total


def unpriced_models(records: list[UsageRecord], catalogue: Catalogue) -> list[str]:
    """The models among `records` that have no price, sorted."""
    models = {r.model for r in records}
    return sorted(m for m in models if (i := catalogue.info(m)) is None or i.prices is None)


def _label(keys: dict[str, object], by: str) -> str:
    if by == "day":
        return str(keys["day"])
    if by == "model":
        return display_safe(str(keys["model"])) or "(unknown model)"
    title = display_safe(str(keys["title"])) or "(untitled)"
    title = title if len(title) <= 40 else title[:39] + "…"
    return f"{keys['session']} {title}" + (" (deleted)" if keys["deleted"] else "")


def print_table(
    groups: list[Group],
    total: Totals,
    by: str,
    *,
    since: datetime | None,
    catalogue: Catalogue,
    unpriced: list[str],
) -> None:
    """An aligned table, a total line, and notes on unpriced and estimated answers."""
    when = f" since {since.strftime('%Y-%m-%d %H:%M')}" if since else ""
    if not groups:
        print(f"No answers with token counts{when}: the app and `tikhub-tui ask` save them.")
        return
    written = total.cache_write_tokens > 0
    head = [by.upper(), "ANSWERS", "INPUT", "CACHED", *(["TO CACHE"] * written), "OUTPUT"]
    rows = [[*head, "REASONING", "COST"]]
    for label, totals in [*((_label(k, by), t) for k, t in groups), ("total", total)]:
        mark = "~" if totals.estimated_answers else ""
        cells = [f"{mark}{totals.input_tokens:,}", f"{totals.cache_read_tokens:,}"]
        cells += [f"{totals.cache_write_tokens:,}"] * written
        cells += [f"{mark}{totals.output_tokens:,}", f"{totals.reasoning_tokens:,}"]
        rows.append([label, f"{totals.answers:,}", *cells, totals.cost_text()])
    widths = [max(len(row[col]) for row in rows) for col in range(len(rows[0]))]
    room = shutil.get_terminal_size((100, 24)).columns if sys.stdout.isatty() else 0
    for index, row in enumerate(rows):
        if index == len(rows) - 1:
            print("-" * min(sum(widths) + 2 * (len(widths) - 1), room or 10_000))
        right = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        line = "  ".join([row[0].ljust(widths[0]), *right])
        print(line if not room or len(line) <= room else line[: room - 1] + "…")
    _notes(total, catalogue, unpriced, when)


def _answers(count: int) -> str:
    return f"{count:,} answer" + ("" if count == 1 else "s")


def _notes(total: Totals, catalogue: Catalogue, unpriced: list[str], when: str) -> None:
    factor = f" times {catalogue.factor:g} (price_factor)" if catalogue.factor != 1 else ""
    print(
        f"\nCost: computed here from list prices taken {catalogue.taken}{factor}; "
        "the gateway may bill differently."
    )
    if total.unpriced_answers:
        names = [display_safe(m) or "(unknown model)" for m in unpriced[:5]]
        which = f" ({', '.join(names)}{', …' if len(unpriced) > 5 else ''})" if names else ""
        print(
            f"No price for {_answers(total.unpriced_answers)}{which}, so — or ≥: "
            'add prices under [catalogue."MODEL"] in config.toml.'
        )
    if total.estimated_answers:
        print(
            f"~ {_answers(total.estimated_answers)} estimated: the stream ended before the "
            "provider sent its counts."
        )
