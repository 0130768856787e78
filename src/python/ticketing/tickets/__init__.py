"""The tickets service: owns the listings, their reservation and moderation status, who holds
each ticket, its code and its admission at the door."""
