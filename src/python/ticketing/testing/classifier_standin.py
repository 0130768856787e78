"""A stand-in for an OpenAI-compatible moderation endpoint (``POST /v1/moderations``).

The real classifier is a third party that cannot run here; this serves its wire format over
real HTTP, with the category scores a test sets and a switch to make it fail like an outage.
"""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import uuid4

import uvicorn
from litestar import Litestar, Request, Response, post

from ticketing.stack.servers import free_port, wait_until_answers


class ClassifierStandIn:
    def __init__(self, api_key: str = "sk-standin") -> None:
        self.api_key = api_key
        self.scores: dict[str, float] = {"harassment": 0.01, "violence": 0.01}
        self.down = False
        self.inputs: list[str] = []
        self.port = free_port()
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _app(self) -> Litestar:
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

    async def start(self) -> ClassifierStandIn:
        config = uvicorn.Config(self._app(), host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        await asyncio.to_thread(wait_until_answers, self.url, 10.0)
        return self

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
