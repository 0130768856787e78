from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="TicketIn")



@_attrs_define
class TicketIn:
    """ 
        Attributes:
            event_starts_at (datetime.datetime): when the event starts, with its time zone; in the future
            face_value (float | str): the price printed on the ticket: from 0.50 (Stripe's minimum charge in USD) to
                1000000, with at most two decimals: a JSON number (12.5) or a decimal string ("12.50")
            price (float | str): from 0.50 (Stripe's minimum charge in USD) to 1000000, with at most two decimals: a JSON
                number (12.5) or a decimal string ("12.50"); at most the face value times the price cap (TICKET_PRICE_CAP, 1.20
                by default), else 400 with `rule`: price-cap and `max_price`
            title (str): 1 to 120 characters, at least one visible; no control characters (line breaks and tabs included) or
                text-direction overrides
            venue (None | str | Unset):
     """

    event_starts_at: datetime.datetime
    face_value: float | str
    price: float | str
    title: str
    venue: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        event_starts_at = self.event_starts_at.isoformat()

        face_value: float | str
        face_value = self.face_value

        price: float | str
        price = self.price

        title = self.title

        venue: None | str | Unset
        if isinstance(self.venue, Unset):
            venue = UNSET
        else:
            venue = self.venue


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "event_starts_at": event_starts_at,
            "face_value": face_value,
            "price": price,
            "title": title,
        })
        if venue is not UNSET:
            field_dict["venue"] = venue

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        event_starts_at = datetime.datetime.fromisoformat(d.pop("event_starts_at"))




        def _parse_face_value(data: object) -> float | str:
            return cast(float | str, data)

        face_value = _parse_face_value(d.pop("face_value"))


        def _parse_price(data: object) -> float | str:
            return cast(float | str, data)

        price = _parse_price(d.pop("price"))


        title = d.pop("title")

        def _parse_venue(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        venue = _parse_venue(d.pop("venue", UNSET))


        ticket_in = cls(
            event_starts_at=event_starts_at,
            face_value=face_value,
            price=price,
            title=title,
            venue=venue,
        )

        return ticket_in

