from enum import StrEnum

class OrderStatus(StrEnum):
    CANCELLED = "cancelled"
    COMPLETE = "complete"
    CREATED = "created"

    def __str__(self) -> str:
        return str(self.value)
