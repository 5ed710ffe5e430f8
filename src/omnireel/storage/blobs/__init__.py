"""Blob stores: where media bytes live. Keys are always server-generated; no user string ever reaches a path."""

from .base import BlobStore
from .disk import DiskBlobStore
from .memory import MemoryBlobStore

__all__ = ["BlobStore", "DiskBlobStore", "MemoryBlobStore"]
