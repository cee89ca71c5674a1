package dev.portcullis.tunnel.agent;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Full-jitter exponential backoff for the agent's reconnects (AWS architecture blog, "Exponential Backoff And
 * Jitter"): the n-th consecutive failure waits a uniform random time in [0, min(cap, base * 2^n)], so a fleet of
 * agents reconnecting after a proxy restart spreads out instead of stampeding. A connection that stayed up for
 * {@link #resetAfter()} resets the count. A retry-after hint from the proxy is a floor.
 *
 * <p>Immutable and thread-safe.
 *
 * @param base the first backoff ceiling
 * @param cap the largest backoff ceiling
 * @param resetAfter a connection up at least this long resets the failure count
 */
public record ReconnectPolicy(Duration base, Duration cap, Duration resetAfter) {

    public ReconnectPolicy {
        requireNonNull(base, "base");
        requireNonNull(cap, "cap");
        requireNonNull(resetAfter, "resetAfter");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base: " + base + " (expected: > 0)");
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("cap: " + cap + " (expected: >= base " + base + ")");
        }
        if (resetAfter.isNegative()) {
            throw new IllegalArgumentException("resetAfter: " + resetAfter + " (expected: >= 0)");
        }
    }

    /** Base 200 ms, cap 30 s, reset after 10 s up. */
    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    /**
     * The delay before attempt number {@code failures} (0 = first retry after a loss).
     *
     * @param retryAfter the proxy's retry-after hint, or {@link Duration#ZERO}
     */
    public Duration delay(int failures, Duration retryAfter) {
        requireNonNull(retryAfter, "retryAfter");
        long baseMillis = base.toMillis();
        long capMillis = cap.toMillis();
        int shift = Math.min(Math.max(failures, 0), 30);
        long ceiling = baseMillis > (capMillis >> shift) ? capMillis : Math.min(capMillis, baseMillis << shift);
        long jittered = ThreadLocalRandom.current().nextLong(ceiling + 1);
        return Duration.ofMillis(Math.max(jittered, retryAfter.toMillis()));
    }
}
