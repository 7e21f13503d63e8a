"""Deterministic answer texts: lorem Markdown, Python code, reasoning prose and the demo answer.

Every text is a pure function of its inputs, so tests and benchmarks can compute the exact answer
a stream must carry without talking to the gateway.
"""

from __future__ import annotations

import re

_LOREM = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt "
    "ut labore et dolore magna aliqua enim ad minim veniam quis nostrud exercitation ullamco "
    "laboris nisi aliquip ex ea commodo consequat duis aute irure in reprehenderit voluptate "
    "velit esse cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident "
    "sunt culpa qui officia deserunt mollit anim id est laborum"
)
_VOCAB = tuple(_LOREM.split())

# one cycle of lorem blocks after the opening heading: (kind, words)
_CYCLE = (
    ("para", 42),
    ("bullets", 20),
    ("heading", 3),
    ("para", 31),
    ("code", 9),
    ("para", 18),
    ("table", 12),
    ("heading", 4),
    ("para", 55),
    ("bullets", 15),
)

_SPLIT = re.compile(r"(?<=\s)(?=\S)")


def split_deltas(text: str) -> list[str]:
    """Cut a text into stream deltas: each word with the whitespace that follows it (leading
    whitespace is a piece of its own).

    Joining the pieces gives the text back exactly, so a client's assembled answer can be compared
    byte for byte.
    """
    return [piece for piece in _SPLIT.split(text) if piece]


def count_words(text: str) -> int:
    """Count the words of a lorem answer: tokens with a letter, outside fence and END lines.

    This is the definition behind `lorem: N` (N such words before the END line), so a test can check
    the count without knowing how the Markdown was laid out.
    """
    total = 0
    for line in text.splitlines():
        if line.startswith("```") or re.fullmatch(r"END \d+", line):
            continue
        total += sum(1 for token in line.split() if re.search(r"[A-Za-z]", token))
    return total


class _Words:
    """An endless deterministic stream of lorem words."""

    def __init__(self, seed: int = 0) -> None:
        self._i = seed

    def take(self, n: int) -> list[str]:
        out = []
        for _ in range(n):
            i = self._i
            out.append(_VOCAB[(i * 7 + i // len(_VOCAB)) % len(_VOCAB)])
            self._i += 1
        return out


def _sentences(words: list[str]) -> str:
    """Join words into capitalised sentences of 6 to 13 words."""
    parts: list[str] = []
    start = 0
    k = 0
    while start < len(words):
        size = 6 + (k * 5) % 8
        chunk = words[start : start + size]
        chunk[0] = chunk[0].capitalize()
        chunk[-1] += "."
        parts.append(" ".join(chunk))
        start += size
        k += 1
    return " ".join(parts)


def _block(kind: str, words: list[str], level: int = 2) -> str:
    """Lay `words` out as one Markdown block of `kind`, using every word exactly once."""
    if kind == "heading":
        return "#" * level + " " + " ".join(w.capitalize() for w in words)
    if kind == "bullets":
        items = [words[i : i + 5] for i in range(0, len(words), 5)]
        return "\n".join("- " + _sentences(item) for item in items)
    if kind == "code":
        lines = []
        rest = list(words)
        while len(rest) >= 3:
            name, a, b = rest[:3]
            lines.append(f'{name} = "{a} {b}"')
            rest = rest[3:]
        if len(rest) == 2:
            lines.append(f"# {rest[0]} {rest[1]}")
        elif rest:
            lines.append(f"print({rest[0]})")
        return "```python\n" + "\n".join(lines) + "\n```"
    if kind == "table":
        rows = [words[i : i + 3] for i in range(0, len(words), 3)]
        header = "| " + " | ".join(w.capitalize() for w in rows[0]) + " |"
        body = ["| " + " | ".join(row) + " |" for row in rows[1:]]
        return "\n".join([header, "| --- | --- | --- |", *body])
    return _sentences(words)


def lorem(n: int) -> str:
    """N words of Markdown (headings, paragraphs, lists, a code fence, a table), then `END N`."""
    words = _Words()
    blocks: list[str] = []
    left = n
    plan = [("heading", 4)]
    k = 0
    while left > 0:
        if not plan:
            plan.append(_CYCLE[k % len(_CYCLE)])
            k += 1
        kind, size = plan.pop(0)
        if size > left:
            kind, size = "para", left
        blocks.append(_block(kind, words.take(size), level=1 if not blocks else 2))
        left -= size
    blocks.append(f"END {n}")
    return "\n\n".join(blocks)


def code(n: int) -> str:
    """One fenced Python block of N lines, then a line `END N`.

    Functions are separated by a blank line, and the block never ends on one: a blank last
    line is dropped by renderers and line counts, and the block would show N-1 lines.
    """
    lines: list[str] = []
    k = 0
    while len(lines) < n:
        left = n - len(lines)
        name = f"{_VOCAB[k % len(_VOCAB)]}_{k}"
        head = [""] if k else []
        body = [
            f"def {name}(ipsum: int) -> int:",
            f'    """Return dolor sit amet number {k}."""',
            f"    total = ipsum * {k % 9 + 2}",
            f"    return total + {k}",
        ]
        room = left - len(head)
        if room >= len(body):
            lines += head + body
        elif room >= 2:
            lines += [*head, *body[: room - 1], f"    return ipsum + {k}"]
        else:
            lines += [*head[: left - 1], f"{name} = {k}"]
        k += 1
    return "```python\n" + "\n".join(lines) + f"\n```\nEND {n}"


def reasoning(n: int) -> str:
    """N words of plain reasoning prose, as a thinking model would show before its answer."""
    return _sentences(_Words(seed=13).take(n)) if n > 0 else ""


def demo(model: str) -> str:
    """The friendly answer to an ordinary prompt: names the model and shows off Markdown."""
    return f"""# Hello from the demo gateway

You are talking to **{model}** on the embedded local gateway of tikhub-tui: no key, no \
network, every answer made on the spot and the same every time.

## What you can try
- Stream answers word by word, at the pace you choose
- See **Markdown** render: headings, lists, `inline code`, code blocks and tables
- Make the gateway misbehave on purpose and watch how the app copes

```python
def greet(name: str) -> str:
    return f"Hello, {{name}}!"
```

| directive | what it does |
| --- | --- |
| `echo: TEXT` | answers exactly TEXT |
| `lorem: N` | N words of Markdown, then `END N` |
| `code: N` | a Python block of N lines, then `END N` |
| `think: N` | N words of reasoning before the answer |
| `tps: N` | N tokens a second (0 = as fast as possible) |
| `error: STATUS` | that HTTP status with the provider's error body |
| `fail-after: N` | N words, then a mid-stream error |
| `drop-after: N` | N words, then the connection drops |
| `chunk: N` | the body in network writes of N bytes |

Directives combine: try `tps: 0 lorem: 2000`."""
