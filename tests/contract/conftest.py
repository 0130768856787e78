from ticketing.testing.fixtures import *  # noqa: F403
