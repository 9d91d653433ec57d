"""A stand-in for the API server under a real `kubernetes` ApiClient: it takes the place of the
client's urllib3 pool, so paths, query strings, headers, JSON bodies, typed answers, ApiException
and the client's own DEBUG logging are all the real client's. Objects live in a dict by path."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import urllib3
from kubernetes.client import ApiClient, Configuration

from provisioner.backends.kubernetes.cluster import PLURALS as APPLIED
from provisioner.backends.kubernetes.cluster import path

SERVER = "https://cluster.test:6443"
TOKEN = "eyJhbGciOiJSUzI1NiJ9.c3R1ZGVudA.c2lnbmF0dXJl"  # what the token request answers
PLURALS = {"Namespace": "namespaces", "Pod": "pods", "Node": "nodes", "Event": "events"}
COLLECTIONS = {"namespaces", "pods", "nodes", "events", "deployments", "statefulsets"}


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    content_type: str | None
    body: Any


@dataclass
class FakeServer:
    calls: list[Call] = field(default_factory=list)
    store: dict[str, dict[str, Any]] = field(default_factory=dict)
    reads_after_delete: int = 2  # a deleted namespace is read this often before it is gone (404)
    unreachable: bool = False
    lingering: dict[str, int] = field(default_factory=dict)

    def request(self, method: str, url: str, **kw: Any) -> urllib3.HTTPResponse:
        """What urllib3's PoolManager.request receives from the client's rest layer."""
        if self.unreachable:
            raise urllib3.exceptions.MaxRetryError(None, url, "Connection refused")  # type: ignore[arg-type]
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query)) | dict(kw.get("fields") or [])
        body = json.loads(kw["body"]) if kw.get("body") else None
        self.calls.append(Call(method, parts.path, query, (kw.get("headers") or {}).get("Content-Type"), body))
        code, answer = getattr(self, method.lower())(parts.path, query, body)
        raw = io.BytesIO(json.dumps(answer).encode())
        headers = {"content-type": "application/json"}
        preload = kw.get("preload_content", True)
        return urllib3.HTTPResponse(raw, headers, code, reason=HTTPStatus(code).phrase, preload_content=preload)

    def put(self, obj: dict[str, Any], path: str | None = None) -> dict[str, Any]:
        self.store[path or _path(obj)] = obj
        return obj

    def patch(self, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        kept = {"status": self.store[path]["status"]} if "status" in self.store.get(path, {}) else {}
        return 200, self.put(body | kept, path)

    def get(self, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if path in self.lingering:
            self.lingering[path] -= 1
            if self.lingering[path] < 0:
                del self.store[path], self.lingering[path]
        if path in self.store:
            return 200, self.store[path]
        if path.rsplit("/", 1)[-1] in COLLECTIONS:
            items = [o for p, o in self.store.items() if path in _collections(p) and _selected(o, query)]
            return 200, {"metadata": {}, "items": items}
        return 404, {"kind": "Status", "reason": "NotFound", "message": f"{path} not found", "code": 404}

    def delete(self, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        if path not in self.store:
            return self.get(path, query, body)
        self.store[path]["status"] = self.store[path].get("status", {}) | {"phase": "Terminating"}
        self.lingering[path] = self.reads_after_delete
        return 200, self.store[path]

    def post(self, path: str, query: dict[str, str], body: Any) -> tuple[int, Any]:
        assert path.endswith("/serviceaccounts/student/token"), path
        spec = {"audiences": ["https://kubernetes.default.svc"]} | body["spec"]  # the server's default
        return 201, body | {"spec": spec, "status": {"token": TOKEN, "expirationTimestamp": "2030-01-01T00:00:00Z"}}


def client(server: FakeServer) -> Any:
    """A real ApiClient whose requests go to `server` instead of the network."""
    api = ApiClient(Configuration(host=SERVER))
    api.rest_client.pool_manager = server
    return api


def _path(obj: dict[str, Any]) -> str:
    if obj["kind"] in APPLIED:
        return path(obj)
    meta = obj["metadata"]
    where = f"/namespaces/{meta['namespace']}" if "namespace" in meta else ""
    return f"/api/v1{where}/{PLURALS[obj['kind']]}/{meta['name']}"


def _collections(path: str) -> set[str]:
    """The lists an object at `path` is in: its namespace's, and the cluster-wide one."""
    base = path.rsplit("/", 1)[0]
    return {base, re.sub(r"/namespaces/[^/]+(?=/)", "", base)}


def _selected(obj: dict[str, Any], query: dict[str, str]) -> bool:
    """Equality label selectors and field selectors (a=b, a!=b), as the server applies them."""
    labels = obj["metadata"].get("labels") or {}
    wanted = [t.split("=", 1) for t in query.get("labelSelector", "").split(",") if t]
    fields = [re.split(r"(!?=)", t, maxsplit=1) for t in query.get("fieldSelector", "").split(",") if t]
    return all(labels.get(k) == v for k, v in wanted) and all(
        (str(_field(obj, k)) == v) == (op == "=") for k, op, v in fields
    )


def _field(obj: Any, dotted: str) -> Any:
    for key in dotted.split("."):
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj
