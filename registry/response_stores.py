"""Where cached answers are kept: in the process (bounded, per application) or in Redis.

The process keeps each answer as the object it served, so a hit parses nothing; Redis keeps it
as bytes: a JSON line of its metadata (status, headers, ETag, instants) and the body. Both
stores expire an entry at its own instant; neither is ever the only copy of anything.
"""

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class CachedAnswer:
    """A 200 answer as it was rendered, and until when (epoch seconds) it may be served."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes
    etag: str
    last_modified: float
    expires_at: float

    def to_bytes(self) -> bytes:
        meta = {
            "status": self.status,
            "headers": self.headers,
            "etag": self.etag,
            "last_modified": self.last_modified,
            "expires_at": self.expires_at,
        }
        return json.dumps(meta).encode("utf-8") + b"\n" + self.body

    @classmethod
    def from_bytes(cls, data: bytes) -> "CachedAnswer":
        line, _newline, body = data.partition(b"\n")
        meta = json.loads(line)
        headers = [(name, value) for name, value in meta["headers"]]
        return cls(
            meta["status"], headers, body, meta["etag"], meta["last_modified"], meta["expires_at"]
        )


class AnswerStore(Protocol):
    # Whether an answer put is kept at all (a store of 0 entries keeps none).
    keeps_answers: bool

    def get(self, key: str) -> CachedAnswer | None: ...

    def put(self, key: str, answer: CachedAnswer, seconds: int) -> None: ...


class MemoryStore:
    """The last `entries` answers of this process, least recently used dropped first."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.keeps_answers = entries > 0
        self._answers: OrderedDict[str, CachedAnswer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedAnswer | None:
        with self._lock:
            value = self._answers.get(key)
            if value is not None:
                self._answers.move_to_end(key)
            return value

    def put(self, key: str, answer: CachedAnswer, seconds: int) -> None:
        # Expiry is the entry's own `expires_at`; an old version's key is never asked again
        # and leaves by age.
        with self._lock:
            self._answers[key] = answer
            self._answers.move_to_end(key)
            while len(self._answers) > self.entries:
                self._answers.popitem(last=False)


class RedisStore:
    """Answers shared by every process that names the same Redis, each key under `prefix`."""

    def __init__(self, url: str, prefix: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = prefix
        self.keeps_answers = True
        self.failures = (OSError, redis.RedisError)

    def get(self, key: str) -> CachedAnswer | None:
        try:
            data = self.client.get(self.prefix + key)
        except self.failures:
            # Redis away: the page is rendered, as without a cache.
            return None
        return None if data is None else CachedAnswer.from_bytes(data)

    def put(self, key: str, answer: CachedAnswer, seconds: int) -> None:
        try:
            self.client.set(self.prefix + key, answer.to_bytes(), ex=max(1, seconds))
        except self.failures:
            return
