"""cardwire: the envelopes of card-issuing APIs (WorldCard, WorldCard legacy,
Wasabi Card, PinToPay, PayCA), both sides, for Python back ends.

You bring HTTP; cardwire builds the exact bytes and headers to send, and tells
you whether what arrived is authentic and what it says. Keys are parsed once
per object; the GIL is released around the crypto. See ``docs/vocabulary.md``
for every class, method and result key (the same in Rust and JavaScript)."""

from ._classes import *  # noqa: F401,F403
from ._classes import __all__ as _classes_all
from ._errors import *  # noqa: F401,F403
from ._errors import __all__ as _errors_all
from ._native import backend
from ._native import Event
from . import _types  # noqa: F401  (registers Event as a Mapping)

# The type aliases and TypedDicts of `cardwire._aliases` load on first use
# (and with `__all__`, so `from cardwire import *` still has them): they need
# `typing`, which is most of what importing them eagerly would cost.
def __getattr__(name: str) -> object:
    if name.startswith("_") and name != "__all__":
        raise AttributeError(f"module 'cardwire' has no attribute {name!r}")
    import importlib

    _aliases = importlib.import_module("cardwire._aliases")
    if name == "__all__":
        return [*_classes_all, *_errors_all, "Event", "backend", *_aliases.__all__]
    if name in _aliases.__all__:
        return getattr(_aliases, name)
    raise AttributeError(f"module 'cardwire' has no attribute {name!r}")
