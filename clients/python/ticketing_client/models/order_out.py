from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.order_status import OrderStatus
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.order_ticket_out import OrderTicketOut





T = TypeVar("T", bound="OrderOut")



@_attrs_define
class OrderOut:
    """ 
        Attributes:
            expires_at (datetime.datetime):
            id (str):
            payment_id (None | str):
            status (OrderStatus): created -> complete (paid in time) or created -> cancelled (by the buyer or expiry).
            ticket (OrderTicketOut):
            user_id (str):
            version (int):
     """

    expires_at: datetime.datetime
    id: str
    payment_id: None | str
    status: OrderStatus
    ticket: OrderTicketOut
    user_id: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.order_ticket_out import OrderTicketOut # noqa: PLC0415
        expires_at = self.expires_at.isoformat()

        id = self.id

        payment_id: None | str
        payment_id = self.payment_id

        status = self.status.value

        ticket = self.ticket.to_dict()

        user_id = self.user_id

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "expires_at": expires_at,
            "id": id,
            "payment_id": payment_id,
            "status": status,
            "ticket": ticket,
            "user_id": user_id,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.order_ticket_out import OrderTicketOut # noqa: PLC0415
        d = dict(src_dict)
        expires_at = datetime.datetime.fromisoformat(d.pop("expires_at"))




        id = d.pop("id")

        def _parse_payment_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        payment_id = _parse_payment_id(d.pop("payment_id"))


        status = OrderStatus(d.pop("status"))




        ticket = OrderTicketOut.from_dict(d.pop("ticket"))




        user_id = d.pop("user_id")

        version = d.pop("version")

        order_out = cls(
            expires_at=expires_at,
            id=id,
            payment_id=payment_id,
            status=status,
            ticket=ticket,
            user_id=user_id,
            version=version,
        )


        order_out.additional_properties = d
        return order_out

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
