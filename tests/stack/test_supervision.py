"""What the stack's supervisor decides, and the embedded server's durability across a crash."""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

from pymongo import MongoClient

from ticketing.stack.processes import RestartPolicy
from ticketing.stack.servers import EmbeddedMongo


def test_a_failing_child_is_restarted_with_growing_delays_until_five_in_a_minute() -> None:
    policy = RestartPolicy()
    delays = [policy.delay_after_failure(now) for now in (0.0, 1.0, 2.0, 4.0)]
    assert delays == [0.5, 1.0, 2.0, 4.0]
    assert policy.delay_after_failure(59.0) is None  # the fifth within a minute: give up


def test_failures_more_than_a_minute_apart_never_stop_it() -> None:
    policy = RestartPolicy()
    for hour in range(10):
        assert policy.delay_after_failure(hour * 3600.0) == 0.5


def test_an_acknowledged_write_survives_the_embedded_server_being_killed(tmp_path: Path) -> None:
    mongo = EmbeddedMongo(storage=str(tmp_path / "mongo")).start()
    try:
        writer: MongoClient[dict[str, Any]] = MongoClient(mongo.url)
        for i in range(50):
            writer.shop.orders.insert_one({"_id": i})  # each acknowledged on return
        writer.close()
        assert mongo.process is not None
        os.kill(mongo.process.pid, signal.SIGKILL)
        mongo.process.wait()
        mongo.restart()  # the same storage directory and port
        reader: MongoClient[dict[str, Any]] = MongoClient(mongo.url)
        assert reader.shop.orders.count_documents({}) == 50
        reader.close()
    finally:
        mongo.stop()
