from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.second_factor_aal import SecondFactorAal






T = TypeVar("T", bound="SecondFactor")



@_attrs_define
class SecondFactor:
    """ 
        Attributes:
            aal (SecondFactorAal):
            backup_codes_left (int):
            totp (bool):
     """

    aal: SecondFactorAal
    backup_codes_left: int
    totp: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        aal = self.aal.value

        backup_codes_left = self.backup_codes_left

        totp = self.totp


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "aal": aal,
            "backup_codes_left": backup_codes_left,
            "totp": totp,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        aal = SecondFactorAal(d.pop("aal"))




        backup_codes_left = d.pop("backup_codes_left")

        totp = d.pop("totp")

        second_factor = cls(
            aal=aal,
            backup_codes_left=backup_codes_left,
            totp=totp,
        )


        second_factor.additional_properties = d
        return second_factor

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
