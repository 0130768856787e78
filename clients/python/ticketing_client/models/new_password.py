from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="NewPassword")



@_attrs_define
class NewPassword:
    """ 
        Attributes:
            code (str): the mailed code
            email (str):
            password (str): Password rules: 8 to 128 characters, not the email address, and not one of the 11,611 most
                common passwords of that length (checked offline).
     """

    code: str
    email: str
    password: str





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        email = self.email

        password = self.password


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "code": code,
            "email": email,
            "password": password,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        email = d.pop("email")

        password = d.pop("password")

        new_password = cls(
            code=code,
            email=email,
            password=password,
        )

        return new_password

