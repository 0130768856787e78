from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.outcome import Outcome






T = TypeVar("T", bound="ResolutionIn")



@_attrs_define
class ResolutionIn:
    """ 
        Attributes:
            outcome (Outcome):
     """

    outcome: Outcome





    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "outcome": outcome,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        outcome = Outcome(d.pop("outcome"))




        resolution_in = cls(
            outcome=outcome,
        )

        return resolution_in

