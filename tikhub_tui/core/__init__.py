"""The headless core: protocols, HTTP, settings, secrets and the session store (no Textual)."""
