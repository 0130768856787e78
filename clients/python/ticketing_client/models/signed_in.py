from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.signed_in_aal import SignedInAal
from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SignedIn")



@_attrs_define
class SignedIn:
    """ 
        Attributes:
            email (str):
            id (str):
            token (None | str):
            aal (SignedInAal | Unset):  Default: SignedInAal.AAL1.
            needs_code (bool | Unset):  Default: False.
     """

    email: str
    id: str
    token: None | str
    aal: SignedInAal | Unset = SignedInAal.AAL1
    needs_code: bool | Unset = False
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        email = self.email

        id = self.id

        token: None | str
        token = self.token

        aal: str | Unset = UNSET
        if not isinstance(self.aal, Unset):
            aal = self.aal.value


        needs_code = self.needs_code


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "email": email,
            "id": id,
            "token": token,
        })
        if aal is not UNSET:
            field_dict["aal"] = aal
        if needs_code is not UNSET:
            field_dict["needs_code"] = needs_code

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        email = d.pop("email")

        id = d.pop("id")

        def _parse_token(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        token = _parse_token(d.pop("token"))


        _aal = d.pop("aal", UNSET)
        aal: SignedInAal | Unset
        if isinstance(_aal,  Unset):
            aal = UNSET
        else:
            aal = SignedInAal(_aal)




        needs_code = d.pop("needs_code", UNSET)

        signed_in = cls(
            email=email,
            id=id,
            token=token,
            aal=aal,
            needs_code=needs_code,
        )


        signed_in.additional_properties = d
        return signed_in

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
