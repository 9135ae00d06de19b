"""PDF generation (xhtml2pdf, programmes.pdf) never fetches a remote resource: no socket is opened
whatever the template points at."""

import socket

from django.template import engines

import pytest
from pypdf import PdfReader

from programmes.pdf import REFUSED, html_to_pdf, link_callback

HOSTILE = """
<html><head>
<link rel="stylesheet" href="http://attacker.example/style.css">
<style>@import url("https://attacker.example/import.css");
  body { background: url("http://169.254.169.254/latest/meta-data/"); }
  @font-face { font-family: x; src: url("https://attacker.example/font.ttf"); }</style>
</head><body>
<img src="http://attacker.example/pixel.png">
<img src="https://attacker.example/logo.png">
<img src="//attacker.example/scheme-relative.png">
<img src="file:///etc/passwd">
<p>{{ greeting }}</p>
</body></html>
"""


@pytest.fixture
def no_network(monkeypatch):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError("the PDF renderer tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


def test_a_template_full_of_remote_resources_renders_without_any_connection(no_network):
    html = engines["django"].from_string(HOSTILE).render({"greeting": "Bonjour 42"})

    content = html_to_pdf(html)

    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Bonjour 42" in text
    assert no_network == []


@pytest.mark.parametrize(
    "uri",
    [
        "http://attacker.example/x.png",
        "//attacker.example/x.png",
        "file:///etc/passwd",
        "/static/../../../etc/passwd",
        "/media/private/file.pdf",
    ],
)
def test_the_callback_resolves_nothing_but_our_static_files(uri):
    assert link_callback(uri) == REFUSED
