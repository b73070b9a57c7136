"""Prometheus metrics for /metrics (prometheus_client, one registry per app so tests stay apart).

The two per-request metrics (requests by kind and outcome, reply latency) are plain numbers
updated by `request()` and handed to prometheus_client by a custom collector at scrape time:
its labelled counters and histogram take a lock and several calls per update, which cost a
tenth of answering a greeting. The rare events use prometheus_client's counters directly.
"""
from __future__ import annotations

from bisect import bisect_left

from prometheus_client import CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.utils import floatToGoString

LATENCY_BUCKETS = (.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 4.5, 10)


class _RequestCollector:
    """Exposes `Metrics`' plain per-request numbers in Prometheus' own types."""

    def __init__(self, metrics: "Metrics") -> None:
        self.metrics = metrics

    def collect(self):
        m = self.metrics
        requests = CounterMetricFamily("linli_requests", "Webhook requests by message kind and outcome",
                                       labels=["kind", "outcome"])
        for (kind, outcome), n in sorted(m.requests.items()):
            requests.add_metric([kind, outcome], n)
        yield requests
        cumulative, buckets = 0, []
        for bound, n in zip((*LATENCY_BUCKETS, float("inf")), m.latency_counts):
            cumulative += n
            buckets.append((floatToGoString(bound), cumulative))
        yield HistogramMetricFamily("linli_reply_seconds", "Time to answer a webhook POST",
                                    buckets=buckets, sum_value=m.latency_sum)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests: dict[tuple[str, str], int] = {}
        self.latency_counts = [0] * (len(LATENCY_BUCKETS) + 1)
        self.latency_sum = 0.0
        self.registry.register(_RequestCollector(self))
        self.retries = Counter("linli_retries_deduplicated", "WeChat retries answered from the first result",
                               registry=self.registry)
        self.fallbacks = Counter("linli_deadline_fallbacks", "Answers sent later via the customer-service API",
                                 ["result"], registry=self.registry)

    def request(self, kind: str, outcome: str, seconds: float | None = None) -> None:
        """One webhook request; `seconds` when it was answered (refusals have no latency)."""
        key = (kind, outcome)
        self.requests[key] = self.requests.get(key, 0) + 1
        if seconds is not None:
            self.latency_counts[bisect_left(LATENCY_BUCKETS, seconds)] += 1
            self.latency_sum += seconds

    def render(self) -> bytes:
        return generate_latest(self.registry)
