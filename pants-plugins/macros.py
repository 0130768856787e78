# BUILD-file macros, read by every BUILD file (pants.toml [GLOBAL] build_file_prelude_globs).

# The services as (name, HTTP port) pairs: the one list BUILD files build from. The ports are
# each service's settings default; the chart's values agree (tests/deploy/test_docker.py).
# A tuple: Pants requires prelude symbols to be hashable.
SERVICES = (
    ("auth", 8001),
    ("tickets", 8002),
    ("orders", 8003),
    ("payments", 8004),
    ("expiration", 8005),
    ("moderation", 8006),
    ("web", 8007),
)


def service_images():
    """One docker_image per service, all from ./Dockerfile with SERVICE and PORT build args.

    The COPY line names the pex through ${SERVICE}, which Pants cannot infer from, so each image
    depends on its service's pex_binary explicitly.
    """
    for name, port in SERVICES:
        docker_image(
            name=name,
            source="Dockerfile",
            dependencies=[f"src/python/ticketing/{name}:{name}"],
            extra_build_args=[f"SERVICE={name}", f"PORT={port}"],
            image_tags=["{build_args.IMAGE_TAG}", "latest"],
        )
