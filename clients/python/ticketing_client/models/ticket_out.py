from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.ticket_status import TicketStatus
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="TicketOut")



@_attrs_define
class TicketOut:
    """ 
        Attributes:
            id (str):
            price (str):
            status (TicketStatus): A listing is screened (waiting_moderation), then for sale (approved) or not (rejected);
                    once its order completes it is sold to its buyer, who holds it (and may list it again);
                    at the door it is admitted, once.
            title (str):
            user_id (str): who holds it: the seller while listed
            version (int):
            event_starts_at (datetime.datetime | None | Unset):
            face_value (None | str | Unset):
            order_id (None | str | Unset):
            status_reason (None | str | Unset):
            venue (None | str | Unset):
     """

    id: str
    price: str
    status: TicketStatus
    title: str
    user_id: str
    version: int
    event_starts_at: datetime.datetime | None | Unset = UNSET
    face_value: None | str | Unset = UNSET
    order_id: None | str | Unset = UNSET
    status_reason: None | str | Unset = UNSET
    venue: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        id = self.id

        price = self.price

        status = self.status.value

        title = self.title

        user_id = self.user_id

        version = self.version

        event_starts_at: None | str | Unset
        if isinstance(self.event_starts_at, Unset):
            event_starts_at = UNSET
        elif isinstance(self.event_starts_at, datetime.datetime):
            event_starts_at = self.event_starts_at.isoformat()
        else:
            event_starts_at = self.event_starts_at

        face_value: None | str | Unset
        if isinstance(self.face_value, Unset):
            face_value = UNSET
        else:
            face_value = self.face_value

        order_id: None | str | Unset
        if isinstance(self.order_id, Unset):
            order_id = UNSET
        else:
            order_id = self.order_id

        status_reason: None | str | Unset
        if isinstance(self.status_reason, Unset):
            status_reason = UNSET
        else:
            status_reason = self.status_reason

        venue: None | str | Unset
        if isinstance(self.venue, Unset):
            venue = UNSET
        else:
            venue = self.venue


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "id": id,
            "price": price,
            "status": status,
            "title": title,
            "user_id": user_id,
            "version": version,
        })
        if event_starts_at is not UNSET:
            field_dict["event_starts_at"] = event_starts_at
        if face_value is not UNSET:
            field_dict["face_value"] = face_value
        if order_id is not UNSET:
            field_dict["order_id"] = order_id
        if status_reason is not UNSET:
            field_dict["status_reason"] = status_reason
        if venue is not UNSET:
            field_dict["venue"] = venue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        price = d.pop("price")

        status = TicketStatus(d.pop("status"))




        title = d.pop("title")

        user_id = d.pop("user_id")

        version = d.pop("version")

        def _parse_event_starts_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                event_starts_at_type_0 = datetime.datetime.fromisoformat(data)



                return event_starts_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        event_starts_at = _parse_event_starts_at(d.pop("event_starts_at", UNSET))


        def _parse_face_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        face_value = _parse_face_value(d.pop("face_value", UNSET))


        def _parse_order_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        order_id = _parse_order_id(d.pop("order_id", UNSET))


        def _parse_status_reason(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_reason = _parse_status_reason(d.pop("status_reason", UNSET))


        def _parse_venue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        venue = _parse_venue(d.pop("venue", UNSET))


        ticket_out = cls(
            id=id,
            price=price,
            status=status,
            title=title,
            user_id=user_id,
            version=version,
            event_starts_at=event_starts_at,
            face_value=face_value,
            order_id=order_id,
            status_reason=status_reason,
            venue=venue,
        )


        ticket_out.additional_properties = d
        return ticket_out

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
