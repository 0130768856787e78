# The test harness's fixtures (real servers, per-test isolation) for every service's tests.
from ticketing.testing.fixtures import *  # noqa: F403
