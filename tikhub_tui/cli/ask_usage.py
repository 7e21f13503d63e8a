"""What `ask` says about usage and limits: the context check before sending, the cut at the
token limit and `--usage` after (of the usage the exchange settled: core.exchange).

Kept apart from the streaming loop in `ask.py`; both write to stderr through `ask.say`.
"""

from __future__ import annotations

import argparse

from tikhub_tui.cli import EXIT_OK, EXIT_UPSTREAM
from tikhub_tui.cli.ask import say
from tikhub_tui.core.catalogue import Catalogue, ModelInfo
from tikhub_tui.core.model import Conversation, Finished, RequestOptions, Usage


def fits(
    conversation: Conversation,
    model: str,
    provider: str,
    catalogue: Catalogue,
    args: argparse.Namespace,
) -> bool:
    """True when the conversation fits the model's context window; else say so, and the fix."""
    from tikhub_tui.core.tokens import context_before, larger_windows

    use = context_before(conversation, catalogue.info(model))
    if use.fits:
        return True
    continuing = args.continue_latest or args.session
    fixes = ["start a new session (without --continue/--session)" if continuing else "shorten it"]
    others = larger_windows(catalogue, use.tokens, provider)
    if others:
        fixes.append("pick a model with a larger window: " + ", ".join(f"-m {m}" for m in others))
    say(
        f"the conversation is about {use.tokens:,} tokens, more than {model}'s context window "
        f"({use.window:,}), so nothing was sent",
        "; or ".join(fixes),
    )
    return False


def say_usage(model: str, usage: Usage, info: ModelInfo | None) -> None:
    """`ask --usage`: the counts and the cost on stderr."""
    from tikhub_tui.core.usage import cost_words, tokens_words

    if not usage.reported:
        say(f"usage: {model}: nothing was counted (no answer arrived)")
        return
    dollars = cost_words(usage, info)
    unknown = "" if dollars != "—" else f' (no price: add [catalogue."{model}"] in config.toml)'
    say(f"usage: {model} · {tokens_words(usage)} · cost {dollars}{unknown}")


def finish_code(finish: Finished | None, options: RequestOptions | None = None) -> int:
    """The exit code of an answer that ended: a cut at the token limit is a warning naming
    whose limit it was (and the fix for each), a content filter an upstream error."""
    reason, raw = (finish.reason, finish.raw) if finish else ("stop", "")
    if reason == "max_tokens":
        from tikhub_tui.core.usage import cut_words  # only then: it loads the store's records

        limit, source = (options.limit, options.limit_source) if options else (None, "")
        fix = (
            "raise --max-tokens (or max_tokens in config.toml), or remove it to let the model "
            "write as much as it can"
            if source == "setting"
            else 'ask for a shorter answer, or go on with `tikhub-tui ask --continue "go on"`'
        )
        say(f"warning: the answer was {cut_words(limit, source, raw)}", fix)
    elif reason == "content_filter":
        say(f"the provider stopped the answer ({raw}): its content filter cut it")
        return EXIT_UPSTREAM
    return EXIT_OK
