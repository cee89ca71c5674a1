package dev.portcullis.loadtests.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The shared state of one echo run: the payload every socket sends, the phase (warm-up, measuring, stopping), and
 * what was measured. Thread-safe: sockets on every event loop record into it.
 */
final class EchoRun {
    enum Phase { WARMUP, MEASURE, STOP }

    private static final long MAX_LATENCY_NANOS = 60_000_000_000L;

    private final ByteBuf payload;
    private final Recorder latencies = new Recorder(MAX_LATENCY_NANOS, 3);
    private final LongAdder messages = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile Phase phase = Phase.WARMUP;

    EchoRun(int payloadBytes) {
        byte[] text = new byte[payloadBytes];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('a' + i % 26);
        }
        // Unreleasable and shared read-only: every frame sends a duplicate of it.
        this.payload = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(text).asReadOnly());
    }

    ByteBuf payload() {
        return payload.duplicate();
    }

    int payloadBytes() {
        return payload.readableBytes();
    }

    Phase phase() {
        return phase;
    }

    void phase(Phase next) {
        if (next == Phase.MEASURE) {
            latencies.reset();
            messages.reset();
        }
        phase = next;
    }

    /** One echo came back after {@code nanos}; counted only while measuring. */
    void echoed(long nanos) {
        if (phase == Phase.MEASURE) {
            latencies.recordValue(Math.min(nanos, MAX_LATENCY_NANOS));
            messages.increment();
        }
    }

    void error() {
        errors.increment();
    }

    long messages() {
        return messages.sum();
    }

    long errors() {
        return errors.sum();
    }

    /** The latencies recorded since the measuring phase began (call once, at the end). */
    Histogram latencies() {
        return latencies.getIntervalHistogram();
    }
}
