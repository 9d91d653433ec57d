"""The instructor's page and its JSON API (Starlette). Everything the page loads ships with the
package (templates/dashboard): it works offline, on a laptop or a class server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from provisioner.cohort import grading
from provisioner.cohort import run as cohort
from provisioner.core import paths
from provisioner.dashboard.board import Board
from provisioner.dashboard.guard import Guard
from provisioner.dashboard.work import Worker

KEEPALIVE_SECONDS = 15.0
LOCAL_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]


def make_app(worker: Worker, token: str | None, csrf: str) -> Starlette:
    board = worker.board
    pages = jinja2.Environment(loader=jinja2.FileSystemLoader(str(paths.TEMPLATES_DIR / "dashboard")), autoescape=True)

    async def page(request: Request) -> Response:
        html = pages.get_template("board.html.j2").render(lab=board.lab, csrf=csrf)
        return HTMLResponse(html, headers={"cache-control": "no-store"})

    async def snapshot(request: Request) -> Response:
        return JSONResponse(board.snapshot)

    async def events(request: Request) -> Response:
        headers = {"cache-control": "no-store", "x-accel-buffering": "no"}
        return StreamingResponse(_stream(board, request), media_type="text/event-stream", headers=headers)

    async def act(request: Request) -> Response:
        student, action = request.path_params["student"], request.path_params["action"]
        if action not in board.actions or student not in {r["student"] for r in board.students()}:
            return JSONResponse({"error": f"no action {action!r} for {student!r}"}, 404)
        who = request.client.host if request.client else "?"
        if not worker.submit(student, action, who):
            return JSONResponse({"error": f"{student}: {board.busy.get(student)} is running"}, 409)
        return JSONResponse({"student": student, "action": action, "started": True}, 202)

    async def handout(request: Request) -> Response:
        student, suffix = request.path_params["student"], "." + request.path_params["kind"]
        row = next((r for r in cohort.status(board.lab.id) if r["student"] == student), None)
        if row is None or suffix not in (".md", ".html"):
            return JSONResponse({"error": f"no hand-out {student}{suffix}"}, 404)
        text = grading.handout(board.lab, row, suffix)
        return _download(text, f"{student}{suffix}", "text/markdown" if suffix == ".md" else "text/html")

    async def grades(request: Request) -> Response:
        ids, rows = [e.id for e in board.lab.exercises], _grade_rows(board)
        if request.path_params["kind"] == "csv":
            return _download(grading.grades_csv(ids, rows), "grades.csv", "text/csv")
        return _download(grading.grades_json(board.lab.id, ids, rows), "grades.json", "application/json")

    routes = [
        Route("/", page),
        Route("/api/cohort", snapshot),
        Route("/api/events", events),
        Route("/api/grades.{kind:str}", grades),
        Route("/api/students/{student}/handout.{kind:str}", handout),
        Route("/api/students/{student}/{action}", act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=paths.TEMPLATES_DIR / "dashboard" / "static"), name="static"),
    ]
    # Without a token, only a loopback Host: a web page cannot rebind a name of its own to us.
    hosts = ["*"] if token else LOCAL_NAMES
    middleware = [Middleware(Guard, token=token, csrf=csrf), Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]
    return Starlette(routes=routes, middleware=middleware)


async def _stream(board: Board, request: Request) -> AsyncIterator[str]:
    """Server-sent events: the snapshot whenever its version moves, a comment now and then."""
    sent, quiet = -1, 0.0
    while not board.stopping.is_set() and not await request.is_disconnected():
        if board.version != sent:
            sent, quiet = board.version, 0.0
            yield f"event: snapshot\ndata: {json.dumps(board.snapshot)}\n\n"
        elif quiet >= KEEPALIVE_SECONDS:
            quiet = 0.0
            yield ": keepalive\n\n"
        await asyncio.sleep(0.5)
        quiet += 0.5


def _grade_rows(board: Board) -> list[dict[str, Any]]:
    """The grade sheet of `lab cohort check`, from the last checks the page ran."""
    total = len(board.lab.exercises)
    rows = []
    for r in board.students():
        results = {ex: c["status"] == "passed" for ex, c in r["cells"].items() if "checked_at" in c}
        rows.append(grading.grade_row(r["student"], results, total) | {"state": r["state"]})
    return rows


def _download(text: str, name: str, media_type: str) -> Response:
    headers = {"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"}
    return Response(text, media_type=media_type, headers=headers)
