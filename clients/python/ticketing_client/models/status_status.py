from enum import StrEnum

class StatusStatus(StrEnum):
    RECOVERED = "recovered"
    SENT = "sent"
    VERIFIED = "verified"

    def __str__(self) -> str:
        return str(self.value)
