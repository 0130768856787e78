"""The public API document and its reference page, which the edge routes here:
``GET /api/openapi.json`` (the services' documents merged by scripts/api_document.py, kept in
``reference/openapi.json``) and ``GET /api/docs`` (Swagger UI, its assets from the swagger-ui-py
package, served from this site: no CDN)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import MediaType, Response, get
from litestar.datastructures import CacheControlHeader
from litestar.handlers import HTTPRouteHandler
from litestar.router import Router
from litestar.static_files import create_static_files_router

HERE = Path(__file__).parent / "reference"
DOCUMENT = HERE / "openapi.json"
# Found, not imported: the package's own module imports what only its handlers need.
_SPEC = importlib.util.find_spec("swagger_ui")
if _SPEC is None or not _SPEC.submodule_search_locations:
    raise ImportError("swagger-ui-py is not installed")
SWAGGER_UI = Path(_SPEC.submodule_search_locations[0]) / "static"
_CACHE = CacheControlHeader(max_age=300, public=True)


def reference() -> list[HTTPRouteHandler | Router]:
    document = DOCUMENT.read_bytes()
    page = (HERE / "docs.html").read_bytes()

    @get("/api/openapi.json", media_type=MediaType.JSON, cache_control=_CACHE, sync_to_thread=False)
    def openapi_json() -> Response[bytes]:
        return Response(document)

    @get("/api/docs", media_type=MediaType.HTML, cache_control=_CACHE, sync_to_thread=False)
    def docs() -> Response[bytes]:
        return Response(page)

    assets = create_static_files_router("/api/docs/assets", [HERE, SWAGGER_UI])
    return [openapi_json, docs, assets]
