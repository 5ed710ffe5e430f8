"""The upstream engine: forwards a job to a hosted Interactions API (Google's Omni Flash by default) with the
operator's key, and stores the video it returns, so our queue, persistence, policy and retries sit in front of it.

    mapping.py    EngineRequest -> create body; an upstream Interaction -> its video block, text or failure
    failures.py   the engine's failures (all EngineFailure) and the mapping of upstream HTTP errors onto them
    transport.py  httpx with bounded retries, the Files API resumable upload and the output download
    engine.py     UpstreamEngine.run: upload sources, create, poll with progress and cancel, fetch, probe
"""

from omnireel.engines.upstream.engine import UpstreamEngine

__all__ = ["UpstreamEngine"]
