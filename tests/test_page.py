"""The analyst's page as HTTP sees it: served at /, locked down, complete, shipped in the package.

What the page does in a browser is tests/test_page_browser.py's job; this checks what a
browser receives, without one.
"""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path

from flask.testing import FlaskClient

from models.analyzer import Analyzer
from models.classifier import TopicClassifier
from service.app import create_app
from service.config import ServiceConfig
from service.page import CONTENT_SECURITY_POLICY

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "service"
PAGE_FILES = sorted(
    path.relative_to(SERVICE).as_posix()
    for folder in ("static", "templates")
    for path in (SERVICE / folder).rglob("*")
    if path.is_file()
)


class Tags(HTMLParser):
    """Every start tag with its attributes, and any text inside <script> or <style>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_code = ""
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._inside = tag if tag in {"script", "style"} else None

    def handle_endtag(self, tag: str) -> None:
        self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.inline_code += data.strip()


def parsed_page(client: FlaskClient) -> Tags:
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    tags = Tags()
    tags.feed(response.get_data(as_text=True))
    return tags


def test_the_page_is_served_with_a_self_only_policy(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    policy = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert policy["default-src"] == "'none'"
    for directive in ("script-src", "style-src", "connect-src", "img-src"):
        assert policy[directive] == "'self'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_the_page_has_no_inline_code_and_loads_only_its_own_files(client: FlaskClient) -> None:
    tags = parsed_page(client)
    assert tags.inline_code == ""
    for tag, attrs in tags.tags:
        assert "style" not in attrs, tag
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
        if tag in {"script", "link"}:
            url = attrs.get("src") or attrs.get("href") or ""
            assert url.startswith("/static/"), url
            assert client.get(url).status_code == 200, url


def test_every_control_has_a_label(client: FlaskClient) -> None:
    tags = parsed_page(client)
    labelled = {attrs["for"] for tag, attrs in tags.tags if tag == "label"}
    controls = [
        attrs
        for tag, attrs in tags.tags
        if tag in {"input", "textarea", "select", "progress"} and attrs.get("type") != "hidden"
    ]
    assert len(controls) >= 7
    for attrs in controls:
        assert attrs.get("id") in labelled, attrs


def test_the_page_carries_the_configured_limits(small_classifier: TopicClassifier) -> None:
    config = ServiceConfig(max_chars=1234, max_batch=3, max_body_bytes=9999, api_keys=("k",))
    app = create_app({"ANALYZER": Analyzer(small_classifier, None), "SERVICE": config})
    [body] = [attrs for tag, attrs in parsed_page(app.test_client()).tags if tag == "body"]
    assert body["data-max-chars"] == "1234"
    assert body["data-max-batch"] == "3"
    assert body["data-max-body-bytes"] == "9999"
    assert body["data-keys-required"] == "true"


def test_the_page_needs_no_key_but_the_api_still_does(small_classifier: TopicClassifier) -> None:
    config = ServiceConfig(api_keys=("k",))
    client = create_app({"ANALYZER": Analyzer(small_classifier, None), "SERVICE": config})
    client = client.test_client()  # type: ignore[assignment]
    assert client.get("/").status_code == 200  # type: ignore[attr-defined]
    assert client.get("/static/js/main.js").status_code == 200  # type: ignore[attr-defined]
    assert client.get("/v1/topics").status_code == 401  # type: ignore[attr-defined]


def test_static_files_have_their_types_and_the_policy(client: FlaskClient) -> None:
    for name, media in (
        ("page.css", "text/css"),
        ("js/main.js", "text/javascript"),
        ("icon.svg", "image/svg+xml"),
    ):
        response = client.get(f"/static/{name}")
        assert (response.status_code, response.mimetype) == (200, media), name
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_a_missing_or_escaping_file_is_a_404_envelope(client: FlaskClient) -> None:
    for path in ("/static/nope.js", "/static/../page.py", "/static/%2e%2e/page.py", "/static/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["code"] == "not_found"


def test_every_script_import_resolves_to_a_shipped_file() -> None:
    scripts = sorted((SERVICE / "static" / "js").glob("*.js"))
    assert scripts
    for script in scripts:
        for target in re.findall(r'^import .* from "(\./[^"]+)";$', script.read_text(), re.M):
            assert (script.parent / target).is_file(), f"{script.name} imports {target}"


def test_the_package_data_ships_every_page_file() -> None:
    """A non-editable install (a wheel) gets only what package-data names."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["package-data"]["service"]
    shipped = {
        path.relative_to(SERVICE).as_posix()
        for pattern in patterns
        for path in SERVICE.glob(pattern)
    }
    assert PAGE_FILES
    assert set(PAGE_FILES) <= shipped
