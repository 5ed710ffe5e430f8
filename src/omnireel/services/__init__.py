"""Services: the use cases behind the API (interactions, files, uploads, tenants, events, policy)."""
