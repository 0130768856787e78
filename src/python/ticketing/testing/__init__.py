"""Test harness: real MongoDB-wire, RabbitMQ and Redis servers for every test, isolated per test."""
