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
    aspect: str = typer.Option("16:9", "--aspect", help="16:9, 9:16 or 1:1."),
    resolution: str = typer.Option("720p", "--resolution", help="360p, 720p, 1080p or 4k."),
    duration: str = typer.Option("8s", "--duration", help="Seconds, 3 to 15 (e.g. 8s)."),
    image: Optional[List[Path]] = typer.Option(None, "--image", help="Image input (repeat for first/last frame or references)."),
    output: Path = typer.Option(Path("output.mp4"), "-o", "--output", help="Where to write the MP4."),
    model: str = typer.Option("gemini-omni-flash-preview", "--model"),
    seed: Optional[int] = typer.Option(None, "--seed"),
    task: Optional[str] = typer.Option(None, "--task", help="Force a task (default: inferred from the inputs)."),
    server: str = typer.Option("http://127.0.0.1:8080", "--server", envvar="OMNIREEL_SERVER", help="Server URL."),
    api_key: Optional[str] = typer.Option(None, "--api-key", help="API key (env OMNIREEL_API_KEY or GEMINI_API_KEY)."),
):
    """Generate a video and save it, showing progress from the server's event stream."""
    key = api_key or os.environ.get("OMNIREEL_API_KEY") or os.environ.get("GEMINI_API_KEY")
    client = OmnireelClient(server, key)
    try:
        content: list[dict] = []
        for path in image or []:
            if not path.is_file():
                console.print(f"[red]error:[/] no such image: {path}")
                raise typer.Exit(2)
            uploaded = client.upload(path)
            content.append({"type": "image", "uri": uploaded["uri"], "mime_type": uploaded["mimeType"]})
        content.append({"type": "text", "text": prompt})
        body: dict = {
            "model": model,
            "input": content if image else prompt,
            "response_format": {"type": "video", "aspect_ratio": aspect, "resolution": resolution,
                                "duration": duration, "delivery": "uri"},
        }
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
    status, video_uri, text, error = result
    if text:
        console.print(text)
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
                        return status, video_uri, "\n".join(texts), error
                if interaction_id is None:
                    raise ApiError(502, "the server closed the stream before creating the interaction")
            except httpx.TransportError:
                if interaction_id is None or resumes >= MAX_RESUMES:
                    raise
            resumes += 1
