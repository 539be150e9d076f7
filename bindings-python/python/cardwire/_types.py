"""Python-side helpers: the webhook event's Mapping registration and the
thread helper the ``*_async`` methods use."""

from __future__ import annotations

from collections.abc import Mapping

from ._native import Event

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

# Event is built in the native module (one allocation per webhook); it has
# the whole read-only mapping interface, so it is registered as a Mapping.
Mapping.register(Event)


async def _in_thread(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    # asyncio is imported on the first async call, not with the package:
    # it is most of what `import cardwire` would otherwise cost.
    import asyncio
    import functools

    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))
