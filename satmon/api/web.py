"""The built dashboard (frontend/dist), served by the API process itself in
embedded mode, so `satmon up` needs no web server.

Files are served as they are; any other GET outside the API's own paths gets
index.html, so the single-page app's routes (/fleet, /jobs/<id>) load on a
reload or a shared link. Paths of the API keep their JSON 404s.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

DIST = Path(__file__).resolve().parents[2] / "frontend" / "dist"
RESERVED = ("/api", "/docs", "/redoc", "/openapi.json", "/health", "/ready", "/metrics")
# Vite names built assets by content hash, so they never change under one name.
_IMMUTABLE = "public, max-age=31536000, immutable"


def build_is_current(dist: Path = DIST) -> bool:
    """Whether dist/ was built after the last change to the dashboard's sources."""
    index = dist / "index.html"
    if not index.is_file():
        return False
    frontend = dist.parent
    sources = [frontend / "index.html", frontend / "package-lock.json", frontend / "vite.config.ts"]
    sources += [p for p in (frontend / "src").rglob("*") if p.is_file()]
    built = index.stat().st_mtime
    return all(p.stat().st_mtime <= built for p in sources if p.exists())


def _reserved(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in RESERVED)


def install_web(app: FastAPI, dist: Path = DIST) -> bool:
    """Serve the dashboard if it is built; False (and nothing added) if it is not."""
    index = dist / "index.html"
    if not index.is_file():
        return False
    root = dist.resolve()

    @app.get("/{path:path}", include_in_schema=False)
    def web(path: str, request: Request) -> Response:
        if _reserved(request.url.path):
            raise StarletteHTTPException(404, f"{request.url.path} not found")
        wanted = (root / path).resolve()
        if path and wanted.is_file() and wanted.is_relative_to(root):
            headers = {"Cache-Control": _IMMUTABLE} if path.startswith("assets/") else {}
            return FileResponse(wanted, headers=headers)
        if Path(path).suffix and not path.endswith(".html"):
            raise StarletteHTTPException(404, f"/{path} not found")  # a missing file, not a route
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    return True
