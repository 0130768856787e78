"""The tickets service: owns the listings, their reservation and their moderation status."""
