"""Keys: where the API key comes from (environment, this run, key file, OS keyring), and the
text rules that keep it out of every output.

`keys` resolves, saves and deletes the key; `keyfile` is the opt-in 0600 file; `backend` the
OS keyring with bounded calls; `text` validation, masking and redaction without any I/O (the
HTTP client imports only that).
"""

from tikhub_tui.core.secrets.keys import (
    ENV_VAR,
    BackendStatus,
    KeyStoreError,
    ResolvedKey,
    alternatives,
    backend_status,
    clean_key,
    delete_key,
    mask,
    missing_key_message,
    redact,
    remember,
    resolve_key,
    save_key,
    use_session_key,
)

__all__ = [
    "ENV_VAR",
    "BackendStatus",
    "KeyStoreError",
    "ResolvedKey",
    "alternatives",
    "backend_status",
    "clean_key",
    "delete_key",
    "mask",
    "missing_key_message",
    "redact",
    "remember",
    "resolve_key",
    "save_key",
    "use_session_key",
]
