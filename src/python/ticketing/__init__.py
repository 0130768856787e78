"""Ticketing: a ticket-resale marketplace built as small services."""
