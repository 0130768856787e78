"""The moderation service: every new or retitled ticket is screened before it can be ordered."""
