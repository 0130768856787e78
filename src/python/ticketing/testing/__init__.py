"""Test harness: real MongoDB-wire, RabbitMQ and Redis servers, isolated per test; stand-ins of
the third parties that cannot run here; in-memory fakes of our own ports for the unit tier."""
