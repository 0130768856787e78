"""The web front end: server-rendered pages for the whole user story, a client of the public
REST API with each visitor's own session. It owns no data."""
