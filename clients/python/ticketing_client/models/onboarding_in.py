from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="OnboardingIn")



@_attrs_define
class OnboardingIn:
    """ 
        Attributes:
            refresh_url (str): where an expired link leads
            return_url (str): where Stripe sends the seller back
     """

    refresh_url: str
    return_url: str





    def to_dict(self) -> dict[str, Any]:
        refresh_url = self.refresh_url

        return_url = self.return_url


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "refresh_url": refresh_url,
            "return_url": return_url,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        refresh_url = d.pop("refresh_url")

        return_url = d.pop("return_url")

        onboarding_in = cls(
            refresh_url=refresh_url,
            return_url=return_url,
        )

        return onboarding_in

