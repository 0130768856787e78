"""Finding the real servers for a test run, in the order the README gives.

MongoDB-wire: ``MONGODB_URL``, else an embedded SecantusDB started once per test process
(it always can be: it is a Python package). RabbitMQ and Redis: their URL variable, else the
local default, else a container. SMTP: a mail catcher in the test process. No server means a
failed run with a message saying what to start, never a silent skip.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

from ticketing.stack.mail_catcher import MailCatcher
from ticketing.stack.servers import HOW_TO_START, REQUIRED, EmbeddedMongo, answers


@dataclass(frozen=True)
class Servers:
    mongodb_url: str
    rabbitmq_url: str
    redis_url: str
    mail: MailCatcher  # where the services' mail goes (read by address)
    provenance: dict[str, str]

    def describe(self) -> str:
        return "real servers: " + "; ".join(f"{k} {v}" for k, v in self.provenance.items())


def docker_answers() -> bool:
    try:
        from testcontainers.core.docker_client import DockerClient

        DockerClient().client.ping()
    except Exception:
        return False
    return True


@contextlib.contextmanager
def _container(name: str) -> Iterator[str]:
    """A container of the server ``name`` (a key of REQUIRED); its URL."""
    if name == "RabbitMQ":
        from testcontainers.rabbitmq import RabbitMqContainer

        with RabbitMqContainer("rabbitmq:3.13") as rabbit:
            params = rabbit.get_connection_params()
            yield f"amqp://guest:guest@{params.host}:{params.port}/"
    else:
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7") as redis:
            yield f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(6379)}/0"


@contextlib.contextmanager
def real_servers() -> Iterator[Servers]:
    with contextlib.ExitStack() as stack:
        provenance: dict[str, str] = {}
        mongodb = os.environ.get("MONGODB_URL")
        if mongodb:
            provenance["MongoDB"] = "from MONGODB_URL"
        else:
            embedded = EmbeddedMongo().start()
            stack.callback(embedded.stop)
            mongodb = embedded.url
            provenance["MongoDB"] = f"embedded SecantusDB on port {embedded.port}"
        urls = {}
        for name, (var, default) in REQUIRED.items():
            url = os.environ.get(var)
            if url:
                provenance[name] = f"from {var}"
            elif answers(default):
                url, provenance[name] = default, f"local {default}"
            elif docker_answers():
                url = stack.enter_context(_container(name))
                provenance[name] = "testcontainers"
            else:
                raise RuntimeError(f"no {name} for the tests: {HOW_TO_START[name]}")
            urls[name] = url
        mail = MailCatcher().start()
        stack.callback(mail.stop)
        provenance["SMTP"] = f"mail catcher on port {mail.port}"
        yield Servers(mongodb, urls["RabbitMQ"], urls["Redis"], mail, provenance)
