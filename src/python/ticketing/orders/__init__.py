"""The orders service: owns orders (reservations) and keeps a replica of tickets."""
