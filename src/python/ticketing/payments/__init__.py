"""The payments service: charges orders through Stripe and keeps a replica of orders."""
