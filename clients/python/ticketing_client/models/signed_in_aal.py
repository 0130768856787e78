from enum import StrEnum

class SignedInAal(StrEnum):
    AAL1 = "aal1"
    AAL2 = "aal2"

    def __str__(self) -> str:
        return str(self.value)
