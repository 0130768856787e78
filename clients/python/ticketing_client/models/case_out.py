from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.case_status import CaseStatus
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.case_out_category_scores import CaseOutCategoryScores





T = TypeVar("T", bound="CaseOut")



@_attrs_define
class CaseOut:
    """ 
        Attributes:
            category_scores (CaseOutCategoryScores):
            created_at (datetime.datetime):
            decided_at (datetime.datetime | None):
            decided_by (None | str):
            id (str):
            reason (None | str):
            status (CaseStatus):
            ticket_id (str):
            ticket_version (int):
            title (str):
     """

    category_scores: CaseOutCategoryScores
    created_at: datetime.datetime
    decided_at: datetime.datetime | None
    decided_by: None | str
    id: str
    reason: None | str
    status: CaseStatus
    ticket_id: str
    ticket_version: int
    title: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.case_out_category_scores import CaseOutCategoryScores # noqa: PLC0415
        category_scores = self.category_scores.to_dict()

        created_at = self.created_at.isoformat()

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decided_by: None | str
        decided_by = self.decided_by

        id = self.id

        reason: None | str
        reason = self.reason

        status = self.status.value

        ticket_id = self.ticket_id

        ticket_version = self.ticket_version

        title = self.title


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "category_scores": category_scores,
            "created_at": created_at,
            "decided_at": decided_at,
            "decided_by": decided_by,
            "id": id,
            "reason": reason,
            "status": status,
            "ticket_id": ticket_id,
            "ticket_version": ticket_version,
            "title": title,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.case_out_category_scores import CaseOutCategoryScores # noqa: PLC0415
        d = dict(src_dict)
        category_scores = CaseOutCategoryScores.from_dict(d.pop("category_scores"))




        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)



                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))


        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))


        id = d.pop("id")

        def _parse_reason(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reason = _parse_reason(d.pop("reason"))


        status = CaseStatus(d.pop("status"))




        ticket_id = d.pop("ticket_id")

        ticket_version = d.pop("ticket_version")

        title = d.pop("title")

        case_out = cls(
            category_scores=category_scores,
            created_at=created_at,
            decided_at=decided_at,
            decided_by=decided_by,
            id=id,
            reason=reason,
            status=status,
            ticket_id=ticket_id,
            ticket_version=ticket_version,
            title=title,
        )


        case_out.additional_properties = d
        return case_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
