from enum import StrEnum

class PaymentStatus(StrEnum):
    AUTHORIZED = "authorized"
    CAPTURED = "captured"
    CAPTURING = "capturing"
    VOIDED = "voided"
    VOIDING = "voiding"

    def __str__(self) -> str:
        return str(self.value)
