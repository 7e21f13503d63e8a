"""The client loads the system's certificates only when it may make a TLS connection: an
https:// gateway or a proxy; for a plain http:// gateway its context trusts nothing."""

from __future__ import annotations

import ssl

import pytest

from tikhub_tui.core.client_settings import tls_for


def test_https_verifies_with_the_default_certificates(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    assert tls_for("https://ai.tikhub.io") is True
    assert tls_for("  HTTPS://gw.example/v1") is True


def test_plain_http_gets_a_context_that_refuses_every_certificate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # not a proxy
    context = tls_for("http://127.0.0.1:8080")
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0  # trusts no certificate


def test_a_proxy_keeps_the_default_certificates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALL_PROXY", "https://proxy.example:3128")
    assert tls_for("http://127.0.0.1:8080") is True
