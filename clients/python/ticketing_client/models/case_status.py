from enum import StrEnum

class CaseStatus(StrEnum):
    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"
    REVIEW = "review"

    def __str__(self) -> str:
        return str(self.value)
