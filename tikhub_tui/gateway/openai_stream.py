"""OpenAI Responses stream encoder: `event: NAME` / `data: JSON` frames as the real API sends them.

The OpenAI SDK rebuilds the whole response from these events (its stream helper checks item and
content indexes), so every id, index and sequence number has to line up as in a real stream.
"""

from __future__ import annotations

import time
from typing import Any

from tikhub_tui.gateway.wire import Encoder, Ending, Parsed, Template, dumps, fake_id

FAILURE_MESSAGE = "The server had an error while processing your request. Sorry about that!"


class OpenAIEncoder(Encoder):
    """Encodes one `/v1/responses` stream: a reasoning item (if any), then the message item."""

    def __init__(self, parsed: Parsed, n: int) -> None:
        self.parsed = parsed
        self.id = "resp_" + fake_id("resp", n, 48)
        self.created_at = int(time.time())
        self.headers = [
            ("Content-Type", "text/event-stream; charset=utf-8"),
            ("Cache-Control", "no-cache"),
            ("openai-version", "2020-10-01"),
            ("openai-processing-ms", "1"),
            ("x-request-id", "req_" + fake_id("openai-stream-req", n, 32)),
        ]
        self._seq = 0
        self._n = n
        self._output: list[dict[str, Any]] = []
        self._reasoning: list[str] | None = None
        self._text: list[str] | None = None
        self._reasoning_count = 0
        self._text_count = 0
        self._template = Template(lambda text: text)

    @staticmethod
    def _render(name: str, seq: int, fields: dict[str, Any]) -> str:
        data = {"type": name, "sequence_number": seq, **fields}
        return f"event: {name}\ndata: {dumps(data)}\n\n"

    def _event(self, name: str, fields: dict[str, Any]) -> bytes:
        self._seq += 1
        return self._render(name, self._seq - 1, fields).encode()

    def _delta_template(self, name: str, fields: dict[str, Any]) -> Template:
        """The per-token event of the open item, with holes for the delta and sequence number."""
        return Template(
            lambda text, seq: self._render(
                name,
                seq,
                {
                    **fields,
                    "delta": text,
                    **({"logprobs": []} if name == "response.output_text.delta" else {}),
                },
            ),
            ints=1,
        )

    def _response(self, status: str, **overrides: Any) -> dict[str, Any]:
        thinking = self._reasoning is not None
        obj: dict[str, Any] = {
            "id": self.id,
            "object": "response",
            "created_at": self.created_at,
            "status": status,
            "background": False,
            "error": None,
            "incomplete_details": None,
            "instructions": self.parsed.extra.get("instructions"),
            "max_output_tokens": self.parsed.max_tokens,
            "max_tool_calls": None,
            "model": self.parsed.model,
            "output": [],
            "parallel_tool_calls": True,
            "previous_response_id": None,
            "prompt_cache_key": None,
            "reasoning": {
                "effort": "medium" if thinking else None,
                "summary": "auto" if thinking else None,
            },
            "safety_identifier": None,
            "service_tier": "auto",
            "store": True,
            "temperature": 1.0,
            "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": "auto",
            "tools": [],
            "top_logprobs": 0,
            "top_p": 1.0,
            "truncation": "disabled",
            "usage": None,
            "user": None,
            "metadata": {},
        }
        obj.update(overrides)
        return obj

    def _usage(self) -> dict[str, Any]:
        out = self._reasoning_count + self._text_count
        return {
            "input_tokens": self.parsed.input_tokens,
            "input_tokens_details": {
                "cached_tokens": self.parsed.cache_read,
                "cache_write_tokens": self.parsed.cache_write,
            },
            "output_tokens": out,
            "output_tokens_details": {"reasoning_tokens": self._reasoning_count},
            "total_tokens": self.parsed.input_tokens + out,
        }

    def begin(self) -> bytes:
        return self._event("response.created", {"response": self._response("in_progress")}) + (
            self._event("response.in_progress", {"response": self._response("in_progress")})
        )

    def _open_reasoning(self) -> bytes:
        self._reasoning = []
        item = {"id": "rs_" + fake_id("rs", self._n, 48), "type": "reasoning", "summary": []}
        self._output.append(item)
        where = {"item_id": item["id"], "output_index": len(self._output) - 1}
        return self._event(
            "response.output_item.added",
            {"output_index": where["output_index"], "item": dict(item)},
        ) + self._event(
            "response.reasoning_summary_part.added",
            {**where, "summary_index": 0, "part": {"type": "summary_text", "text": ""}},
        )

    def _close_reasoning(self) -> bytes:
        item = self._output[-1]
        text = "".join(self._reasoning or [])
        where = {"item_id": item["id"], "output_index": len(self._output) - 1, "summary_index": 0}
        part = {"type": "summary_text", "text": text}
        item["summary"] = [part]
        return (
            self._event("response.reasoning_summary_text.done", {**where, "text": text})
            + self._event("response.reasoning_summary_part.done", {**where, "part": part})
            + self._event(
                "response.output_item.done", {"output_index": where["output_index"], "item": item}
            )
        )

    def _open_message(self) -> bytes:
        out = self._close_reasoning() if self._reasoning is not None and self._text is None else b""
        self._text = []
        item = {
            "id": "msg_" + fake_id("msg", self._n, 48),
            "type": "message",
            "status": "in_progress",
            "content": [],
            "role": "assistant",
        }
        self._output.append(item)
        index = len(self._output) - 1
        part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
        return (
            out
            + self._event("response.output_item.added", {"output_index": index, "item": dict(item)})
            + self._event(
                "response.content_part.added",
                {"item_id": item["id"], "output_index": index, "content_index": 0, "part": part},
            )
        )

    def delta(self, reasoning: bool, text: str, last: Ending | None) -> bytes:
        if reasoning:
            out = self._open_reasoning() if self._reasoning is None else b""
            assert self._reasoning is not None
            self._reasoning.append(text)
            self._reasoning_count += 1
            if out:
                self._template = self._delta_template(
                    "response.reasoning_summary_text.delta",
                    {
                        "item_id": self._output[-1]["id"],
                        "output_index": len(self._output) - 1,
                        "summary_index": 0,
                    },
                )
            self._seq += 1
            return out + self._template.fill(text, self._seq - 1).encode()
        out = self._open_message() if self._text is None else b""
        assert self._text is not None
        self._text.append(text)
        self._text_count += 1
        if out:
            self._template = self._delta_template(
                "response.output_text.delta",
                {
                    "item_id": self._output[-1]["id"],
                    "output_index": len(self._output) - 1,
                    "content_index": 0,
                },
            )
        self._seq += 1
        return out + self._template.fill(text, self._seq - 1).encode()

    def finish(self, ending: Ending) -> bytes:
        out = b""
        if self._text is None:
            out += (
                self._open_message()
                if ending == "stop"
                else (self._close_reasoning() if self._reasoning is not None else b"")
            )
        if self._text is not None:
            item = self._output[-1]
            index = len(self._output) - 1
            text = "".join(self._text)
            part = {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
            item["status"] = "completed" if ending == "stop" else "incomplete"
            item["content"] = [part]
            where = {"item_id": item["id"], "output_index": index, "content_index": 0}
            out += self._event("response.output_text.done", {**where, "text": text, "logprobs": []})
            out += self._event("response.content_part.done", {**where, "part": part})
            out += self._event("response.output_item.done", {"output_index": index, "item": item})
        if ending == "stop":
            response = self._response("completed", output=self._output, usage=self._usage())
            return out + self._event("response.completed", {"response": response})
        response = self._response(
            "incomplete",
            output=self._output,
            usage=self._usage(),
            incomplete_details={"reason": "max_output_tokens"},
        )
        return out + self._event("response.incomplete", {"response": response})

    def fail(self) -> bytes:
        response = self._response(
            "failed",
            usage=self._usage(),
            error={"code": "server_error", "message": FAILURE_MESSAGE},
        )
        return self._event("response.failed", {"response": response})
