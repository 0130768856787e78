from enum import StrEnum

class DisputeStatus(StrEnum):
    OPEN = "open"
    REFUNDED = "refunded"
    RELEASED = "released"

    def __str__(self) -> str:
        return str(self.value)
