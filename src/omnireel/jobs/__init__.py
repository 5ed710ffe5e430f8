"""Durable jobs: a queue in the database with leases, heartbeats, fencing tokens, a reaper and cancellation."""
