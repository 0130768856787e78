from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.payout_status import PayoutStatus
from typing import cast
import datetime






T = TypeVar("T", bound="PayoutOut")



@_attrs_define
class PayoutOut:
    """ 
        Attributes:
            amount_cents (int): what the buyer paid
            created_at (datetime.datetime):
            fee_cents (int): the platform's fee
            id (str):
            net_cents (int): what the seller receives
            order_id (str):
            release_at (datetime.datetime): when it is transferred
            status (PayoutStatus): pending (no payout account yet), scheduled (for release_at), held (a dispute is open),
                transferring, paid, refunding, reversed (refunded after the transfer), cancelled (refunded before it)
            ticket_id (str):
            transfer_id (None | str):
     """

    amount_cents: int
    created_at: datetime.datetime
    fee_cents: int
    id: str
    net_cents: int
    order_id: str
    release_at: datetime.datetime
    status: PayoutStatus
    ticket_id: str
    transfer_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        amount_cents = self.amount_cents

        created_at = self.created_at.isoformat()

        fee_cents = self.fee_cents

        id = self.id

        net_cents = self.net_cents

        order_id = self.order_id

        release_at = self.release_at.isoformat()

        status = self.status.value

        ticket_id = self.ticket_id

        transfer_id: None | str
        transfer_id = self.transfer_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "amount_cents": amount_cents,
            "created_at": created_at,
            "fee_cents": fee_cents,
            "id": id,
            "net_cents": net_cents,
            "order_id": order_id,
            "release_at": release_at,
            "status": status,
            "ticket_id": ticket_id,
            "transfer_id": transfer_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount_cents = d.pop("amount_cents")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        fee_cents = d.pop("fee_cents")

        id = d.pop("id")

        net_cents = d.pop("net_cents")

        order_id = d.pop("order_id")

        release_at = datetime.datetime.fromisoformat(d.pop("release_at"))




        status = PayoutStatus(d.pop("status"))




        ticket_id = d.pop("ticket_id")

        def _parse_transfer_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        transfer_id = _parse_transfer_id(d.pop("transfer_id"))


        payout_out = cls(
            amount_cents=amount_cents,
            created_at=created_at,
            fee_cents=fee_cents,
            id=id,
            net_cents=net_cents,
            order_id=order_id,
            release_at=release_at,
            status=status,
            ticket_id=ticket_id,
            transfer_id=transfer_id,
        )


        payout_out.additional_properties = d
        return payout_out

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
