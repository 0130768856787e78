from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="AdmissionOut")



@_attrs_define
class AdmissionOut:
    """ 
        Attributes:
            admitted_at (datetime.datetime):
            event_starts_at (datetime.datetime | None):
            id (str): the ticket
            title (str):
            user_id (str): its holder, let in
            venue (None | str):
     """

    admitted_at: datetime.datetime
    event_starts_at: datetime.datetime | None
    id: str
    title: str
    user_id: str
    venue: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        admitted_at = self.admitted_at.isoformat()

        event_starts_at: None | str
        if isinstance(self.event_starts_at, datetime.datetime):
            event_starts_at = self.event_starts_at.isoformat()
        else:
            event_starts_at = self.event_starts_at

        id = self.id

        title = self.title

        user_id = self.user_id

        venue: None | str
        venue = self.venue


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "admitted_at": admitted_at,
            "event_starts_at": event_starts_at,
            "id": id,
            "title": title,
            "user_id": user_id,
            "venue": venue,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        admitted_at = datetime.datetime.fromisoformat(d.pop("admitted_at"))




        def _parse_event_starts_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                event_starts_at_type_0 = datetime.datetime.fromisoformat(data)



                return event_starts_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        event_starts_at = _parse_event_starts_at(d.pop("event_starts_at"))


        id = d.pop("id")

        title = d.pop("title")

        user_id = d.pop("user_id")

        def _parse_venue(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        venue = _parse_venue(d.pop("venue"))


        admission_out = cls(
            admitted_at=admitted_at,
            event_starts_at=event_starts_at,
            id=id,
            title=title,
            user_id=user_id,
            venue=venue,
        )


        admission_out.additional_properties = d
        return admission_out

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
