"""The JSON response of every route: Starlette's, except that text UTF-8 cannot encode never turns into a 500.

Requests with such text (a lone UTF-16 surrogate from a "\ud800" escape) are refused before anything is stored;
this is the second line: if one ever reaches a stored resource, it is answered with ASCII escapes instead of failing
after the work was committed.
"""

from __future__ import annotations

import json
import typing

from fastapi.responses import JSONResponse


class SafeJSONResponse(JSONResponse):
    def render(self, content: typing.Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, indent=None,
                              separators=(",", ":")).encode("ascii")
