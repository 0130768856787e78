from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="SessionInfo")



@_attrs_define
class SessionInfo:
    """ 
        Attributes:
            authenticated_at (datetime.datetime):
            current (bool):
            expires_at (datetime.datetime):
            id (str):
     """

    authenticated_at: datetime.datetime
    current: bool
    expires_at: datetime.datetime
    id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        authenticated_at = self.authenticated_at.isoformat()

        current = self.current

        expires_at = self.expires_at.isoformat()

        id = self.id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "authenticated_at": authenticated_at,
            "current": current,
            "expires_at": expires_at,
            "id": id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        authenticated_at = datetime.datetime.fromisoformat(d.pop("authenticated_at"))




        current = d.pop("current")

        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        id = d.pop("id")

        session_info = cls(
            authenticated_at=authenticated_at,
            current=current,
            expires_at=expires_at,
            id=id,
        )


        session_info.additional_properties = d
        return session_info

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
