from enum import StrEnum

class PayoutStatus(StrEnum):
    CANCELLED = "cancelled"
    HELD = "held"
    PAID = "paid"
    PENDING = "pending"
    REFUNDING = "refunding"
    REVERSED = "reversed"
    SCHEDULED = "scheduled"
    TRANSFERRING = "transferring"

    def __str__(self) -> str:
        return str(self.value)
