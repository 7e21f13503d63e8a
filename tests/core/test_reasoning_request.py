"""A pane's reasoning setting goes out in each protocol's own field, named and nested as the
official SDKs write it, and the gateway checks those fields as the providers do."""

from __future__ import annotations

from typing import Any

import anthropic
import httpx
import openai
import pytest
from google import genai
from google.genai import types as genai_types

from tests.conftest import FAKE_KEY
from tests.scripted_server import ScriptedServer, json_reply
from tikhub_tui.core.model import Conversation, Reasoning, RequestOptions
from tikhub_tui.core.providers import adapter

PROMPT = Conversation.single("hi")


def body(provider: str, reasoning: Reasoning | None, max_tokens: int | None = None,
         model_limit: int | None = 64_000) -> dict[str, Any]:
    options = RequestOptions(max_tokens, model_limit, reasoning)
    return adapter(provider).build_request(
        PROMPT, "m-1", options, base_url="http://h:1", api_key=FAKE_KEY
    ).json


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("high", Reasoning(effort="high")),
        (" Off ", Reasoning(effort="off")),
        ("8000", Reasoning(budget=8000)),
        ("8k", Reasoning(budget=8000)),
        ("24,576", Reasoning(budget=24576)),
        ("0", Reasoning(budget=0)),
    ],
)
def test_reasoning_is_a_level_or_a_budget(text: str, expected: Reasoning) -> None:
    assert Reasoning.parse(text) == expected


@pytest.mark.parametrize("text", ["", "extreme", "-5", "²", "1.5k", "99999999", "8 k"])
def test_anything_else_is_refused_saying_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError, match="off, minimal, low, medium, high"):
        Reasoning.parse(text)


@pytest.mark.parametrize(
    ("reasoning", "openai_effort", "anthropic_thinking", "gemini_budget"),
    [
        (None, None, None, None),
        (Reasoning(effort="high"), "high", {"type": "enabled", "budget_tokens": 24_576}, 24_576),
        (Reasoning(effort="low"), "low", {"type": "enabled", "budget_tokens": 2048}, 1024),
        (Reasoning(effort="minimal"), "minimal", {"type": "enabled", "budget_tokens": 1024}, 512),
        (Reasoning(effort="off"), "minimal", {"type": "disabled"}, 0),
        (Reasoning(budget=0), "minimal", {"type": "disabled"}, 0),
        (Reasoning(budget=500), "low", {"type": "enabled", "budget_tokens": 1024}, 500),
        (Reasoning(budget=8000), "medium", {"type": "enabled", "budget_tokens": 8000}, 8000),
        (Reasoning(budget=30_000), "high", {"type": "enabled", "budget_tokens": 30_000}, 30_000),
    ],
)
def test_each_protocol_is_sent_its_own_field(
    reasoning: Reasoning | None,
    openai_effort: str | None,
    anthropic_thinking: dict[str, Any] | None,
    gemini_budget: int | None,
) -> None:
    sent = body("openai", reasoning)
    assert sent.get("reasoning") == (None if openai_effort is None else {"effort": openai_effort})
    assert body("anthropic", reasoning).get("thinking") == anthropic_thinking
    config = body("gemini", reasoning).get("generationConfig", {})
    if gemini_budget is None:
        assert "thinkingConfig" not in config
    else:
        assert config["thinkingConfig"] == {
            "thinkingBudget": gemini_budget,
            "includeThoughts": gemini_budget != 0,
        }


def test_an_anthropic_budget_stays_below_max_tokens_or_thinking_is_off() -> None:
    """Anthropic refuses budget_tokens >= max_tokens and budgets under 1,024."""
    assert body("anthropic", Reasoning(budget=8000), max_tokens=4096)["thinking"] == {
        "type": "enabled",
        "budget_tokens": 4095,
    }
    assert body("anthropic", Reasoning(effort="high"), max_tokens=1000)["thinking"] == {
        "type": "disabled"
    }
    assert body("gemini", Reasoning(budget=100), max_tokens=50)["generationConfig"] == {
        "maxOutputTokens": 50,
        "thinkingConfig": {"thinkingBudget": 100, "includeThoughts": True},
    }


# -- the same fields as the official SDKs write them ------------------------------------------


def _seen(server: ScriptedServer) -> dict[str, Any]:
    assert server.seen, "the SDK sent nothing"
    body = server.seen[-1].body
    assert isinstance(body, dict)
    return body


def test_the_fields_match_the_openai_sdk() -> None:
    with ScriptedServer(json_reply(400, {"error": {"message": "stop"}})) as server:
        client = openai.OpenAI(api_key=FAKE_KEY, base_url=server.base_url + "/v1", max_retries=0)
        with pytest.raises(openai.BadRequestError):
            client.responses.create(model="m-1", input="hi", reasoning={"effort": "medium"})
        assert _seen(server)["reasoning"] == body("openai", Reasoning(budget=8000))["reasoning"]


def test_the_fields_match_the_anthropic_sdk() -> None:
    with ScriptedServer(json_reply(400, {"type": "error", "error": {"message": "stop"}})) as server:
        client = anthropic.Anthropic(api_key=FAKE_KEY, base_url=server.base_url, max_retries=0)
        with pytest.raises(anthropic.BadRequestError):
            client.messages.create(
                model="m-1",
                max_tokens=64_000,
                messages=[{"role": "user", "content": "hi"}],
                thinking={"type": "enabled", "budget_tokens": 8000},
                stream=True,
            )
        ours = body("anthropic", Reasoning(budget=8000))
        assert _seen(server)["thinking"] == ours["thinking"]
        assert _seen(server)["max_tokens"] == ours["max_tokens"]


def _camel(data: dict[str, Any]) -> dict[str, Any]:
    """Protobuf JSON takes either spelling of a field; Google's REST docs use camelCase."""
    return {
        key.split("_")[0] + "".join(w.title() for w in key.split("_")[1:]): value
        for key, value in data.items()
    }


def test_the_fields_match_the_google_sdk() -> None:
    with ScriptedServer(json_reply(400, {"error": {"code": 400, "message": "stop"}})) as server:
        options = genai_types.HttpOptions(
            base_url=server.base_url, retry_options=genai_types.HttpRetryOptions(attempts=1)
        )
        client = genai.Client(api_key=FAKE_KEY, http_options=options)
        config = genai_types.GenerateContentConfig(
            thinking_config=genai_types.ThinkingConfig(thinking_budget=8000, include_thoughts=True)
        )
        with pytest.raises(Exception, match="400"):
            for _ in client.models.generate_content_stream(model="m-1", contents="hi",
                                                           config=config):
                pass
        generation = _camel(_seen(server)["generationConfig"])
        sent = _camel(generation["thinkingConfig"])
        assert sent == body("gemini", Reasoning(budget=8000))["generationConfig"]["thinkingConfig"]


# -- the gateway checks them as the providers do ------------------------------------------------


def _post(url: str, path: str, payload: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    return httpx.post(url + path, json=payload, headers=headers, timeout=10)


@pytest.mark.parametrize(
    ("thinking", "status", "words"),
    [
        ({"type": "enabled", "budget_tokens": 2048}, 200, ""),
        ({"type": "disabled"}, 200, ""),
        ({"type": "enabled", "budget_tokens": 512}, 400, "greater than or equal to 1024"),
        ({"type": "enabled", "budget_tokens": 4096}, 400, "must be greater than"),
        ({"type": "enabled"}, 400, "budget_tokens: Field required"),
        ({"type": "sometimes"}, 400, "does not match any of the expected tags"),
    ],
)
def test_the_gateway_checks_anthropic_thinking(
    gateway_url: str, thinking: dict[str, Any], status: int, words: str
) -> None:
    payload = {"model": "claude-x", "max_tokens": 4096, "stream": True, "thinking": thinking,
               "messages": [{"role": "user", "content": "echo: ok"}]}
    headers = {"x-api-key": FAKE_KEY, "anthropic-version": "2023-06-01"}
    reply = _post(gateway_url, "/v1/messages", payload, headers)
    assert reply.status_code == status
    assert words in reply.text


@pytest.mark.parametrize(("effort", "status"), [("high", 200), ("minimal", 200), ("huge", 400)])
def test_the_gateway_checks_openai_effort(gateway_url: str, effort: str, status: int) -> None:
    payload = {"model": "gpt-5", "input": "echo: ok", "stream": True,
               "reasoning": {"effort": effort}}
    reply = _post(gateway_url, "/v1/responses", payload, {"authorization": f"Bearer {FAKE_KEY}"})
    assert reply.status_code == status
    if status == 400:
        assert reply.json()["error"]["param"] == "reasoning.effort"


def test_the_gateway_checks_the_gemini_budget(gateway_url: str) -> None:
    path = "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    payload: dict[str, Any] = {"contents": [{"role": "user", "parts": [{"text": "echo: ok"}]}],
                               "generationConfig": {"thinkingConfig": {"thinkingBudget": "lots"}}}
    reply = _post(gateway_url, path, payload, {"x-goog-api-key": FAKE_KEY})
    assert reply.status_code == 400 and "thinking_budget" in reply.text
    payload["generationConfig"]["thinkingConfig"]["thinkingBudget"] = 1024
    assert _post(gateway_url, path, payload, {"x-goog-api-key": FAKE_KEY}).status_code == 200
