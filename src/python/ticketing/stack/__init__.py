"""Runs the whole platform on one machine: embedded servers, the services, the nginx edge."""
