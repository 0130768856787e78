from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ProfileIn")



@_attrs_define
class ProfileIn:
    """ 
        Attributes:
            email (str):
            first_name (str | Unset):  Default: ''.
            last_name (str | Unset):  Default: ''.
     """

    email: str
    first_name: str | Unset = ''
    last_name: str | Unset = ''





    def to_dict(self) -> dict[str, Any]:
        email = self.email

        first_name = self.first_name

        last_name = self.last_name


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "email": email,
        })
        if first_name is not UNSET:
            field_dict["first_name"] = first_name
        if last_name is not UNSET:
            field_dict["last_name"] = last_name

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        first_name = d.pop("first_name", UNSET)

        last_name = d.pop("last_name", UNSET)

        profile_in = cls(
            email=email,
            first_name=first_name,
            last_name=last_name,
        )

        return profile_in

