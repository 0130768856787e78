from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.payment_status import PaymentStatus
from typing import cast
import datetime






T = TypeVar("T", bound="PaymentOut")



@_attrs_define
class PaymentOut:
    """ 
        Attributes:
            amount_cents (int):
            created_at (datetime.datetime):
            id (str):
            order_id (str):
            status (PaymentStatus): authorized (held on the card); captured once the order is complete, voided (released) if
                it was cancelled; capturing and voiding while Stripe confirms
            stripe_id (str): the Stripe PaymentIntent
     """

    amount_cents: int
    created_at: datetime.datetime
    id: str
    order_id: str
    status: PaymentStatus
    stripe_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount_cents = self.amount_cents

        created_at = self.created_at.isoformat()

        id = self.id

        order_id = self.order_id

        status = self.status.value

        stripe_id = self.stripe_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount_cents": amount_cents,
            "created_at": created_at,
            "id": id,
            "order_id": order_id,
            "status": status,
            "stripe_id": stripe_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_cents = d.pop("amount_cents")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        id = d.pop("id")

        order_id = d.pop("order_id")

        status = PaymentStatus(d.pop("status"))




        stripe_id = d.pop("stripe_id")

        payment_out = cls(
            amount_cents=amount_cents,
            created_at=created_at,
            id=id,
            order_id=order_id,
            status=status,
            stripe_id=stripe_id,
        )


        payment_out.additional_properties = d
        return payment_out

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
