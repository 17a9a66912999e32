"""Turn `pipeline.quality` findings into Dagster asset check specs and results."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from pipeline.quality import ERROR, Finding

#: (check name, blocking, description) per asset; blocking checks stop bad data flowing on.
CheckDecl = tuple[str, bool, str]


def specs(asset_key: str, decls: Iterable[CheckDecl]) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(name, asset=asset_key, blocking=blocking, description=desc)
        for name, blocking, desc in decls
    ]


def result(finding: Finding, asset: str | None = None) -> dg.AssetCheckResult:
    """A check result; `asset` names the asset when the step materializes several."""
    severity = dg.AssetCheckSeverity.ERROR if finding.severity == ERROR else dg.AssetCheckSeverity.WARN
    return dg.AssetCheckResult(
        check_name=finding.check,
        asset_key=asset,
        passed=finding.passed,
        severity=severity,
        description=finding.message,
        metadata={"message": finding.message, "details": dg.MetadataValue.json(_jsonable(finding.metadata))},
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
