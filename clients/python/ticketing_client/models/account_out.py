from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="AccountOut")



@_attrs_define
class AccountOut:
    """ 
        Attributes:
            created_at (datetime.datetime):
            payouts_enabled (bool): onboarding is done: sales are paid out to it
            stripe_account_id (str): the Stripe Connect account
     """

    created_at: datetime.datetime
    payouts_enabled: bool
    stripe_account_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at.isoformat()

        payouts_enabled = self.payouts_enabled

        stripe_account_id = self.stripe_account_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "payouts_enabled": payouts_enabled,
            "stripe_account_id": stripe_account_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        payouts_enabled = d.pop("payouts_enabled")

        stripe_account_id = d.pop("stripe_account_id")

        account_out = cls(
            created_at=created_at,
            payouts_enabled=payouts_enabled,
            stripe_account_id=stripe_account_id,
        )


        account_out.additional_properties = d
        return account_out

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
