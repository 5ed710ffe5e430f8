"""The one error tree of omnireel. Only the API layer renders these; messages are ours and never echo exception text.

    OmnireelError                    500 INTERNAL
    ├── InvalidArgument              400 INVALID_ARGUMENT
    │   └── FailedPrecondition       400 FAILED_PRECONDITION
    ├── Unauthenticated              401 UNAUTHENTICATED
    ├── PermissionDenied             403 PERMISSION_DENIED
    │   └── RegionRestricted         403 PERMISSION_DENIED (code region_restricted)
    ├── NotFound                     404 NOT_FOUND
    │   └── FileExpired              404 NOT_FOUND (code file_expired)
    ├── Gone                         410 NOT_FOUND (expired resources)
    ├── PayloadTooLarge              413 INVALID_ARGUMENT
    ├── UnsupportedMedia             415 INVALID_ARGUMENT
    ├── UploadConflict               409 ABORTED   (never for non-transient conditions: the SDK retries 409)
    ├── AlreadyExists                409 ALREADY_EXISTS (Files API only: its client does not retry by default)
    ├── RateLimited                  429 RESOURCE_EXHAUSTED
    ├── InsufficientStorage          507 RESOURCE_EXHAUSTED
    ├── Unavailable                  503 UNAVAILABLE
    └── EngineFailure                job-level failure; becomes a failed interaction, not an HTTP error
        ├── SafetyBlocked
        ├── CapabilityMissing        the builtin engine lacks the understanding a request needs
        └── JobTimeout
"""

from __future__ import annotations


class OmnireelError(Exception):
    http_status = 500
    status = "INTERNAL"
    code = "internal"
    default_message = "Internal error."

    def __init__(self, message: str | None = None, *, code: str | None = None, field: str | None = None):
        self.message = message or self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(self.message)


class InvalidArgument(OmnireelError):
    http_status = 400
    status = "INVALID_ARGUMENT"
    code = "invalid_request"


class FailedPrecondition(InvalidArgument):
    status = "FAILED_PRECONDITION"
    code = "failed_precondition"


class Unauthenticated(OmnireelError):
    http_status = 401
    status = "UNAUTHENTICATED"
    code = "unauthenticated"
    default_message = "API key not valid. Pass a valid API key in the x-goog-api-key header."


class PermissionDenied(OmnireelError):
    http_status = 403
    status = "PERMISSION_DENIED"
    code = "permission_denied"


class RegionRestricted(PermissionDenied):
    code = "region_restricted"


class NotFound(OmnireelError):
    http_status = 404
    status = "NOT_FOUND"
    code = "not_found"


class FileExpired(NotFound):
    """A file that existed and expired: still a 404 (clients treat it as missing), with its own code and a message
    that says when and what to do, instead of the same answer as an id that never existed."""

    code = "file_expired"


class Gone(OmnireelError):
    http_status = 410
    status = "NOT_FOUND"
    code = "expired"


class PayloadTooLarge(OmnireelError):
    http_status = 413
    status = "INVALID_ARGUMENT"
    code = "payload_too_large"


class UnsupportedMedia(OmnireelError):
    http_status = 415
    status = "INVALID_ARGUMENT"
    code = "unsupported_media_type"


class UploadConflict(OmnireelError):
    http_status = 409
    status = "ABORTED"
    code = "upload_conflict"


class AlreadyExists(OmnireelError):
    http_status = 409
    status = "ALREADY_EXISTS"
    code = "already_exists"


class RateLimited(OmnireelError):
    http_status = 429
    status = "RESOURCE_EXHAUSTED"
    code = "too_many_requests"


class QuotaExceeded(RateLimited):
    code = "storage_quota_exceeded"


class InsufficientStorage(OmnireelError):
    http_status = 507
    status = "RESOURCE_EXHAUSTED"
    code = "insufficient_storage"
    default_message = "The server is out of storage space; try again later."


class Unavailable(OmnireelError):
    http_status = 503
    status = "UNAVAILABLE"
    code = "unavailable"


class EngineFailure(OmnireelError):
    """Raised inside a job; recorded on the interaction as status=failed with this code and message."""

    code = "generation_failed"
    rpc_code = 13  # google.rpc.Code INTERNAL
    retryable = False


class SafetyBlocked(EngineFailure):
    code = "safety_blocked"
    rpc_code = 3


class CapabilityMissing(EngineFailure):
    code = "capability_missing"
    rpc_code = 3  # INVALID_ARGUMENT: the request asks for something this engine cannot do


class InvalidMedia(EngineFailure):
    code = "invalid_media"
    rpc_code = 3


class JobTimeout(EngineFailure):
    code = "timeout"
    rpc_code = 4  # DEADLINE_EXCEEDED


class JobCancelled(Exception):
    """Raised at a step boundary when a cancel was requested; not an error the user sees."""


class ImageTagError(InvalidArgument, EngineFailure):
    """A tag names an image the request did not give: the request is wrong, not the engine short of skill. An
    InvalidArgument (400 INVALID_ARGUMENT) where it is checked at create; also an EngineFailure, because a job
    records only those as failures (anything else reads as an internal crash and is retried), with rpc code 3
    (INVALID_ARGUMENT) and the same code, invalid_request."""

    rpc_code = 3
