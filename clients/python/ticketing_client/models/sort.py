from enum import StrEnum

class Sort(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"
    SOONEST = "soonest"

    def __str__(self) -> str:
        return str(self.value)
