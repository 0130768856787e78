"""The server-rendered web front end (its code arrives from main)."""
