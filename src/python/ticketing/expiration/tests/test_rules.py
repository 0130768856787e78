"""The expiry job's retry rule as a plain function: no server starts here."""

import pytest

from ticketing.expiration.rules import retry_delay


@pytest.mark.parametrize(("attempt", "seconds"), [(1, 2), (2, 4), (4, 16), (5, 30), (900, 30)])
def test_a_job_that_cannot_announce_waits_longer_each_time_up_to_half_a_minute(
    attempt: int, seconds: int
) -> None:
    assert retry_delay(attempt) == seconds
