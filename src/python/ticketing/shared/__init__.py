"""Code every service shares: event schemas, settings, web, messaging, persistence, auth ports."""
