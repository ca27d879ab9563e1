"""The /docs page: one self-contained HTML document generated from the OpenAPI spec.

No scripts, fonts or stylesheets are fetched (the service runs offline and the route sends a
Content-Security-Policy that forbids it), so the page is plain HTML with inline CSS.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

STYLE = """
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1d232a}
code,pre{font:13px/1.4 ui-monospace,monospace}
pre{background:#f4f6f8;padding:.75rem;border-radius:4px;white-space:pre-wrap;
overflow-wrap:anywhere}
section{border-top:1px solid #d8dee4;margin-top:2rem}
.method{display:inline-block;min-width:3.5rem;padding:0 .4rem;border-radius:3px;color:#fff;
font-size:13px;text-align:center}
.get{background:#1f6feb}.post{background:#2da44e}
table{border-collapse:collapse}td,th{border:1px solid #d8dee4;padding:.25rem .5rem;
text-align:left;vertical-align:top}
"""
_SCHEMA_REF = re.compile(r"&quot;#/components/(schemas|responses)/(\w+)&quot;")


def _json_html(value: Any) -> str:
    """Pretty JSON with every $ref turned into a link to its definition on the page."""
    text = escape(json.dumps(value, indent=2, ensure_ascii=False))
    return _SCHEMA_REF.sub(
        lambda m: (
            f'&quot;<a href="#{m.group(1)}-{m.group(2)}">#/components/{m.group(1)}/'
            f"{m.group(2)}</a>&quot;"
        ),
        text,
    )


def _schema_link(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return f'<a href="#schemas-{name}">{name}</a>'
    if "oneOf" in schema:
        return " or ".join(_schema_link(s) for s in schema["oneOf"])
    return escape(schema.get("type", "any"))


def _curl(base_url: str, method: str, path: str, example: Any | None) -> str:
    command = f"curl -s {base_url.rstrip('/')}{path}"
    if method == "post":
        body = json.dumps(example, ensure_ascii=False).replace("'", "'\\''")
        command += f" \\\n  -H 'Content-Type: application/json' \\\n  -d '{body}'"
    return f"<pre>{escape(command)}</pre>"


def _responses(document: dict[str, Any], responses: dict[str, Any]) -> str:
    rows = []
    for status, response in responses.items():
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[1]
            response = document["components"]["responses"][name]
        schemas = [
            f"{escape(media)}: {_schema_link(content['schema'])}"
            for media, content in response.get("content", {}).items()
        ]
        rows.append(
            f"<tr><td>{escape(status)}</td><td>{escape(response['description'])}</td>"
            f"<td>{'<br>'.join(schemas)}</td></tr>"
        )
    return (
        "<table><tr><th>status</th><th>meaning</th><th>body</th></tr>" + "".join(rows) + "</table>"
    )


def _operation(
    document: dict[str, Any], path: str, method: str, op: dict[str, Any], base: str
) -> str:
    parts = [
        f'<section id="op-{escape(op["operationId"])}"><h2><span class="method {method}">'
        f"{method.upper()}</span> <code>{escape(path)}</code> {escape(op['summary'])}</h2>",
        f"<p>{escape(op['description'])}</p>",
    ]
    if any(requirement for requirement in op.get("security", [])):
        parts.append(
            "<p>Needs an API key when NEWSBRIEF_API_KEYS is set: "
            "<code>Authorization: Bearer &lt;key&gt;</code> or <code>X-API-Key</code>.</p>"
        )
    body = op.get("requestBody", {}).get("content", {}).get("application/json")
    examples = body.get("examples", {}) if body else {}
    if body:
        parts.append(f"<h3>Request body</h3><p>{_schema_link(body['schema'])}</p>")
    if examples:
        for example in examples.values():
            parts.append(f"<p>Example: {escape(example['summary'])}</p>")
            parts.append(_curl(base, method, path, example["value"]))
    else:
        parts.append(_curl(base, method, path, None))
    parts.append("<h3>Responses</h3>" + _responses(document, op["responses"]))
    return "".join(parts) + "</section>"


def render_docs(document: dict[str, Any], base_url: str = "http://127.0.0.1:8000/") -> str:
    """The whole page; ``base_url`` makes the curl examples runnable against this server."""
    info = document["info"]
    operations = [
        (path, method, op)
        for path, item in document["paths"].items()
        for method, op in item.items()
    ]
    nav = "".join(
        f'<li><a href="#op-{escape(op["operationId"])}">{method.upper()} {escape(path)}</a> '
        f"{escape(op['summary'])}</li>"
        for path, method, op in operations
    )
    sections = "".join(_operation(document, p, m, op, base_url) for p, m, op in operations)
    components = document["components"]
    errors = "".join(
        f'<h3 id="responses-{escape(name)}">{escape(name)}</h3><pre>{_json_html(response)}</pre>'
        for name, response in components["responses"].items()
    )
    schemas = "".join(
        f'<h3 id="schemas-{escape(name)}">{escape(name)}</h3><pre>{_json_html(schema)}</pre>'
        for name, schema in components["schemas"].items()
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(info['title'])} API</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(info['title'])} API <small>{escape(info['version'])}</small></h1>"
        f"<p>{escape(info['description'])}</p>"
        '<p>The machine-readable description is <a href="/openapi.json">/openapi.json</a> '
        "(OpenAPI 3.1).</p>"
        f"<h2>Endpoints</h2><ul>{nav}</ul>{sections}"
        f'<section id="errors"><h2>Error responses</h2>{errors}</section>'
        f'<section id="schemas"><h2>Schemas</h2>{schemas}</section>'
        "</body></html>"
    )
