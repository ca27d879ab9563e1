"""The OpenAPI 3.1 document, written by hand so it says exactly what the service does.

tests/test_service_openapi.py keeps it honest: the document must validate as OpenAPI 3.1, list
exactly the app's routes, and every response the tests receive must match its schema. Limits
come from the running configuration, so the published maxLength/maxItems are the real ones.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata
from typing import Any

from models.analyzer import DEFAULT_MAX_SENTENCES
from service.config import ServiceConfig

JSON = "application/json"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Any], required: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        **extra,
    }


def _schemas(config: ServiceConfig) -> dict[str, Any]:
    span = {"start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}}
    text = {
        "type": "string",
        "minLength": 1,
        "maxLength": config.max_chars,
        "pattern": "\\S",
        "description": "The article body: any Unicode, not empty or only white space, at most "
        f"{config.max_chars} characters (NEWSBRIEF_MAX_CHARS). Offsets in results index it "
        "in code points.",
    }
    title = {"type": "string", "description": "Optional headline; helps classification."}
    options = _object(
        {
            "max_sentences": {
                "type": "integer",
                "minimum": 1,
                "maximum": 20,
                "default": DEFAULT_MAX_SENTENCES,
                "description": "Sentences in the brief.",
            },
            "max_words": {
                "type": "integer",
                "minimum": 1,
                "maximum": 1000,
                "description": "A word budget for the brief; given alone it replaces "
                "max_sentences.",
            },
            "focus": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Topic labels (see /v1/topics) whose supporting sentences the "
                "brief should prefer.",
            },
            "min_score": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "List every topic scoring at least this instead of using the "
                "per-label thresholds.",
            },
        },
        [],
        description="Shared by all articles of a request. Brief options are ignored by "
        "/v1/classify and min_score by /v1/summarize. An unknown option is a 422.",
    )
    error_body = _object(
        {
            "code": {"type": "string", "description": "Stable machine-readable code."},
            "message": {"type": "string", "description": "What went wrong, for people."},
            "details": {
                "type": "object",
                "description": "Context such as the offending field; may be empty.",
            },
        },
        ["code", "message", "details"],
    )
    evidence = _object({"text": {"type": "string"}, **span}, ["text", "start", "end"])
    topic = _object(
        {
            "label": {"type": "string"},
            "score": {"type": "number", "minimum": 0, "maximum": 1},
            "evidence": {"type": "array", "items": _ref("Evidence")},
        },
        ["label", "score", "evidence"],
    )
    sentence = _object(
        {"text": {"type": "string"}, **span, "score": {"type": "number"}},
        ["text", "start", "end", "score"],
    )
    entity = _object(
        {
            "text": {"type": "string"},
            "label": {"type": "string", "description": "spaCy entity type, e.g. GPE, ORG."},
            "count": {"type": "integer", "minimum": 1},
        },
        ["text", "label", "count"],
    )
    brief = _object(
        {
            "text": {"type": "string"},
            "sentences": {"type": "array", "items": _ref("BriefSentence")},
            "entities": {"type": "array", "items": _ref("Entity")},
        },
        ["text", "sentences", "entities"],
    )
    scores = {
        "type": "object",
        "additionalProperties": {"type": "number", "minimum": 0, "maximum": 1},
        "description": "Every label's calibrated score.",
    }
    topics = {
        "type": "array",
        "items": _ref("TopicScore"),
        "description": "Predicted labels only, best first, each with supporting sentences.",
    }
    article_id = {"type": "string", "minLength": 1, "pattern": "\\S"}
    model = {
        "classifier": {"type": "string", "description": "Classifier artifact version."},
        "summarizer": {"type": "string", "description": "Summarizer backend."},
    }
    metrics = {
        "type": "object",
        "properties": {
            "macro_f1": {"type": "number"},
            "micro_f1": {"type": "number"},
            "exact_match": {"type": "number"},
            "n": {"type": "integer"},
            "labels": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "properties": {
                        "precision": {"type": "number"},
                        "recall": {"type": "number"},
                        "f1": {"type": "number"},
                        "support": {"type": "integer"},
                    },
                },
            },
        },
    }
    failure_error = _object(
        {
            "code": {"const": "invalid_article"},
            "message": {"type": "string"},
            "details": _object(
                {"index": {"type": "integer", "minimum": 0}, "field": {"type": "string"}},
                ["index", "field"],
            ),
        },
        ["code", "message", "details"],
    )

    def batch_of(result: str) -> dict[str, Any]:
        return _object(
            {
                "results": {
                    "type": "array",
                    "items": {"oneOf": [_ref(result), _ref("ArticleFailure")]},
                    "description": "One entry per input article, in input order.",
                }
            },
            ["results"],
        )

    return {
        "Error": _object(
            {"error": error_body},
            ["error"],
            description="The envelope of every error response.",
        ),
        "Options": options,
        "ArticleRequest": _object(
            {"id": article_id, "title": title, "text": text, "options": _ref("Options")},
            ["text"],
            description="One article. Without an id, the result's id is the request id.",
        ),
        "BatchRequest": _object(
            {
                "articles": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": config.max_batch,
                    "items": _object(
                        {"id": article_id, "title": title, "text": text}, ["id", "text"]
                    ),
                    "description": f"At most {config.max_batch} articles (NEWSBRIEF_MAX_BATCH) "
                    "with distinct ids. An article that is invalid, or that cannot be analysed, "
                    "gets an ArticleFailure in its slot; the others are still answered.",
                },
                "options": _ref("Options"),
            },
            ["articles"],
        ),
        "Evidence": evidence,
        "TopicScore": topic,
        "BriefSentence": sentence,
        "Entity": entity,
        "Brief": brief,
        "AnalysisResult": _object(
            {
                "id": article_id,
                "topics": topics,
                "scores": scores,
                "brief": _ref("Brief"),
                "model": _object(model, ["classifier", "summarizer"]),
            },
            ["id", "topics", "scores", "brief", "model"],
        ),
        "ClassifyResult": _object(
            {
                "id": article_id,
                "topics": topics,
                "scores": scores,
                "model": _object({"classifier": model["classifier"]}, ["classifier"]),
            },
            ["id", "topics", "scores", "model"],
        ),
        "SummarizeResult": _object(
            {
                "id": article_id,
                "brief": _ref("Brief"),
                "model": _object({"summarizer": model["summarizer"]}, ["summarizer"]),
            },
            ["id", "brief", "model"],
        ),
        "ArticleFailure": _object(
            {"id": {"type": ["string", "null"]}, "error": failure_error},
            ["id", "error"],
            description="A batch slot whose article was invalid or could not be analysed.",
        ),
        "AnalysisBatch": batch_of("AnalysisResult"),
        "ClassifyBatch": batch_of("ClassifyResult"),
        "SummarizeBatch": batch_of("SummarizeResult"),
        "Topics": _object(
            {
                "labels": {"type": "array", "items": {"type": "string"}},
                "definitions": {"type": "object", "additionalProperties": {"type": "string"}},
                "thresholds": {"type": "object", "additionalProperties": {"type": "number"}},
                "model": _object(
                    {
                        "version": {"type": "string"},
                        "trained_at": {"type": ["string", "null"]},
                        "metrics": {
                            "oneOf": [metrics, {"type": "null"}],
                            "description": "Scores on the held-out split (null when the model "
                            "was trained without one).",
                        },
                    },
                    ["version", "trained_at", "metrics"],
                ),
            },
            ["labels", "definitions", "thresholds", "model"],
        ),
        "Health": _object({"status": {"const": "ok"}}, ["status"]),
        "Ready": _object(
            {"status": {"const": "ready"}, "model": _object(model, ["classifier", "summarizer"])},
            ["status", "model"],
        ),
    }


ERRORS: dict[str, tuple[str, str, str]] = {
    # component name: (status, code, description)
    "NotFound": ("404", "not_found", "No such path, or no such file of the page."),
    "InvalidJson": ("400", "invalid_json", "The body is empty, not UTF-8, or not valid JSON."),
    "Unauthorized": (
        "401",
        "unauthorized",
        "API keys are configured (NEWSBRIEF_API_KEYS) and none or a wrong one was sent.",
    ),
    "PayloadTooLarge": (
        "413",
        "payload_too_large",
        "The body exceeds NEWSBRIEF_MAX_BODY_BYTES; details.limit_bytes gives the limit.",
    ),
    "UnsupportedMediaType": (
        "415",
        "unsupported_media_type",
        "The body is not declared as UTF-8 JSON (Content-Type: application/json).",
    ),
    "Unprocessable": (
        "422",
        "invalid_request",
        "The JSON does not fit the schema: code invalid_request (request shape, options, "
        "batch size, duplicate ids) or invalid_article (the single article is invalid or "
        "cannot be analysed); details.field names the field.",
    ),
    "NotReady": (
        "503",
        "not_ready",
        "A model this endpoint needs is not loaded; details.missing maps each missing "
        "component (classifier, summarizer) to the reason.",
    ),
    "InternalError": (
        "500",
        "internal_error",
        "An unexpected failure; details.request_id finds it in the log. No trace is returned.",
    ),
}


def _responses(config: ServiceConfig) -> dict[str, Any]:
    out = {}
    for name, (status, code, description) in ERRORS.items():
        example = {"error": {"code": code, "message": description, "details": {}}}
        if status == "413":
            example["error"]["details"] = {"limit_bytes": config.max_body_bytes}
        out[name] = {
            "description": description,
            "headers": {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}},
            "content": {JSON: {"schema": _ref("Error"), "example": example}},
        }
    return out


def _ok(description: str, schema: dict[str, Any], media: str = JSON) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}},
        "content": {media: {"schema": schema}},
    }


def _errors(*names: str) -> dict[str, Any]:
    responses = {ERRORS[n][0]: {"$ref": f"#/components/responses/{n}"} for n in names}
    responses["default"] = {"$ref": "#/components/responses/InternalError"}
    return responses


# The media types of the page's files (service/static): its stylesheet, scripts and icon.
PAGE_FILE_TYPES = ("text/css", "text/javascript", "image/svg+xml")

SINGLE_EXAMPLE = {
    "title": "Ankara weighs air defence offers",
    "text": "Turkey is considering rival offers for a long-range air defence system. "
    "Officials said a decision would follow talks in Washington next month.",
    "options": {"max_sentences": 1},
}
BATCH_EXAMPLE = {
    "articles": [
        {"id": "a1", "text": "Washington imposed sanctions on two shipping firms on Monday."},
        {"id": "a2", "title": "Patrols", "text": "Joint patrols resumed along the border road."},
    ],
    "options": {"min_score": 0.5},
}
ANALYSIS_DESCRIPTION = (
    "Send one article ({text, title?, id?, options?}) to get its result object, or "
    "{articles: [...], options?} to get {results: [...]} in input order. In a batch, an "
    "article that is invalid or cannot be analysed (for instance nothing but boilerplate) gets "
    "an ArticleFailure in its slot and the rest are answered with 200; only a malformed request "
    "as a whole fails."
)


def _analysis_operation(
    summary: str, operation_id: str, result: str, batch: str, what: str
) -> dict[str, Any]:
    return {
        "post": {
            "operationId": operation_id,
            "summary": summary,
            "description": f"{what} {ANALYSIS_DESCRIPTION}",
            "tags": ["analysis"],
            "security": [{}, {"bearerAuth": []}, {"apiKeyHeader": []}],
            "parameters": [{"$ref": "#/components/parameters/RequestId"}],
            "requestBody": {
                "required": True,
                "content": {
                    JSON: {
                        "schema": {"oneOf": [_ref("ArticleRequest"), _ref("BatchRequest")]},
                        "examples": {
                            "single": {"summary": "one article", "value": SINGLE_EXAMPLE},
                            "batch": {"summary": "a batch", "value": BATCH_EXAMPLE},
                        },
                    }
                },
            },
            "responses": {
                "200": _ok(
                    "The result for one article, or {results} for a batch.",
                    {"oneOf": [_ref(result), _ref(batch)]},
                ),
                **_errors(
                    "InvalidJson",
                    "Unauthorized",
                    "PayloadTooLarge",
                    "UnsupportedMediaType",
                    "Unprocessable",
                    "NotReady",
                ),
            },
        }
    }


def _plain_get(
    operation_id: str, summary: str, description: str, ok: dict[str, Any], *errors: str
) -> dict[str, Any]:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "description": description,
            "tags": ["operations"],
            "parameters": [{"$ref": "#/components/parameters/RequestId"}],
            "responses": {"200": ok, **_errors(*errors)},
        }
    }


INFO_DESCRIPTION = (
    "Topic tags with supporting sentences and short extractive briefs for news articles. "
    "JSON in, JSON out. Every response carries X-Request-ID (yours when it is 1-128 "
    "characters of letters, digits and ._:-, otherwise a new one). Every error, including "
    "an unknown path (404 not_found), a wrong method (405 method_not_allowed, with Allow) and "
    "an unexpected failure (500 internal_error), is the Error envelope. When NEWSBRIEF_API_KEYS "
    "is set, /v1/* needs Authorization: Bearer <key> or X-API-Key: <key>; health, metrics and "
    "documentation stay open."
)


@cache
def spec(config: ServiceConfig | None = None) -> dict[str, Any]:
    """The document for a given configuration (cached: it is built once per worker)."""
    config = config or ServiceConfig()
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "newsbrief",
            "version": metadata.version("newsbrief"),
            "description": INFO_DESCRIPTION,
        },
        "servers": [{"url": "/"}],
        "tags": [
            {"name": "analysis", "description": "Topics and briefs."},
            {
                "name": "operations",
                "description": "Health, readiness, metrics, this document, the page.",
            },
        ],
        "paths": {
            "/v1/analyze": _analysis_operation(
                "Topics and a brief",
                "analyze",
                "AnalysisResult",
                "AnalysisBatch",
                "Topic tags with evidence, every label's score, and a brief.",
            ),
            "/v1/classify": _analysis_operation(
                "Topics only",
                "classify",
                "ClassifyResult",
                "ClassifyBatch",
                "Topic tags with evidence and every label's score, without a brief.",
            ),
            "/v1/summarize": _analysis_operation(
                "A brief only",
                "summarize",
                "SummarizeResult",
                "SummarizeBatch",
                "A brief (sentences with offsets, named entities), without topics.",
            ),
            "/v1/topics": {
                "get": {
                    "operationId": "topics",
                    "summary": "The classifier's labels",
                    "description": "Labels with their definitions and decision thresholds, "
                    "the model version and its held-out metrics.",
                    "tags": ["analysis"],
                    "security": [{}, {"bearerAuth": []}, {"apiKeyHeader": []}],
                    "parameters": [{"$ref": "#/components/parameters/RequestId"}],
                    "responses": {
                        "200": _ok("The label set.", _ref("Topics")),
                        **_errors("Unauthorized", "NotReady"),
                    },
                }
            },
            "/healthz": _plain_get(
                "healthz",
                "Liveness",
                "200 while the process answers, whether or not the models are loaded.",
                _ok("Alive.", _ref("Health")),
            ),
            "/readyz": _plain_get(
                "readyz",
                "Readiness",
                "200 once every model is loaded in the answering worker, else 503 naming "
                "what is missing and why.",
                _ok("Ready.", _ref("Ready")),
                "NotReady",
            ),
            "/metrics": _plain_get(
                "metrics",
                "Prometheus metrics",
                "Prometheus text format, merged over all gunicorn workers.",
                _ok("Metrics.", {"type": "string"}, "text/plain"),
            ),
            "/openapi.json": _plain_get(
                "openapi",
                "This document",
                "The OpenAPI 3.1 description of the service.",
                _ok("The document.", {"type": "object"}),
            ),
            "/docs": _plain_get(
                "docs",
                "API documentation page",
                "A self-contained HTML page generated from this document.",
                _ok("The page.", {"type": "string"}, "text/html"),
            ),
            "/": _plain_get(
                "page",
                "The analyst's page",
                "Paste an article or drop a file and see its topics, their evidence and its "
                "brief. The page calls /v1/analyze and /v1/topics from the browser; it loads "
                "only files from /static/ (Content-Security-Policy: self only).",
                _ok("The page.", {"type": "string"}, "text/html"),
            ),
            "/static/{filename}": {
                "get": {
                    "operationId": "pageFile",
                    "summary": "A file of the page",
                    "description": "The page's stylesheet, scripts and icon, shipped in the "
                    "package.",
                    "tags": ["operations"],
                    "parameters": [
                        {"$ref": "#/components/parameters/RequestId"},
                        {
                            "name": "filename",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "The file.",
                            "headers": {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}},
                            "content": {
                                media: {"schema": {"type": "string"}} for media in PAGE_FILE_TYPES
                            },
                        },
                        **_errors("NotFound"),
                    },
                }
            },
        },
        "components": {
            "schemas": _schemas(config),
            "responses": _responses(config),
            "headers": {
                "RequestId": {
                    "description": "The request id: the caller's, or a generated one.",
                    "schema": {"type": "string"},
                }
            },
            "parameters": {
                "RequestId": {
                    "name": "X-Request-ID",
                    "in": "header",
                    "required": False,
                    "description": "Echoed back and logged when 1-128 characters of "
                    "[A-Za-z0-9._:-] starting with a letter or digit.",
                    "schema": {
                        "type": "string",
                        "pattern": "^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$",
                    },
                }
            },
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
            },
        },
    }
