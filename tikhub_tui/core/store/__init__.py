"""The session store: every conversation in one SQLite file (WAL, migrations, FTS5).

`database.Store` is the public face (sessions, messages, search, export); `writer.AnswerWriter`
fills a streaming answer from a worker thread; `records` holds the plain rows and errors it
returns; `schema` opens and migrates the file; `transfer` is the JSON/Markdown export shape
and `trees` the whole-tree export and import; `tree` the shape of a session's branches;
`search` and `snippets` find words and substrings and show them plainly; `text` the titles,
ids and display-safe text. Import from the submodule you need.
"""

from tikhub_tui.core.store.database import LEAF, Store, default_path, move_aside, title_from_prompt
from tikhub_tui.core.store.records import StoreError

__all__ = ["LEAF", "Store", "StoreError", "default_path", "move_aside", "title_from_prompt"]
