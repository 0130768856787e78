"""The expiration service: ends each order's reservation window, with jobs kept in Redis."""
