from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.current_user_out import CurrentUserOut





T = TypeVar("T", bound="CurrentUser")



@_attrs_define
class CurrentUser:
    """ 
        Attributes:
            current_user (CurrentUserOut | None):
     """

    current_user: CurrentUserOut | None
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.current_user_out import CurrentUserOut # noqa: PLC0415
        current_user: dict[str, Any] | None
        if isinstance(self.current_user, CurrentUserOut):
            current_user = self.current_user.to_dict()
        else:
            current_user = self.current_user


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "current_user": current_user,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.current_user_out import CurrentUserOut # noqa: PLC0415
        d = dict(src_dict)
        def _parse_current_user(data: object) -> CurrentUserOut | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                current_user_type_0 = CurrentUserOut.from_dict(data)



                return current_user_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CurrentUserOut | None, data)

        current_user = _parse_current_user(d.pop("current_user"))


        current_user = cls(
            current_user=current_user,
        )


        current_user.additional_properties = d
        return current_user

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
