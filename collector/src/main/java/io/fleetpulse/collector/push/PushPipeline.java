package io.fleetpulse.collector.push;

import io.fleetpulse.collector.dedup.SequenceMarkStore;
import io.fleetpulse.collector.dedup.SequenceMarks;
import io.fleetpulse.collector.journal.JournalEntryNormalizer;
import io.fleetpulse.collector.journal.JournalLimits;
import io.fleetpulse.collector.publish.JournalPublisher;
import io.fleetpulse.collector.ratelimit.DeviceRateLimiter;

/** Everything a push of one format passes through after decoding, shared by all its requests. */
record PushPipeline(
    String ingest,
    JournalLimits limits,
    JournalEntryNormalizer normalizer,
    SequenceMarks marks,
    SequenceMarkStore markStore,
    JournalPublisher publisher,
    DeviceRateLimiter rateLimiter,
    InFlightBudget memory,
    IngestMetrics metrics) {}
