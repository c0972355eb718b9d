"""Downloads of report exports: a short-lived signed link (``ReportExport.downloadUrl``) instead
of a bearer token, so a browser can follow it; the file is read in the tenant's transaction."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from insignia.platform.insights import export
from insignia.web.openbadges import _Scope, _with_tenant


async def download(request: Request) -> Response:
    async def handle(scope: _Scope) -> Response:
        try:
            export_id = uuid.UUID(request.path_params["export_id"])
        except ValueError:
            return JSONResponse({"error": "Not found"}, status_code=404)
        token = request.query_params.get("token", "")
        if not export.check_token(scope.secret_key, scope.tenant.id, export_id, token):
            return JSONResponse({"error": "The link has expired or is not valid; ask for a new one."}, 403)
        content = await export.content_of(scope.session, export_id)
        if content is None:
            return JSONResponse({"error": "Not found"}, status_code=404)
        return Response(
            content.encode(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="insignia-report-{export_id}.csv"',
                "Cache-Control": "private, no-store",
            },
        )

    return await _with_tenant(request, handle)


ROUTES = [Route("/t/{slug}/exports/{export_id}.csv", download, methods=["GET"])]
