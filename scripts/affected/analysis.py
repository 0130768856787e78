"""One analysis: the change from git, the graph from Pants, and the text and JSON reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from affected.git import Git
from affected.graph import Change, Reason, find_seeds, reached_images
from affected.pants import Pants, resolves_of


@dataclass
class Result:
    base: str
    mode: str
    changed_files: dict[str, str]
    images: dict[str, list[Reason]]
    unowned_files: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "mode": self.mode,
            "changed_files": sorted(self.changed_files),
            "unowned_files": self.unowned_files,
            "images": [
                {
                    "address": address,
                    "name": image_name(address),
                    "reasons": [
                        {"file": r.file, "via": r.via, "packages": r.packages} for r in reasons
                    ],
                }
                for address, reasons in sorted(self.images.items())
            ],
        }

    def as_text(self) -> str:
        if not self.images:
            count = len(self.changed_files)
            return f"No image is affected ({count} changed files since {self.base[:12]}).\n"
        lines = []
        for address, reasons in sorted(self.images.items()):
            lines.append(f"{address}")
            lines.extend(f"    {r.text()}" for r in reasons)
        return "\n".join(lines) + "\n"


def image_name(address: str) -> str:
    """The image's target name: `deploy/docker:orders` -> `orders`."""
    return address.rsplit(":", 1)[-1] if ":" in address else address.rsplit("/", 1)[-1]


def analyse(root: Path, git: Git, pants: Pants, base: str, mode: str, working_tree: bool) -> Result:
    """The images the change since `base` (or the working tree's, against HEAD) reaches."""
    changed = git.changed_files(base, working_tree)
    if not changed:
        return Result(base, mode, changed, {}, [])

    def new_text(path: str) -> str | None:
        if working_tree:
            file = root / path
            return file.read_text() if file.is_file() else None
        return git.show("HEAD", path)

    graph = pants.changed_graph(base)
    direct = pants.changed_targets(base)
    resolves = resolves_of(root)
    change = Change(changed, lambda path: git.show(base, path), new_text)
    seeds = find_seeds(change, graph, direct, resolves)
    images = reached_images(graph, seeds.reasons)
    return Result(base, mode, changed, images, sorted(set(changed) - seeds.claimed))
