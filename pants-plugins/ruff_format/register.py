"""`ruff format` as a Pants formatter. Pants 2.17's ruff backend runs only the linter, so
`pants fmt` and `pants lint` would not see formatting without this small plugin."""

from __future__ import annotations

from pants.backend.python.lint.ruff.subsystem import Ruff, RuffFieldSet
from pants.backend.python.util_rules import pex
from pants.backend.python.util_rules.pex import PexRequest, VenvPex, VenvPexProcess
from pants.core.goals.fmt import FmtResult, FmtTargetsRequest
from pants.core.util_rules.config_files import ConfigFiles, ConfigFilesRequest
from pants.core.util_rules.partitions import PartitionerType
from pants.engine.fs import Digest, MergeDigests
from pants.engine.process import ProcessResult
from pants.engine.rules import Get, MultiGet, collect_rules, rule
from pants.util.logging import LogLevel
from pants.util.meta import classproperty
from pants.util.strutil import pluralize


class RuffFormatRequest(FmtTargetsRequest):
    field_set_type = RuffFieldSet
    tool_subsystem = Ruff
    partitioner_type = PartitionerType.DEFAULT_SINGLE_PARTITION

    @classproperty
    def tool_name(cls) -> str:
        return "ruff format"


@rule(desc="Format with ruff format", level=LogLevel.DEBUG)
async def ruff_format(request: RuffFormatRequest.Batch, ruff: Ruff) -> FmtResult:
    ruff_pex, config_files = await MultiGet(
        Get(VenvPex, PexRequest, ruff.to_pex_request()),
        Get(ConfigFiles, ConfigFilesRequest, ruff.config_request(request.snapshot.dirs)),
    )
    input_digest = await Get(
        Digest, MergeDigests((request.snapshot.digest, config_files.snapshot.digest))
    )
    conf_args = [f"--config={ruff.config}"] if ruff.config else []
    result = await Get(
        ProcessResult,
        VenvPexProcess(
            ruff_pex,
            argv=("format", *conf_args, *request.files),
            input_digest=input_digest,
            output_files=request.files,
            description=f"Run ruff format on {pluralize(len(request.files), 'file')}.",
            level=LogLevel.DEBUG,
        ),
    )
    return await FmtResult.create(request, result, strip_chroot_path=True)


def rules():  # type: ignore[no-untyped-def]
    return [*collect_rules(), *RuffFormatRequest.rules(), *pex.rules()]
