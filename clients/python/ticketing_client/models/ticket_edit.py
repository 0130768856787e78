from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="TicketEdit")



@_attrs_define
class TicketEdit:
    """ 
        Attributes:
            price (float | str): from 0.50 (Stripe's minimum charge in USD) to 1000000, with at most two decimals: a JSON
                number (12.5) or a decimal string ("12.50"); at most the face value times the price cap (TICKET_PRICE_CAP, 1.20
                by default), else 400 with `rule`: price-cap and `max_price`
            title (str): 1 to 120 characters, at least one visible; no control characters (line breaks and tabs included) or
                text-direction overrides
            event_starts_at (datetime.datetime | None | Unset): when the event starts, with its time zone; in the future
            face_value (float | None | str | Unset): the price printed on the ticket: from 0.50 (Stripe's minimum charge in
                USD) to 1000000, with at most two decimals: a JSON number (12.5) or a decimal string ("12.50")
            venue (None | str | Unset):
     """

    price: float | str
    title: str
    event_starts_at: datetime.datetime | None | Unset = UNSET
    face_value: float | None | str | Unset = UNSET
    venue: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        price: float | str
        price = self.price

        title = self.title

        event_starts_at: None | str | Unset
        if isinstance(self.event_starts_at, Unset):
            event_starts_at = UNSET
        elif isinstance(self.event_starts_at, datetime.datetime):
            event_starts_at = self.event_starts_at.isoformat()
        else:
            event_starts_at = self.event_starts_at

        face_value: float | None | str | Unset
        if isinstance(self.face_value, Unset):
            face_value = UNSET
        else:
            face_value = self.face_value

        venue: None | str | Unset
        if isinstance(self.venue, Unset):
            venue = UNSET
        else:
            venue = self.venue


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "price": price,
            "title": title,
        })
        if event_starts_at is not UNSET:
            field_dict["event_starts_at"] = event_starts_at
        if face_value is not UNSET:
            field_dict["face_value"] = face_value
        if venue is not UNSET:
            field_dict["venue"] = venue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_price(data: object) -> float | str:
            return cast(float | str, data)

        price = _parse_price(d.pop("price"))


        title = d.pop("title")

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


        def _parse_face_value(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        face_value = _parse_face_value(d.pop("face_value", UNSET))


        def _parse_venue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        venue = _parse_venue(d.pop("venue", UNSET))


        ticket_edit = cls(
            price=price,
            title=title,
            event_starts_at=event_starts_at,
            face_value=face_value,
            venue=venue,
        )

        return ticket_edit

