"""Schema fuzzing: schemathesis drives every operation of /openapi.json, in process, over the
real trained classifier and the real summarizer.

It generates valid and invalid requests (bodies, the X-Request-ID header, security headers)
from the published document and checks each answer: never a 5xx, a status code, content type,
headers and body that the document declares for that operation. The limits are small
(NEWSBRIEF_MAX_CHARS-style boundaries are generated at their edges, and a 50,000-character
article costs seconds), the code paths are the same. NEWSBRIEF_FUZZ_EXAMPLES sets the examples
per operation: a few in the suite, hundreds under `make soak`.

Each operation's cases come from schemathesis's Hypothesis strategy under a plain `@given`:
its pytest loader for fixture-built apps (schemathesis.pytest.from_fixture) sets
`request.node._nodeid`, which pytest 9.2 no longer has.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from models.settings import env_int
from service.app import create_app
from service.config import ServiceConfig
from service.openapi import spec

pytestmark = pytest.mark.slow

EXAMPLES = env_int(os.environ, "NEWSBRIEF_FUZZ_EXAMPLES", 10)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
LIMITS = ServiceConfig(max_body_bytes=64 * 1024, max_chars=3_000, max_batch=4)
# Every operation the document lists; the test asks the app's own /openapi.json for each.
OPERATIONS = [
    (method.upper(), path) for path, item in spec(LIMITS)["paths"].items() for method in item
]
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]


@pytest.fixture(scope="module")
def api_schema(full_analyzer) -> schemathesis.BaseSchema:  # type: ignore[no-untyped-def]
    app: Flask = create_app({"ANALYZER": full_analyzer, "SERVICE": LIMITS})
    return schemathesis.openapi.from_wsgi("/openapi.json", app)


@pytest.mark.parametrize("mode", MODES, ids=lambda mode: mode.value)
@pytest.mark.parametrize(("method", "path"), OPERATIONS)
def test_every_answer_matches_the_document(
    api_schema: schemathesis.BaseSchema, method: str, path: str, mode: schemathesis.GenerationMode
) -> None:
    operation = api_schema[path][method]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def answers_as_documented(case: schemathesis.Case) -> None:
        case.call_and_validate(checks=CHECKS)

    answers_as_documented()
