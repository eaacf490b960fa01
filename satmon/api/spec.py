"""The API's OpenAPI document, without opening any store.

    python -m satmon.api.spec > openapi.json

The dashboard's TypeScript types are generated from it (frontend/scripts/gen-api.mjs).
"""

from __future__ import annotations

import sys
from typing import Any, cast

import orjson

from satmon.api.app import create_app
from satmon.api.deps import ApiState


def openapi_spec() -> dict[str, Any]:
    # Building the document reads the routes only; the state is never touched.
    return create_app(cast(ApiState, None)).openapi()


def main() -> None:
    sys.stdout.buffer.write(orjson.dumps(openapi_spec(), option=orjson.OPT_INDENT_2))
    sys.stdout.buffer.write(b"\n")


if __name__ == "__main__":
    main()
