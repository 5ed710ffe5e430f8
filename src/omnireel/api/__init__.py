"""HTTP layer: parse wire JSON, authenticate, call a service, render JSON / SSE / errors."""
