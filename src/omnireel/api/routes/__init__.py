"""HTTP routes, one module per resource."""

# Any API version segment is accepted (the SDK defaults to v1, the REST docs use v1beta).
VERSION = r"^v\d+[a-z0-9]*$"
