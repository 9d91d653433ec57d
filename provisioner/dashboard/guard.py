"""Who may use the instructor's page. Every request passes here: the token when one is required
(any bind address but loopback), the CSRF token on every write, and headers that keep the page
from loading anything from elsewhere or being framed."""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlencode

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "lab_dashboard_token"
SAFE = {"GET", "HEAD"}
HEADERS = {
    "content-security-policy": "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def new_token() -> str:
    return secrets.token_urlsafe(24)


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


class Guard:
    """ASGI middleware. token None: no token needed (a loopback bind)."""

    def __init__(self, app: ASGIApp, token: str | None, csrf: str) -> None:
        self.app, self.token, self.csrf = app, token, csrf

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(Request(scope))
        await (refusal or self.app)(scope, receive, _with_headers(send))

    def _refusal(self, request: Request) -> Response | None:
        if self.token and not self._authorised(request):
            return PlainTextResponse(
                "401: this dashboard needs its token: open the address printed when it started",
                401,
                headers={"www-authenticate": "Bearer"},
            )
        if self.token and "token" in request.query_params and request.url.path == "/":
            return self._to_cookie(request)
        if request.method not in SAFE and not same(request.headers.get("x-csrf-token"), self.csrf):
            return PlainTextResponse("403: missing or wrong CSRF token: reload the page", 403)
        return None

    def _authorised(self, request: Request) -> bool:
        assert self.token
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or None
        given = bearer or request.cookies.get(COOKIE) or request.query_params.get("token")
        return same(given, self.token)

    def _to_cookie(self, request: Request) -> Response:
        """The token of the printed address becomes a cookie (the page's own requests carry it),
        and leaves the address bar."""
        rest = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "token"])
        response = RedirectResponse(request.url.path + (f"?{rest}" if rest else ""), 303)
        response.set_cookie(COOKIE, self.token or "", httponly=True, samesite="strict")
        return response


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in HEADERS.items():
                headers.setdefault(name, value)
        await send(message)

    return wrapped
