"""A stand-in for an OpenAI-compatible moderation endpoint (``POST /v1/moderations``).

The real classifier is a third party that cannot run here; this serves its wire format over
real HTTP, with the category scores a test sets and a switch to make it fail like an outage.
"""

from __future__ import annotations

from typing import Any
from uuid import uuid4

from litestar import Litestar, Request, Response, post

from ticketing.stack.background import BackgroundServer, StandIn


class ClassifierStandIn(StandIn):
    def __init__(self, api_key: str = "sk-standin") -> None:
        self.api_key = api_key
        self.scores: dict[str, float] = {"harassment": 0.01, "violence": 0.01}
        self.down = False
        self.inputs: list[str] = []
        self._server = BackgroundServer(self.app())

    def app(self) -> Litestar:
        @post("/v1/moderations", status_code=200)
        async def moderations(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
            if request.headers.get("authorization") != f"Bearer {self.api_key}":
                return Response(
                    {
                        "error": {
                            "message": "Incorrect API key provided",
                            "type": "invalid_request_error",
                        }
                    },
                    status_code=401,
                )
            if self.down:
                return Response(
                    {"error": {"message": "The server is overloaded", "type": "server_error"}},
                    status_code=503,
                )
            body = await request.json()
            if not isinstance(body, dict) or not isinstance(body.get("input"), str):
                return Response(
                    {"error": {"message": "'input' is required", "type": "invalid_request_error"}},
                    status_code=400,
                )
            self.inputs.append(body["input"])
            result = {
                "flagged": any(score >= 0.5 for score in self.scores.values()),
                "categories": {name: score >= 0.5 for name, score in self.scores.items()},
                "category_scores": dict(self.scores),
            }
            model = body.get("model", "omni-moderation-latest")
            return Response({"id": f"modr-{uuid4().hex}", "model": model, "results": [result]})

        return Litestar([moderations])
