"""Settings: every tunable and limit of the service, read once (env prefix OMNIREEL_) and passed down explicitly."""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from pathlib import Path

LOOPBACK_HOSTS = {"localhost"}


def is_loopback(host: str) -> bool:
    if host in LOOPBACK_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclasses.dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("omnireel-data")
    host: str = "127.0.0.1"
    port: int = 8080
    # The URL clients reach us at; upload URLs and file URIs are built from it. Derived from host/port when empty.
    public_base_url: str = ""
    workers: int = 2
    database_url: str = ""  # empty: SQLite under data_dir
    # Keyless local mode: requests without a key act as tenant "local". Only ever honoured on loopback.
    allow_keyless: bool = False
    # Where this server's users are (ISO 3166-1 alpha-2, e.g. "DE"), for regional limits (services/region.py); a
    # tenant's own region (`omnireel keys region`) wins. Empty: no regional limits apply.
    region: str = ""
    default_engine: str = "builtin"
    enable_fake_engine: bool = False  # test-only engine, never on unless asked
    # upstream engine: forwards jobs to a hosted Interactions API; registered only when a key is set.
    # repr=False: the key must never show up in a log line or traceback that prints the settings.
    upstream_api_key: str = dataclasses.field(default="", repr=False)
    upstream_base_url: str = "https://generativelanguage.googleapis.com"
    upstream_model: str = ""  # empty: the model id the client asked for
    upstream_api_version: str = "v1beta"
    upstream_request_timeout_s: float = 60.0  # one HTTP request to the upstream (connect, each read/write)
    upstream_timeout_s: float = 600.0  # one whole upstream generation, from create to the finished video
    upstream_poll_interval_s: float = 2.0
    upstream_max_retries: int = 4  # per HTTP call, on 408/429/5xx and network errors, with exponential backoff
    # diffusers engine: an open-weight video model (Wan 2.x, LTX-Video); registered only when a model is set and
    # the `diffusers` extra is installed. The model loads on the first job and stays loaded.
    diffusers_model: str = ""  # a local directory (save_pretrained layout) or a hub id
    diffusers_pipeline: str = "auto"  # wan | ltx | auto (read from the checkpoint's model_index.json)
    diffusers_device: str = "auto"  # auto: cuda when available, else cpu
    diffusers_dtype: str = "auto"  # auto: bfloat16 on cuda, float32 on cpu; or float32 | bfloat16 | float16
    diffusers_steps: int = 0  # denoising steps; 0: the pipeline's default
    diffusers_guidance_scale: float = 0.0  # classifier-free guidance; 0: the pipeline's default
    diffusers_max_resolution: int = 720  # largest short side generated, in pixels; the output is scaled from it
    diffusers_fps: int = 0  # the rate the model generates at; 0: its native one (Wan 16, Wan 2.2 TI2V and LTX 24)
    diffusers_max_frames: int = 0  # longest generation in frames; 0: the model's (Wan 81, LTX 161)
    diffusers_cpu_offload: bool = False  # keep idle sub-models in CPU memory (GPUs with too little memory)
    # jobs
    lease_ttl_s: float = 60.0
    sweep_interval_s: float = 10.0
    max_attempts: int = 3
    job_timeout_s: float = 900.0
    max_unfinished_per_tenant: int = 200  # queued + running; beyond it creates get 429 with Retry-After
    shutdown_grace_s: float = 30.0  # on SIGTERM, running renders get this long before they are released
    # files
    file_ttl_s: float = 48 * 3600.0
    upload_session_ttl_s: float = 7 * 24 * 3600.0
    max_upload_bytes: int = 2 * 1024**3
    # What one tenant may keep stored at once: uploads (finished and in progress); generated videos count too.
    tenant_storage_quota_bytes: int = 20 * 1024**3
    max_inline_input_bytes: int = 20 * 1024**2
    max_request_body_bytes: int = 64 * 1024**2  # a create with several inline images, base64-encoded
    max_prompt_chars: int = 20_000  # text of a create's input (and system_instruction); longer is a 400
    inline_output_cap_bytes: int = 4_000_000  # 4 MB, as the docs and the over-cap note say it
    max_image_pixels: int = 40_000_000
    # blobs: "disk" (under data_dir) or "s3" (AWS or any S3-compatible endpoint; credentials from boto3's usual
    # chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, instance role)
    blob_store: str = "disk"
    s3_bucket: str = ""
    s3_prefix: str = ""
    s3_endpoint_url: str = ""  # empty: AWS itself
    s3_region: str = ""
    # webhooks: signed POSTs on terminal states; private/loopback targets are refused unless allowed (SSRF)
    webhook_allow_private: bool = False
    webhook_max_attempts: int = 8
    webhook_retry_base_s: float = 2.0
    webhook_timeout_s: float = 10.0
    # streaming
    keepalive_interval_s: float = 15.0
    list_page_size_max: int = 100

    @property
    def db_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'omnireel.db').resolve()}"

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def base_url(self) -> str:
        if self.public_base_url:
            return self.public_base_url.rstrip("/")
        host = self.host
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1"
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def validate(self) -> None:
        if self.allow_keyless and not is_loopback(self.host):
            raise ValueError(
                "keyless mode is only allowed when binding to a loopback address; "
                f"refusing to serve {self.host} without API keys"
            )
        if self.workers < 0:
            raise ValueError("workers must be >= 0")
        if self.region and not (len(self.region.strip()) == 2 and self.region.strip().isalpha()):
            raise ValueError(f"region must be a two-letter country code (ISO 3166-1 alpha-2, e.g. DE), got {self.region!r}")
        if self.blob_store not in ("disk", "s3"):
            raise ValueError(f"blob_store must be 'disk' or 's3', got {self.blob_store!r}")
        if self.blob_store == "s3" and not self.s3_bucket:
            raise ValueError("OMNIREEL_BLOB_STORE=s3 needs a bucket: set OMNIREEL_S3_BUCKET")

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None, **overrides) -> "Settings":
        """Build settings from OMNIREEL_* variables; explicit overrides (CLI flags) win."""
        env = os.environ if environ is None else environ
        values: dict = {}
        for field in dataclasses.fields(cls):
            raw = env.get("OMNIREEL_" + field.name.upper())
            if raw is None:
                continue
            values[field.name] = _coerce(field.type, raw, field.name)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"])
        return cls(**values)


def _coerce(type_name, raw: str, name: str):
    type_name = str(type_name)
    if "bool" in type_name:
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off", ""):
            return False
        raise ValueError(f"OMNIREEL_{name.upper()} must be a boolean, got {raw!r}")
    if "int" in type_name:
        return int(raw)
    if "float" in type_name:
        return float(raw)
    if "Path" in type_name:
        return Path(raw)
    return raw
