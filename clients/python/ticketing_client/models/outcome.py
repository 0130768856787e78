from enum import StrEnum

class Outcome(StrEnum):
    REFUND = "refund"
    RELEASE = "release"

    def __str__(self) -> str:
        return str(self.value)
