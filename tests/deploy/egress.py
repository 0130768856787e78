"""The connections a process has open, named as the cluster would name them, against the ports
its rendered NetworkPolicy lets it reach. Loopback enforces no NetworkPolicy; this shows a
service connecting to something its policy would block (a pod that a cluster keeps unready).

Linux only: open TCP connections are read from /proc (a socket's inode, in /proc/<pid>/fd, is
a row of /proc/net/tcp[6]).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ESTABLISHED = "01"


def remote_ports(pid: int) -> set[tuple[int, int]]:
    """(local port, remote port) of the process's established TCP connections."""
    fds = Path(f"/proc/{pid}/fd")
    inodes = set()
    for fd in fds.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed meanwhile
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            if inode in inodes and state == ESTABLISHED:
                found.add((int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16)))
    return found


def allowed_ports(policy: Mapping[str, Any]) -> set[int]:
    """The TCP ports the policy's egress rules allow (to whichever peers they name)."""
    return {
        int(port["port"])
        for rule in policy["spec"]["egress"]
        for port in rule.get("ports", [])
        if port.get("protocol", "TCP") == "TCP"
    }


def blocked(
    pid: int, own_port: int, names: Mapping[int, tuple[str, set[int]]], policy: Mapping[str, Any]
) -> list[str]:
    """The process's outgoing connections its policy would not allow, as text. `names` maps a
    loopback port to its in-cluster name and the pod ports behind that name (a Service port
    and its targetPort may differ); an unknown port is reported too."""
    allowed = allowed_ports(policy)
    problems = []
    for local, remote in sorted(remote_ports(pid)):
        if local == own_port:  # a connection to this service, not from it
            continue
        if remote not in names:
            problems.append(f"a connection to loopback port {remote}, which stands for nothing")
            continue
        name, ports = names[remote]
        if not ports & allowed:
            problems.append(f"{name} (pod ports {sorted(ports)}; allowed {sorted(allowed)})")
    return problems
