"""The hook between networked blocks and the I/O backend (the local search service of services/).

A block that talks to Elasticsearch (the note's I/O example calls ``Elasticsearch("127.0.0.1:9200")``)
runs only when ``ES_URL`` names a backend: it is then run with ``ES_URL`` in its environment and,
where the backend is not at the address the block names, with that address (host:port only, the
block's own spelling otherwise kept) replaced by the backend's.  Without ``ES_URL`` it is reported
as needing the backend, not as a failure of the note.

For the integrator: whatever starts the local service sets ``ES_URL`` (e.g. ``http://127.0.0.1:9200``)
before ``gilbench snippets`` runs, or passes it to ``backend_url(environ)``'s caller; nothing else
here needs to change.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

ES_URL_ENV = "ES_URL"
NEEDS_BACKEND = "needs the I/O backend (set %s)" % ES_URL_ENV

_TALKS_TO_ES = re.compile(r"\bElasticsearch\s*\(|\belasticsearch\b|\b(?:127\.0\.0\.1|localhost):9200\b")
_ADDRESS = re.compile(r"\b(?:127\.0\.0\.1|localhost):9200\b")


def needs_backend(source: str) -> bool:
    """Whether a block talks to Elasticsearch (imports its client, or names the default address)."""
    return bool(_TALKS_TO_ES.search(source))


def backend_url(environ) -> str | None:
    """The backend's URL from the environment, or None when none is set up."""
    return environ.get(ES_URL_ENV) or None


def point_at_backend(source: str, url: str) -> str:
    """``source`` with the note's Elasticsearch address replaced by the backend's host:port."""
    netloc = urlsplit(url if "//" in url else "//" + url).netloc
    return _ADDRESS.sub(netloc, source) if netloc else source
