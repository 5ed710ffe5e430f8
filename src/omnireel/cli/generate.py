"""`omnireel generate`: create a video through the HTTP API, with a progress bar fed by the event stream."""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from omnireel.cli.client import ApiError, OmnireelClient

console = Console(stderr=True)

MAX_RESUMES = 5


def generate(
    prompt: str = typer.Argument(..., help="What to make; quote exact on-screen text in double quotes."),
    aspect: Optional[str] = typer.Option(None, "--aspect", help="16:9 (default), 9:16 or 1:1; an edit keeps its source's unless set."),
    resolution: Optional[str] = typer.Option(None, "--resolution", help="360p, 720p (default), 1080p or 4k; an edit keeps its source's unless set."),
    duration: Optional[str] = typer.Option(None, "--duration", help="Seconds, 3 to 15 (default 8s); an edit keeps its source's unless set."),
    image: Optional[List[Path]] = typer.Option(None, "--image", help="Image input (repeat for first/last frame or references)."),
    video: Optional[Path] = typer.Option(None, "--video", help="A video to edit, extend or upscale (uploaded first)."),
    previous: Optional[str] = typer.Option(None, "--previous", help="Continue from this interaction's video (an edit, or --task extend/upscale)."),
    output: Path = typer.Option(Path("output.mp4"), "-o", "--output", help="Where to write the MP4."),
    model: str = typer.Option("gemini-omni-flash-preview", "--model"),
    seed: Optional[int] = typer.Option(None, "--seed"),
    task: Optional[str] = typer.Option(None, "--task", help="Force a task (default: inferred from the inputs); upscale needs --model gemini-omni-1.2-flash."),
    server: str = typer.Option("http://127.0.0.1:8080", "--server", envvar="OMNIREEL_SERVER", help="Server URL."),
    api_key: Optional[str] = typer.Option(None, "--api-key", help="API key (env OMNIREEL_API_KEY or GEMINI_API_KEY)."),
):
    """Generate a video and save it, showing progress from the server's event stream."""
    key = api_key or os.environ.get("OMNIREEL_API_KEY") or os.environ.get("GEMINI_API_KEY")
    client = OmnireelClient(server, key)
    try:
        content: list[dict] = []
        for kind, path in [("image", p) for p in image or []] + ([("video", video)] if video else []):
            if not path.is_file():
                console.print(f"[red]error:[/] no such {kind}: {path}")
                raise typer.Exit(2)
            uploaded = client.upload(path)
            content.append({"type": kind, "uri": uploaded["uri"], "mime_type": uploaded["mimeType"]})
        content.append({"type": "text", "text": prompt})
        # Only what the user set is sent: the server's defaults apply otherwise, and an edit keeps its source's
        # size and duration.
        video_format = {"type": "video", "delivery": "uri", **{k: v for k, v in (
            ("aspect_ratio", aspect), ("resolution", resolution), ("duration", duration)) if v is not None}}
        body: dict = {"model": model, "input": content if len(content) > 1 else prompt, "response_format": video_format}
        if previous:
            body["previous_interaction_id"] = previous
        config: dict = {}
        if seed is not None:
            config["seed"] = seed
        if task:
            config["video_config"] = {"task": task}
        if config:
            body["generation_config"] = config
        result = _follow(client, body)
    except ApiError as exc:
        console.print(f"[red]error:[/] {exc.message}")
        raise typer.Exit(1)
    except httpx.HTTPError:
        console.print(f"[red]error:[/] cannot reach the server at {server}")
        raise typer.Exit(1)
    finally:
        client.close()
    interaction_id, status, video_uri, text, error = result
    if text:
        console.print(text)
    if interaction_id:
        console.print(f"interaction: {interaction_id} (continue from it with --previous {interaction_id})",
                      soft_wrap=True)
    if status != "completed" or not video_uri:
        console.print(f"[red]{status}:[/] {error or 'no video was produced'}")
        raise typer.Exit(1)
    client = OmnireelClient(server, key)
    try:
        size = client.download(video_uri, output)
    finally:
        client.close()
    console.print(f"saved {output} ({size / 1e6:.1f} MB)")
    typer.echo(str(output))


def _follow(client: OmnireelClient, body: dict):
    """Stream the interaction to its end, resuming with last_event_id if the connection drops."""
    interaction_id = last_event = None
    status, video_uri, texts, error = "in_progress", None, [], None
    resumes = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
                  TimeRemainingColumn(), console=console, transient=True) as bar:
        task_id = bar.add_task("queued", total=100)
        while True:
            try:
                stream = client.events(body=body) if interaction_id is None else client.events(
                    interaction_id=interaction_id, last_event_id=last_event)
                for event in stream:
                    last_event = event.get("event_id", last_event)
                    kind = event.get("event_type")
                    if kind == "interaction.created":
                        interaction_id = event["interaction"]["id"]
                    elif kind == "interaction.status_update":
                        progress = event.get("progress") or {}
                        bar.update(task_id, description=progress.get("stage", event.get("status", "")),
                                   completed=progress.get("percent", 0))
                    elif kind == "step.delta":
                        delta = event.get("delta", {})
                        if delta.get("type") == "video":
                            video_uri = delta.get("uri")
                        elif delta.get("type") == "text":
                            texts.append(delta.get("text", ""))
                    elif kind == "error":
                        error = event.get("error", {}).get("message")
                    elif kind == "interaction.completed":
                        status = event["interaction"]["status"]
                        bar.update(task_id, completed=100)
                        return interaction_id, status, video_uri, "\n".join(texts), error
                if interaction_id is None:
                    raise ApiError(502, "the server closed the stream before creating the interaction")
            except httpx.TransportError:
                if interaction_id is None or resumes >= MAX_RESUMES:
                    raise
            resumes += 1
