"""The Studio's static files, as a real server serves them: strict headers, no inline code, no third-party code, and
JavaScript that talks only to the documented public API (and never builds markup from strings)."""

from __future__ import annotations

import fnmatch
import re
import tomllib
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]

CSP = ("default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self'; script-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")

TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

# Every path the Studio may request: the documented API (docs/api.md) and its own assets.
API_PATH = re.compile(r"^/(?:v1beta/interactions(?:/|$)|v1beta/files/|upload/v1beta/files$|v1beta/models$|cancel$)")
ASSET_PATH = re.compile(r"^/studio/[a-z0-9-]+\.(?:js|css|svg)$")
FORBIDDEN_JS = ["innerHTML", "outerHTML", "insertAdjacentHTML", "eval(", "document.write", "new Function",
                "localStorage", "document.cookie", "?key=", "&key=", "setTimeout('", 'setTimeout("', "http://",
                "https://", "import(", "console.log"]


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts: list[tuple[dict, str]] = []
        self.refs: list[str] = []
        self.attrs: list[tuple[str, str, str]] = []  # (tag, name, value)
        self.tags: list[str] = []
        self._script: dict | None = None
        self._body = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        for name, value in attrs.items():
            self.attrs.append((tag, name, value or ""))
        for name in ("src", "href"):
            if attrs.get(name):
                self.refs.append(attrs[name])
        if tag == "script":
            self._script, self._body = attrs, ""

    def handle_data(self, data):
        if self._script is not None:
            self._body += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, self._body))
            self._script = None


def _get(server, path, **kw) -> httpx.Response:
    return httpx.get(server.base_url + path, timeout=10, **kw)


def _page(server) -> _Page:
    page = _Page()
    page.feed(_get(server, "/studio").text)
    return page


def _modules(server) -> dict[str, str]:
    """Every JavaScript module the page loads, following static imports from the page's module scripts."""
    page = _page(server)
    todo = [attrs["src"] for attrs, _ in page.scripts]
    seen: dict[str, str] = {}
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        r = _get(server, path)
        assert r.status_code == 200, path
        seen[path] = r.text
        for spec in re.findall(r"""^\s*(?:import|export)\b[^'"]*?\bfrom\s+['"]([^'"]+)['"]""", r.text, re.M):
            assert spec.startswith("./") and spec.endswith(".js"), f"{path} imports {spec}: only local modules"
            todo.append("/studio/" + spec[2:])
    return seen


def _security_headers_ok(r: httpx.Response) -> None:
    assert r.headers["content-security-policy"] == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "access-control-allow-origin" not in r.headers


@pytest.mark.parametrize("path", ["/studio", "/studio/"])
def test_page_is_served_without_a_key_with_strict_headers(server, path):
    r = _get(server, path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    _security_headers_ok(r)
    assert "<title>omnireel Studio</title>" in r.text
    assert server.key() not in r.text  # the page carries no data: nothing of any tenant
    head = httpx.head(server.base_url + path)
    assert head.status_code == 200 and head.headers["content-security-policy"] == CSP


def test_every_asset_is_served_with_its_content_type_and_headers(server):
    page = _page(server)
    local = [ref for ref in page.refs if ref.startswith("/")]
    paths = set(local) | set(_modules(server))
    assert {"/studio/app.js", "/studio/style.css", "/studio/api.js", "/studio/sse.js"} <= paths
    for path in sorted(paths):
        r = _get(server, path)
        assert r.status_code == 200, path
        assert r.headers["content-type"].split(";")[0] == TYPES[Path(path).suffix], path
        _security_headers_ok(r)
        # Revalidation with the ETag answers 304 without a body.
        again = _get(server, path, headers={"if-none-match": r.headers["etag"]})
        assert again.status_code == 304 and again.content == b""


def test_page_has_no_inline_code_and_no_third_party_resources(server):
    page = _page(server)
    assert page.scripts, "the page loads no script"
    for attrs, body in page.scripts:
        assert attrs.get("src", "").startswith("/studio/") and attrs.get("type") == "module"
        assert body.strip() == "", "inline script body"
    assert "style" not in page.tags, "inline <style> element"
    for tag, name, value in page.attrs:
        assert name != "style", f"style= attribute on <{tag}>"
        assert not name.startswith("on"), f"inline event handler {name}= on <{tag}>"
        assert "javascript:" not in value.lower()
    for ref in page.refs:
        assert ref.startswith("/studio/") or ref.startswith("#"), f"resource from elsewhere: {ref}"
    css = _get(server, "/studio/style.css").text
    assert "@import" not in css and "url(" not in css  # nothing loaded from a stylesheet either


def test_javascript_calls_only_documented_api_paths_and_never_builds_markup(server):
    modules = _modules(server)
    assert len(modules) >= 3
    fetchers = []
    for path, source in modules.items():
        code = re.sub(r"^\s*//.*$", "", source, flags=re.M)  # comments may name things; code may not
        for word in FORBIDDEN_JS:
            assert word not in code, f"{path} uses {word}"
        if re.search(r"\bfetch\(", code):
            fetchers.append(path)
        # Every absolute path written in a string literal is a documented API path or a Studio asset.
        for literal in re.findall(r"""['"`](/[^'"`\s]*)""", code):
            assert API_PATH.match(literal) or ASSET_PATH.match(literal), f"{path} uses the path {literal!r}"
        assert "x-goog-api-key" not in code or path == "/studio/api.js"
    assert fetchers == ["/studio/api.js"], "all HTTP goes through the API client module"
    api = modules["/studio/api.js"]
    for documented in ("'/v1beta/interactions'", "'/v1beta/interactions/'", "'/upload/v1beta/files'",
                       "'/v1beta/models'", "'/v1beta/files/'"):
        assert documented in api


def test_the_api_still_requires_a_key_and_studio_adds_only_get_routes(server):
    assert _get(server, "/v1beta/models").status_code == 401
    assert _get(server, "/v1beta/interactions/v1_nothere").status_code == 401
    for method in ("POST", "PUT", "DELETE"):
        assert httpx.request(method, server.base_url + "/studio").status_code == 405
    # No CORS opening: a preflight from another origin gets no allow-origin.
    pre = httpx.options(server.base_url + "/v1beta/interactions",
                        headers={"origin": "https://evil.example", "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in pre.headers
    for path in ("/studio/__init__.py", "/studio/static/app.js", "/studio/%2e%2e/pyproject.toml", "/studio/nope.js"):
        r = _get(server, path)
        assert r.status_code == 404, path
        assert "import" not in r.text and "<html" not in r.text.lower()


def test_static_files_ship_as_package_data():
    """Every file in studio/static is covered by the package-data globs, so a wheel carries the Studio."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    globs = config["tool"]["setuptools"]["package-data"]["omnireel"]
    static = resources.files("omnireel.studio").joinpath("static")
    names = [entry.name for entry in static.iterdir() if entry.is_file()]
    assert "index.html" in names and "app.js" in names
    for name in names:
        assert any(fnmatch.fnmatch(f"studio/static/{name}", g) for g in globs), name
