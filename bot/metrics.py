"""Prometheus metrics for /metrics (prometheus_client, one registry per app so tests stay apart)."""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("linli_requests", "Webhook requests by message kind and outcome",
                                ["kind", "outcome"], registry=self.registry)
        self.latency = Histogram("linli_reply_seconds", "Time to answer a webhook POST",
                                 buckets=(.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 4.5, 10),
                                 registry=self.registry)
        self.retries = Counter("linli_retries_deduplicated", "WeChat retries answered from the first result",
                               registry=self.registry)
        self.fallbacks = Counter("linli_deadline_fallbacks", "Answers sent later via the customer-service API",
                                 ["result"], registry=self.registry)

        self._counted: dict[tuple[str, str], object] = {}

    def count(self, kind: str, outcome: str) -> None:
        """One webhook request (the labelled child is looked up once per pair, not per request)."""
        child = self._counted.get((kind, outcome))
        if child is None:
            child = self._counted[(kind, outcome)] = self.requests.labels(kind, outcome)
        child.inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
