"""Certificate PDFs: WeasyPrint from templates/pdf/, with a URL fetcher that can only read
the app's own static folder (and inline data: URLs), never the network or other files."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from flask import Flask
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class FetchRefused(ValueError):
    pass


class StaticOnlyFetcher(URLFetcher):
    """Lets a certificate template load files from the static folder and data: URLs only."""

    def __init__(self, static_dir: Path):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=False)
        self.root = static_dir.resolve()

    def fetch(self, url: str, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path)).resolve()
            if not (path.is_relative_to(self.root) and path.is_file()):
                raise FetchRefused(f"outside the static folder: {url}")
        elif parts.scheme != "data":
            raise FetchRefused(f"certificate templates may not fetch {url}")
        return super().fetch(url, headers)


def qr_svg_data_uri(url: str) -> str:
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2, dark="#111")


def render_pdf(app: Flask, template: str, context: dict) -> tuple[bytes, str]:
    """Render `template` with a plain dict; returns the PDF and its SHA-256."""
    static_dir = Path(app.static_folder)
    # The template sees only this plain dict: no request, user or context processors.
    html = app.jinja_env.get_template(template).render(**context)
    document = HTML(
        string=html, base_url=static_dir.as_uri() + "/", url_fetcher=StaticOnlyFetcher(static_dir)
    )
    pdf = document.write_pdf()
    return pdf, hashlib.sha256(pdf).hexdigest()
