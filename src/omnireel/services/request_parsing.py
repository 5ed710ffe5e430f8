"""Turn a wire create-request (tolerant, Gemini-shaped JSON) into a strict, validated CreateSpec.

Unknown fields are tolerated and logged; every known field with an invalid value is rejected with a message that
names the field, because silently ignored options are what users of the hosted model complain about most.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from urllib.parse import urlsplit

from omnireel.engines.base import ASPECT_RATIOS, MAX_DURATION_S, MIN_DURATION_S, RESOLUTIONS, TASKS
from omnireel.errors import InvalidArgument
from omnireel.safety.categories import CATEGORIES, METHODS, THRESHOLDS

log = logging.getLogger("omnireel.api")

KNOWN_FIELDS = {
    "model", "input", "previous_interaction_id", "background", "store", "stream", "generation_config",
    "response_format", "response_modalities", "response_mime_type", "system_instruction", "safety_settings",
    "labels", "webhook_config", "service_tier", "tools", "cached_content", "environment", "continuation_token",
    "agent", "agent_config",
}
MEDIA_BLOCKS = ("image", "video", "audio", "document")
STEP_TYPES = {
    "user_input", "model_output", "thought", "function_call", "function_result", "code_execution_call",
    "code_execution_result", "url_context_call", "url_context_result", "google_search_call", "google_search_result",
}
DELIVERIES = ("inline", "uri")
SERVICE_TIERS = ("flex", "standard", "priority", "deferred")
_LABEL_KEY = re.compile(r"[a-z][a-z0-9_-]{0,62}")
_LABEL_VALUE = re.compile(r"[a-z0-9_-]{0,63}")
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds)?\s*")
MAX_JSON_DEPTH = 64  # arrays and objects inside one another; real requests use fewer than 10
MAX_MODEL_CHARS = 128
ECHO_CHARS = 64


def clip(value, limit: int = ECHO_CHARS) -> str:
    """A client-supplied value as it may appear in a message: at most `limit` characters, always encodable."""
    text = str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def load_json(raw: bytes, what: str = "The request body"):
    """Parse a JSON body, or a 400. NaN and Infinity are refused (they are not JSON, and no response could carry
    them back), and so is nesting deep enough to exhaust the parser's recursion."""
    def refuse_constant(name: str):
        raise InvalidArgument(f"{what} is not valid JSON: {name} is not a JSON number.")

    try:
        return json.loads(raw, parse_constant=refuse_constant)
    except RecursionError:
        raise InvalidArgument(f"{what} nests arrays or objects too deeply (the limit is {MAX_JSON_DEPTH} levels).")
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument(f"{what} is not valid JSON.")


def check_json(value, what: str = "The request body", root: str = "") -> None:
    """Refuse what the parser accepts but storage and responses cannot carry: nesting deeper than MAX_JSON_DEPTH,
    and text (values or keys) holding an unpaired UTF-16 surrogate such as a "\\ud800" escape, which UTF-8 cannot
    encode. Called before anything is stored, so such a request leaves nothing behind."""
    if isinstance(value, str):
        _check_text(value, root or "body")
    if not isinstance(value, (dict, list)):
        return
    stack = [(value, root, 0)]
    while stack:
        item, path, depth = stack.pop()
        if depth >= MAX_JSON_DEPTH:
            raise InvalidArgument(f"{what} nests arrays or objects more than {MAX_JSON_DEPTH} levels deep.")
        is_dict = isinstance(item, dict)
        for key, child in (item.items() if is_dict else enumerate(item)):
            # Paths are built only for containers and errors: a long list of numbers costs no strings.
            if is_dict and not key.isascii():
                _check_text(key, _join(path, key, is_dict), key=True)
            if isinstance(child, str):
                if not child.isascii():
                    _check_text(child, _join(path, key, is_dict))
            elif isinstance(child, (dict, list)):
                stack.append((child, _join(path, key, is_dict), depth + 1))


def _join(path: str, key, is_dict: bool) -> str:
    if not is_dict:
        return f"{path}[{key}]"
    return f"{path}.{clip(key)}" if path else clip(key)


def _check_text(text: str, field: str, key: bool = False) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        where = f"The key '{field}'" if key else f"Field '{field}'"
        raise InvalidArgument(
            f"{where} contains an unpaired UTF-16 surrogate (a lone \\ud800-\\udfff escape); text must be "
            "valid Unicode.", field=field)


@dataclasses.dataclass
class VideoFormat:
    aspect_ratio: str | None = None
    resolution: str | None = None
    duration_s: float | None = None
    delivery: str = "inline"


@dataclasses.dataclass
class CreateSpec:
    model: str
    blocks: list[dict]  # this turn's content blocks, validated
    previous_interaction_id: str | None
    background: bool
    store: bool
    stream: bool
    task: str | None  # explicit task, or None to infer
    seed: int
    video: VideoFormat
    system_instruction: str | None
    labels: dict
    echo: dict  # request fields echoed on the interaction resource
    raw_input: object = None  # `input` as sent, for include_input
    safety_settings: list[dict] = dataclasses.field(default_factory=list)  # validated; travels to the job


def _bool(body: dict, name: str, default: bool) -> bool:
    value = body.get(name, default)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InvalidArgument(f"Field '{name}' must be true or false.", field=name)
    return value


def parse_duration(value, field: str = "response_format.duration") -> float:
    if isinstance(value, bool):
        raise InvalidArgument(f"Invalid {field}: expected seconds such as \"8s\".", field=field)
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str) and _DURATION.fullmatch(value):
        seconds = float(_DURATION.fullmatch(value).group(1))
    else:
        raise InvalidArgument(f"Invalid {field} {clip(repr(value))}: expected seconds such as \"8s\" or \"8\".",
                              field=field)
    if not MIN_DURATION_S <= seconds <= MAX_DURATION_S:
        raise InvalidArgument(
            f"Invalid {field} {clip(repr(value))}: must be between {MIN_DURATION_S} and {MAX_DURATION_S} seconds.",
            field=field
        )
    return seconds


def _one_of(raw: dict, name: str, allowed: tuple[str, ...], field: str) -> str | None:
    """The value of an enum option, None when absent, or a 400 that lists what is supported."""
    if name not in raw:
        return None
    if raw[name] not in allowed:
        raise InvalidArgument(f"Invalid {field}.{name} {clip(repr(raw[name]))}: supported values are "
                              f"{', '.join(allowed)}.",
                              field=f"{field}.{name}")
    return raw[name]


def _video_format(raw, field: str) -> VideoFormat:
    fmt = VideoFormat()
    allowed = {"type", "aspect_ratio", "resolution", "duration", "delivery", "gcs_uri", "mime_type"}
    for key in raw:
        if key not in allowed:
            log.info("ignoring unknown field %s.%s", field, clip(key))
    fmt.aspect_ratio = _one_of(raw, "aspect_ratio", ASPECT_RATIOS, field)
    fmt.resolution = _one_of(raw, "resolution", RESOLUTIONS, field)
    if "duration" in raw:
        fmt.duration_s = parse_duration(raw["duration"], f"{field}.duration")
    fmt.delivery = _one_of(raw, "delivery", DELIVERIES, field) or "inline"
    if raw.get("gcs_uri"):
        raise InvalidArgument(f"{field}.gcs_uri is not supported: omnireel stores outputs as Files; use delivery 'uri'.",
                              field=f"{field}.gcs_uri")
    if raw.get("mime_type") not in (None, "video/mp4"):
        raise InvalidArgument(f"Invalid {field}.mime_type {clip(repr(raw['mime_type']))}: only video/mp4 is produced.",
                              field=f"{field}.mime_type")
    return fmt


def parse_response_format(raw) -> VideoFormat:
    if raw is None:
        return VideoFormat()
    items = raw if isinstance(raw, list) else [raw]
    video = None
    for i, item in enumerate(items):
        field = "response_format" if not isinstance(raw, list) else f"response_format[{i}]"
        if not isinstance(item, dict):
            raise InvalidArgument(f"{field} must be an object.", field=field)
        kind = item.get("type", "video")
        if kind == "video":
            if video is not None:
                raise InvalidArgument("response_format lists more than one video format; give exactly one.")
            video = _video_format(item, field)
        elif kind == "text":
            # The text is always the plan the engine understood, in plain words: a structured form (JSON, a schema)
            # would be ignored, so it is refused instead.
            if item.get("mime_type") not in (None, "text/plain") or item.get("schema") is not None:
                asked = "a schema" if item.get("schema") is not None else clip(repr(item.get("mime_type")))
                raise InvalidArgument(
                    f"Unsupported {field} ({asked}): the text output is the plan the engine understood, as "
                    "text/plain only; remove the text entry's mime_type and schema.", field=f"{field}.mime_type")
        else:
            raise InvalidArgument(
                f"Unsupported {field}.type {clip(repr(kind))}: this server produces video (with a text description).",
                field=f"{field}.type",
            )
    return video or VideoFormat()


def _content_block(block, field: str) -> dict:
    if not isinstance(block, dict):
        raise InvalidArgument(f"{field} must be a content object with a 'type'.", field=field)
    kind = block.get("type")
    if kind is None and "text" in block:
        kind = "text"
    if kind == "text":
        text = block.get("text")
        if not isinstance(text, str):
            raise InvalidArgument(f"{field}.text must be a string.", field=f"{field}.text")
        return {"type": "text", "text": text}
    if kind in MEDIA_BLOCKS:
        data, uri = block.get("data"), block.get("uri")
        if not data and not uri:
            raise InvalidArgument(f"{field}: a {kind} block needs 'data' (base64) or 'uri'.", field=field)
        if data and uri:
            raise InvalidArgument(f"{field}: give either 'data' or 'uri', not both.", field=field)
        out = {"type": kind, "mime_type": block.get("mime_type")}
        if data is not None:
            if not isinstance(data, str):
                raise InvalidArgument(f"{field}.data must be a base64 string.", field=f"{field}.data")
            out["data"] = data
        else:
            if not isinstance(uri, str):
                raise InvalidArgument(f"{field}.uri must be a string.", field=f"{field}.uri")
            out["uri"] = uri
        if block.get("name"):
            out["name"] = str(block["name"])[:256]
        return out
    raise InvalidArgument(
        f"Unsupported {field}.type {clip(repr(kind))}: use text, image, video, audio or document.",
        field=f"{field}.type"
    )


def parse_input(raw) -> list[dict]:
    """This turn's content blocks, from any of the SDK's input forms (string, block, list of blocks, steps)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return [{"type": "text", "text": raw}]
    if isinstance(raw, dict):
        if raw.get("type") in STEP_TYPES:
            raw = [raw]
        else:
            return [_content_block(raw, "input")]
    if not isinstance(raw, list):
        raise InvalidArgument("Field 'input' must be a string, a content object, or a list.", field="input")
    if raw and all(isinstance(s, dict) and s.get("type") in STEP_TYPES for s in raw):
        # A transcript: this turn is the last user_input step; earlier turns are context we do not re-render.
        user_steps = [s for s in raw if s.get("type") == "user_input"]
        if not user_steps:
            raise InvalidArgument("input lists steps but no user_input step.", field="input")
        step = user_steps[-1]
        index = raw.index(step)
        content = step.get("content") or []
        if isinstance(content, (str, dict)):
            content = [content]
        return [
            {"type": "text", "text": c} if isinstance(c, str) else _content_block(c, f"input[{index}].content[{j}]")
            for j, c in enumerate(content)
        ]
    return [
        {"type": "text", "text": c} if isinstance(c, str) else _content_block(c, f"input[{i}]")
        for i, c in enumerate(raw)
    ]


def echo_input(raw, shown: list[dict]):
    """`input` in the form it was sent (a string stays a string, a block a block, steps steps), with this turn's
    blocks in their display form `shown` (aligned with parse_input(raw)): inline media appears as the uri of its
    stored copy and is never sent back as base64."""
    if raw is None or isinstance(raw, str):
        return raw
    shown_iter = iter(shown)

    def turn(item):
        block = next(shown_iter)
        return item if isinstance(item, str) else block

    if isinstance(raw, dict) and raw.get("type") not in STEP_TYPES:
        return turn(raw)
    steps = [raw] if isinstance(raw, dict) else raw
    if steps and all(isinstance(s, dict) and s.get("type") in STEP_TYPES for s in steps):
        current = max(i for i, s in enumerate(steps) if s.get("type") == "user_input")
        out = []
        for i, step in enumerate(steps):
            if i != current:
                out.append(_without_inline_data(step))
                continue
            content = step.get("content") or []
            content = turn(content) if isinstance(content, (str, dict)) else [turn(c) for c in content]
            out.append({**step, "content": content})
        return out[0] if isinstance(raw, dict) else out
    return [turn(c) for c in raw]


def _without_inline_data(value):
    """Earlier turns of a transcript, echoed without the base64 of their media."""
    if isinstance(value, list):
        return [_without_inline_data(v) for v in value]
    if isinstance(value, dict):
        drop = value.get("type") in MEDIA_BLOCKS
        return {k: _without_inline_data(v) for k, v in value.items() if not (drop and k == "data")}
    return value


def _labels(raw) -> dict:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise InvalidArgument("Field 'labels' must be an object of string keys and values.", field="labels")
    if len(raw) > 64:
        raise InvalidArgument("Field 'labels' has more than 64 entries.", field="labels")
    for key, value in raw.items():
        if not isinstance(key, str) or not _LABEL_KEY.fullmatch(key):
            raise InvalidArgument(
                f"Invalid label key {clip(repr(key))}: 1-63 lowercase letters, digits, '_' or '-', starting with a "
                "letter.",
                field="labels",
            )
        if not isinstance(value, str) or not _LABEL_VALUE.fullmatch(value):
            raise InvalidArgument(
                f"Invalid value for label {clip(repr(key))}: up to 63 lowercase letters, digits, '_' or '-'.",
                field="labels"
            )
    return dict(raw)


MAX_WEBHOOK_URIS = 5
MAX_WEBHOOK_METADATA_BYTES = 16 * 1024


def _webhook_config(raw) -> None:
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise InvalidArgument("webhook_config must be an object with 'uris'.", field="webhook_config")
    uris = raw.get("uris")
    if not isinstance(uris, list) or not 1 <= len(uris) <= MAX_WEBHOOK_URIS:
        raise InvalidArgument(f"webhook_config.uris must list 1 to {MAX_WEBHOOK_URIS} URLs.",
                              field="webhook_config.uris")
    for uri in uris:
        parts = urlsplit(uri) if isinstance(uri, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or len(uri) > 2048:
            raise InvalidArgument(f"webhook_config.uris: {clip(repr(uri))} is not an http(s) URL.",
                                  field="webhook_config.uris")
    metadata = raw.get("user_metadata")
    if metadata is not None:
        if not isinstance(metadata, dict):
            raise InvalidArgument("webhook_config.user_metadata must be an object.",
                                  field="webhook_config.user_metadata")
        if len(json.dumps(metadata)) > MAX_WEBHOOK_METADATA_BYTES:
            raise InvalidArgument("webhook_config.user_metadata is larger than 16 KB.",
                                  field="webhook_config.user_metadata")


def parse_safety_settings(raw) -> list[dict]:
    """Validated `safety_settings`: a list of {type, threshold, method?} with known values and each type at most
    once. Anything else is a 400 naming the field: a setting we misread could only loosen the filter the user
    asked for, so nothing malformed is ignored."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidArgument("safety_settings must be a list of {type, threshold} objects.", field="safety_settings")
    seen: set[str] = set()
    out = []
    for i, item in enumerate(raw):
        field = f"safety_settings[{i}]"
        if not isinstance(item, dict):
            raise InvalidArgument(f"{field} must be an object with 'type' and 'threshold'.", field=field)
        for key in item:
            if key not in ("type", "threshold", "method"):
                log.info("ignoring unknown field %s.%s", field, clip(key))
        for name, allowed in (("type", CATEGORIES), ("threshold", tuple(THRESHOLDS))):
            if name not in item:
                raise InvalidArgument(f"{field}.{name} is required; supported values are {', '.join(allowed)}.",
                                      field=f"{field}.{name}")
            _setting_value(item, name, allowed, field)
        if "method" in item:
            _setting_value(item, "method", METHODS, field)
        if item["type"] in seen:
            raise InvalidArgument(f"{field}.type {item['type']} is listed more than once; give each category once.",
                                  field=f"{field}.type")
        seen.add(item["type"])
        out.append({k: item[k] for k in ("type", "threshold", "method") if k in item})
    return out


def _setting_value(item: dict, name: str, allowed: tuple[str, ...], field: str) -> None:
    value = item[name]
    if not isinstance(value, str) or value not in allowed:
        raise InvalidArgument(f"Invalid {field}.{name} {clip(repr(value))}: supported values are {', '.join(allowed)}.",
                              field=f"{field}.{name}")


def _generation_config(raw) -> tuple[str | None, int]:
    if raw is None:
        return None, 0
    if not isinstance(raw, dict):
        raise InvalidArgument("Field 'generation_config' must be an object.", field="generation_config")
    task = None
    video_config = raw.get("video_config")
    if video_config is not None:
        if not isinstance(video_config, dict):
            raise InvalidArgument("generation_config.video_config must be an object.")
        task = video_config.get("task")
        if task is not None and task not in TASKS:
            raise InvalidArgument(
                f"Invalid generation_config.video_config.task {clip(repr(task))}: supported tasks are "
                f"{', '.join(TASKS)}.",
                field="generation_config.video_config.task",
            )
    seed = raw.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**63:
        raise InvalidArgument("generation_config.seed must be a non-negative integer.", field="generation_config.seed")
    if raw.get("image_config"):
        raise InvalidArgument("generation_config.image_config does not apply: this server produces video.")
    return task, seed


def parse_create(body) -> CreateSpec:
    if not isinstance(body, dict):
        raise InvalidArgument("The request body must be a JSON object.")
    for key in body:
        if key not in KNOWN_FIELDS:
            log.info("ignoring unknown request field %s", clip(repr(key)))
    if body.get("agent") or body.get("agent_config"):
        raise InvalidArgument("Agent interactions are not supported; pass 'model'.", field="agent")
    if body.get("continuation_token"):
        raise InvalidArgument("continuation_token is not supported: this server never issues one.",
                              field="continuation_token")
    if body.get("tools"):
        raise InvalidArgument("Field 'tools' is not supported for video generation.", field="tools")
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise InvalidArgument("Field 'model' is required.", field="model")
    if len(model) > MAX_MODEL_CHARS:
        raise InvalidArgument(f"Field 'model' is longer than {MAX_MODEL_CHARS} characters; GET /v1/models lists the "
                              "model ids.", field="model")
    blocks = parse_input(body.get("input"))
    previous = body.get("previous_interaction_id")
    if previous is not None and (not isinstance(previous, str) or not previous):
        raise InvalidArgument("Field 'previous_interaction_id' must be an interaction id string.",
                              field="previous_interaction_id")
    task, seed = _generation_config(body.get("generation_config"))
    modalities = body.get("response_modalities")
    if modalities is not None:
        if not isinstance(modalities, list) or not all(isinstance(m, str) for m in modalities):
            raise InvalidArgument("response_modalities must be a list of strings.", field="response_modalities")
        lowered = {m.lower() for m in modalities}
        if "video" not in lowered:
            raise InvalidArgument("response_modalities must include 'video': this server produces video.",
                                  field="response_modalities")
        if lowered - {"video", "text", "audio"}:
            raise InvalidArgument(
                f"Unsupported response_modalities {clip(sorted(lowered - {'video', 'text', 'audio'}))}: video outputs "
                "carry audio and a text description.", field="response_modalities")
    tier = body.get("service_tier")
    if tier is not None and tier not in SERVICE_TIERS:
        raise InvalidArgument(f"Invalid service_tier {clip(repr(tier))}: use one of {', '.join(SERVICE_TIERS)}.",
                              field="service_tier")
    system_instruction = body.get("system_instruction")
    if system_instruction is not None and not isinstance(system_instruction, str):
        raise InvalidArgument("system_instruction must be a string.", field="system_instruction")
    safety_settings = parse_safety_settings(body.get("safety_settings"))
    _webhook_config(body.get("webhook_config"))
    background = _bool(body, "background", False)
    store = _bool(body, "store", True)
    stream = _bool(body, "stream", False)
    if background and not store:
        raise InvalidArgument("background=true needs store=true: a background result must be stored to be fetched.",
                              field="store")
    echo = {k: body[k] for k in ("response_format", "generation_config", "labels", "system_instruction",
                                  "safety_settings", "service_tier", "response_modalities", "webhook_config")
            if body.get(k) is not None}
    return CreateSpec(
        model=model, blocks=blocks, previous_interaction_id=previous, background=background, store=store,
        stream=stream, task=task, seed=seed, video=parse_response_format(body.get("response_format")),
        system_instruction=system_instruction, labels=_labels(body.get("labels")), echo=echo,
        raw_input=body.get("input"), safety_settings=safety_settings,
    )
