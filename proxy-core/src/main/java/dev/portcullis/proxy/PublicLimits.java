package dev.portcullis.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Limits on hostile traffic at the public listener (SECURITY rows 35-36), applied to Undertow in {@link ProxyServer}
 * and by the per-IP connection cap. Immutable; build with {@link #builder()}, validated on build.
 *
 * @param maxHeaderSize largest request head (request line and headers together) in bytes; more is refused
 * @param maxHeaders most header fields in one request; more is a 400
 * @param requestParseTimeout a request head must arrive completely within this once it has started (slowloris)
 * @param noRequestTimeout a connection with no request in progress is closed after this (idle keep-alive)
 * @param idleTimeout a connection with no bytes either way is closed after this (stalled uploads, silent long polls
 *     and WebSockets included)
 * @param maxConnectionsPerIp concurrent connections one client IP may hold open; the next gets a 503 and is closed
 */
public record PublicLimits(
        int maxHeaderSize,
        int maxHeaders,
        Duration requestParseTimeout,
        Duration noRequestTimeout,
        Duration idleTimeout,
        int maxConnectionsPerIp) {

    public PublicLimits {
        if (maxHeaderSize < 1024 || maxHeaderSize > 1024 * 1024) {
            throw new IllegalArgumentException("maxHeaderSize: " + maxHeaderSize + " (expected: 1024..1048576)");
        }
        if (maxHeaders < 8 || maxHeaders > 1000) {
            throw new IllegalArgumentException("maxHeaders: " + maxHeaders + " (expected: 8..1000)");
        }
        positive(requestParseTimeout, "requestParseTimeout");
        positive(noRequestTimeout, "noRequestTimeout");
        positive(idleTimeout, "idleTimeout");
        if (maxConnectionsPerIp < 1) {
            throw new IllegalArgumentException("maxConnectionsPerIp: " + maxConnectionsPerIp + " (expected: >= 1)");
        }
    }

    /** 32 KiB heads, 100 headers, 10 s parse, 60 s no-request, 5 min idle, 256 connections per IP. */
    public static PublicLimits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxHeaderSize = maxHeaderSize;
        b.maxHeaders = maxHeaders;
        b.requestParseTimeout = requestParseTimeout;
        b.noRequestTimeout = noRequestTimeout;
        b.idleTimeout = idleTimeout;
        b.maxConnectionsPerIp = maxConnectionsPerIp;
        return b;
    }

    private static void positive(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0 and < 24 days)");
        }
    }

    /** Builder of {@link PublicLimits}; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private int maxHeaderSize = 32 * 1024;
        private int maxHeaders = 100;
        private Duration requestParseTimeout = Duration.ofSeconds(10);
        private Duration noRequestTimeout = Duration.ofSeconds(60);
        private Duration idleTimeout = Duration.ofMinutes(5);
        private int maxConnectionsPerIp = 256;

        private Builder() {}

        public Builder maxHeaderSize(int bytes) { maxHeaderSize = bytes; return this; }
        public Builder maxHeaders(int n) { maxHeaders = n; return this; }
        public Builder requestParseTimeout(Duration d) { requestParseTimeout = d; return this; }
        public Builder noRequestTimeout(Duration d) { noRequestTimeout = d; return this; }
        public Builder idleTimeout(Duration d) { idleTimeout = d; return this; }
        public Builder maxConnectionsPerIp(int n) { maxConnectionsPerIp = n; return this; }

        public PublicLimits build() {
            return new PublicLimits(maxHeaderSize, maxHeaders, requestParseTimeout, noRequestTimeout, idleTimeout,
                    maxConnectionsPerIp);
        }
    }
}
