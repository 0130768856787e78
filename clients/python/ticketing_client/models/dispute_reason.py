from enum import StrEnum

class DisputeReason(StrEnum):
    NOT_AS_DESCRIBED = "not_as_described"
    OTHER = "other"
    REFUSED_AT_DOOR = "refused_at_door"

    def __str__(self) -> str:
        return str(self.value)
