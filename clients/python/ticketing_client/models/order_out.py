from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.dispute_status import DisputeStatus
from ..models.order_status import OrderStatus
from ..types import UNSET, Unset
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
            dispute_id (None | str | Unset):
            dispute_status (DisputeStatus | None | Unset): the buyer's dispute: open, refunded, released
            refunded (bool | Unset): the price was refunded in full Default: False.
     """

    expires_at: datetime.datetime
    id: str
    payment_id: None | str
    status: OrderStatus
    ticket: OrderTicketOut
    user_id: str
    version: int
    dispute_id: None | str | Unset = UNSET
    dispute_status: DisputeStatus | None | Unset = UNSET
    refunded: bool | Unset = False
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

        dispute_id: None | str | Unset
        if isinstance(self.dispute_id, Unset):
            dispute_id = UNSET
        else:
            dispute_id = self.dispute_id

        dispute_status: None | str | Unset
        if isinstance(self.dispute_status, Unset):
            dispute_status = UNSET
        elif isinstance(self.dispute_status, DisputeStatus):
            dispute_status = self.dispute_status.value
        else:
            dispute_status = self.dispute_status

        refunded = self.refunded


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
        if dispute_id is not UNSET:
            field_dict["dispute_id"] = dispute_id
        if dispute_status is not UNSET:
            field_dict["dispute_status"] = dispute_status
        if refunded is not UNSET:
            field_dict["refunded"] = refunded

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

        def _parse_dispute_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dispute_id = _parse_dispute_id(d.pop("dispute_id", UNSET))


        def _parse_dispute_status(data: object) -> DisputeStatus | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                dispute_status_type_0 = DisputeStatus(data)



                return dispute_status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(DisputeStatus | None | Unset, data)

        dispute_status = _parse_dispute_status(d.pop("dispute_status", UNSET))


        refunded = d.pop("refunded", UNSET)

        order_out = cls(
            expires_at=expires_at,
            id=id,
            payment_id=payment_id,
            status=status,
            ticket=ticket,
            user_id=user_id,
            version=version,
            dispute_id=dispute_id,
            dispute_status=dispute_status,
            refunded=refunded,
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
