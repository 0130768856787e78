from enum import StrEnum

class TicketStatus(StrEnum):
    ADMITTED = "admitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    SOLD = "sold"
    WAITING_MODERATION = "waiting_moderation"

    def __str__(self) -> str:
        return str(self.value)
