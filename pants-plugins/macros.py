# BUILD-file macros, read by every BUILD file (pants.toml [GLOBAL] build_file_prelude_globs).

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


# The unit tier: plain functions, no server. Tagged so that `./pants --tag=unit test ::` runs it
# alone, and batched so that Pants runs it in one pytest process instead of one per file.
def unit(**fields):
    """A test target's fields for the unit tier (a prelude symbol must be hashable: a function)."""
    return {"tags": ["unit"], "batch_compatibility_tag": "unit", **fields}
