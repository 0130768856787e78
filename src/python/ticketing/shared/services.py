"""The services and their HTTP ports: the one list.

Pants reads this file as a BUILD-file prelude (pants.toml ``build_file_prelude_globs``), so
the BUILD files build from it and it holds literals only (a prelude cannot import). Each
service's settings take their default port from it (``settings.service_port``), the stack
runs what it lists, and the tests hold the chart's values against it. A tuple of pairs: Pants
requires prelude symbols to be hashable.
"""

SERVICES = (
    ("auth", 8001),
    ("tickets", 8002),
    ("orders", 8003),
    ("payments", 8004),
    ("expiration", 8005),
    ("moderation", 8006),
    ("web", 8007),
)
