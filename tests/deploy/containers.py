"""The service images run as containers with podman, the way the chart runs them in a pod.

No Docker engine runs here: podman runs the images that `./pants package deploy/docker::` built
(through podman's Docker API: deploy/docker/local/with-podman, which .ci/run runs), with the
machine's settings in deploy/docker/local/containers.conf (runc, host networking, ulimits).
A missing podman or image is a failure saying what to run, never a skip.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

from deploy.helm.chart import ROOT
from deploy.production_shape import PodProcess

CONTAINERS_CONF = ROOT / "deploy/docker/local/containers.conf"
BASE_RECIPE = ROOT / "deploy/docker/local/base-image.sh"
BASE_IMAGE = "localhost/python:3.11-slim-bookworm"
BUILD_COMMAND = "deploy/docker/local/with-podman ./pants package deploy/docker::"
INSTALL_COMMAND = "apt-get install -y podman buildah runc debootstrap"
# Kubernetes' default: the chart sets no terminationGracePeriodSeconds.
DEFAULT_GRACE_SECONDS = 30
# What builds software; none of it belongs in a runtime image.
BUILD_TOOLS = ["gcc", "cc", "c++", "g++", "clang", "make", "ld", "as", "cpp", "pip", "pip3"]


def image(service: str) -> str:
    """The image Pants tags `latest` (repository from pants.toml [docker].default_repository)."""
    return f"ticketing/{service}:latest"


def podman(
    *args: str, check: bool = True, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run podman with this repository's containers.conf; a failure raises with its output."""
    executable = shutil.which("podman") or "/usr/bin/podman"
    if not Path(executable).exists():
        raise AssertionError(f"podman is not installed: {INSTALL_COMMAND} (.ci/run does)")
    env = {
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": os.environ.get("HOME", "/root"),
        "CONTAINERS_CONF": str(CONTAINERS_CONF),
    }
    done = subprocess.run(
        [executable, *args],
        env=env,
        input=input,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"podman {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done


def missing_images(services: list[str]) -> list[str]:
    return [s for s in services if podman("image", "exists", image(s), check=False).returncode]


def inspect_image(service: str) -> dict[str, Any]:
    return inspect(image(service))


def inspect(reference: str) -> dict[str, Any]:
    (found,) = json.loads(podman("image", "inspect", reference).stdout)
    return dict(found)


def recipe_hash() -> str:
    """What base-image.sh labels the base image with: the start of its own sha256."""
    return hashlib.sha256(BASE_RECIPE.read_bytes()).hexdigest()[:16]


def on_path(service: str, commands: list[str]) -> list[str]:
    """Where each of `commands` is on the image's own PATH (the venv's first), if anywhere."""
    script = "for c in " + " ".join(commands) + '; do command -v "$c" || true; done'
    argv = ["--network", "host", "--entrypoint", "/bin/sh", image(service), "-c", script]
    return podman("run", "--rm", *argv).stdout.split()


@dataclass
class PodContainer(PodProcess):
    """A service's pod as a container of its image: the chart's securityContext (read-only root
    file system, every capability dropped, no privilege escalation, /tmp a small scratch
    mount like its emptyDir), host networking, the image's own user and entry point.
    `process` is the attached `podman run`: its exit status is the container's."""

    name: str = ""

    def start(self, workdir: Path) -> None:
        self.name = f"ticketing-test-{self.pod.service}-{uuid4().hex[:8]}"
        env = [arg for key, value in self.env.items() for arg in ("--env", f"{key}={value}")]
        argv = [
            shutil.which("podman") or "/usr/bin/podman",
            "run", "--name", self.name, "--network", "host", "--no-healthcheck",
            "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
            "--tmpfs", "/tmp:rw,size=64m,mode=1777",
            *env, image(self.pod.service),
        ]  # fmt: skip
        environment = {"PATH": os.defpath, "CONTAINERS_CONF": str(CONTAINERS_CONF)}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                argv, env=environment, stdout=log, stderr=subprocess.STDOUT
            )

    def exec(self, *command: str) -> subprocess.CompletedProcess[str]:
        return podman("exec", self.name, *command, check=False)

    def terminate(self, grace: int) -> int:
        """What the kubelet does to stop it: SIGTERM, SIGKILL after `grace` seconds; the exit
        status (137 means it had to be killed)."""
        podman("stop", "--time", str(grace), self.name)
        assert self.process is not None
        return self.process.wait(grace + 30)

    def stop(self) -> None:
        if self.name:
            podman("rm", "--force", "--time", "10", self.name, check=False)
        super().stop()
