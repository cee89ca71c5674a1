package dev.portcullis.tunnel;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * HTTP/2 and timing limits of a tunnel, used by both roles (proxy and agent). Immutable; build with
 * {@link #builder()}. Every limit is set explicitly on the HTTP/2 codec in both roles, so neither side relies on
 * Netty's defaults (which are sized for browsers, not for a multiplexing tunnel).
 *
 * @param maxConcurrentStreams streams each side lets the other open at once (SETTINGS_MAX_CONCURRENT_STREAMS)
 * @param initialStreamWindow per-stream receive window in bytes (SETTINGS_INITIAL_WINDOW_SIZE)
 * @param connectionWindow connection receive window in bytes, raised from 64 KiB by a connection WINDOW_UPDATE
 * @param maxFrameSize largest DATA frame payload accepted (SETTINGS_MAX_FRAME_SIZE)
 * @param maxHeaderListSize largest decoded header list accepted (SETTINGS_MAX_HEADER_LIST_SIZE)
 * @param maxRstFramesPerWindow RST_STREAM frames tolerated per {@code rstWindowSeconds} (rapid-reset defence)
 * @param rstWindowSeconds the window of {@code maxRstFramesPerWindow}
 * @param maxSmallContinuationFrames CONTINUATION flood defence (CVE-2026-33871)
 * @param maxUnknownFramesPerWindow ignorable frames (unknown types, PRIORITY for unknown streams) tolerated per
 *     {@code unknownFrameWindowSeconds}; one more answers GOAWAY(ENHANCE_YOUR_CALM)
 * @param unknownFrameWindowSeconds the window of {@code maxUnknownFramesPerWindow}
 * @param pingInterval how often each side PINGs the other
 * @param pingTimeout no PING ACK within this closes the connection
 * @param handshakeTimeout TLS + agent handshake must finish within this
 * @param streamWriteHighWaterMark stream becomes unwritable above this many queued bytes
 * @param streamWriteLowWaterMark stream becomes writable again below this
 * @param connectTimeout agent: connect to an app port within this
 * @param responseHeadTimeout agent: the app must send a response head within this
 * @param shutdownGrace how long a graceful close waits for in-flight streams before closing
 */
public record TunnelSettings(
        int maxConcurrentStreams,
        int initialStreamWindow,
        int connectionWindow,
        int maxFrameSize,
        long maxHeaderListSize,
        int maxRstFramesPerWindow,
        int rstWindowSeconds,
        int maxSmallContinuationFrames,
        int maxUnknownFramesPerWindow,
        int unknownFrameWindowSeconds,
        Duration pingInterval,
        Duration pingTimeout,
        Duration handshakeTimeout,
        int streamWriteHighWaterMark,
        int streamWriteLowWaterMark,
        Duration connectTimeout,
        Duration responseHeadTimeout,
        Duration shutdownGrace) {

    /** The HTTP/2 default and minimum window / frame size (RFC 9113 §6.5.2). */
    private static final int H2_MIN_FRAME = 16_384;
    private static final int H2_MAX_FRAME = 16_777_215;

    public TunnelSettings {
        requirePositive("maxConcurrentStreams", maxConcurrentStreams);
        if (initialStreamWindow < 65_535) {
            throw new IllegalArgumentException("initialStreamWindow: " + initialStreamWindow + " (expected: >= 65535)");
        }
        if (connectionWindow < initialStreamWindow) {
            throw new IllegalArgumentException(
                    "connectionWindow: " + connectionWindow + " (expected: >= initialStreamWindow " + initialStreamWindow + ")");
        }
        if (maxFrameSize < H2_MIN_FRAME || maxFrameSize > H2_MAX_FRAME) {
            throw new IllegalArgumentException("maxFrameSize: " + maxFrameSize + " (expected: 16384..16777215)");
        }
        if (maxHeaderListSize < 1024) {
            throw new IllegalArgumentException("maxHeaderListSize: " + maxHeaderListSize + " (expected: >= 1024)");
        }
        requirePositive("maxRstFramesPerWindow", maxRstFramesPerWindow);
        requirePositive("rstWindowSeconds", rstWindowSeconds);
        requirePositive("maxSmallContinuationFrames", maxSmallContinuationFrames);
        requirePositive("maxUnknownFramesPerWindow", maxUnknownFramesPerWindow);
        requirePositive("unknownFrameWindowSeconds", unknownFrameWindowSeconds);
        requirePositive("pingInterval", pingInterval);
        requirePositive("pingTimeout", pingTimeout);
        requirePositive("handshakeTimeout", handshakeTimeout);
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("responseHeadTimeout", responseHeadTimeout);
        requireNonNull(shutdownGrace, "shutdownGrace");
        if (shutdownGrace.isNegative()) {
            throw new IllegalArgumentException("shutdownGrace: " + shutdownGrace + " (expected: >= 0)");
        }
        requirePositive("streamWriteLowWaterMark", streamWriteLowWaterMark);
        if (streamWriteHighWaterMark < streamWriteLowWaterMark) {
            throw new IllegalArgumentException("streamWriteHighWaterMark: " + streamWriteHighWaterMark
                    + " (expected: >= streamWriteLowWaterMark " + streamWriteLowWaterMark + ")");
        }
    }

    /**
     * The defaults: 8192 streams per connection (a WebSocket holds its stream for its whole life, and the agent's
     * default two connections then carry 16,384 at once; received bytes stay bounded by the 16 MiB connection window,
     * bytes queued to send by the 256 KiB high-water mark per stream), 1 MiB stream / 16 MiB connection windows, 10 s
     * pings, 20 s ping timeout.
     */
    public static TunnelSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxConcurrentStreams = maxConcurrentStreams;
        b.initialStreamWindow = initialStreamWindow;
        b.connectionWindow = connectionWindow;
        b.maxFrameSize = maxFrameSize;
        b.maxHeaderListSize = maxHeaderListSize;
        b.maxRstFramesPerWindow = maxRstFramesPerWindow;
        b.rstWindowSeconds = rstWindowSeconds;
        b.maxSmallContinuationFrames = maxSmallContinuationFrames;
        b.maxUnknownFramesPerWindow = maxUnknownFramesPerWindow;
        b.unknownFrameWindowSeconds = unknownFrameWindowSeconds;
        b.pingInterval = pingInterval;
        b.pingTimeout = pingTimeout;
        b.handshakeTimeout = handshakeTimeout;
        b.streamWriteHighWaterMark = streamWriteHighWaterMark;
        b.streamWriteLowWaterMark = streamWriteLowWaterMark;
        b.connectTimeout = connectTimeout;
        b.responseHeadTimeout = responseHeadTimeout;
        b.shutdownGrace = shutdownGrace;
        return b;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void requirePositive(String name, Duration value) {
        requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    /** Builder of {@link TunnelSettings}; values are validated by {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private int maxConcurrentStreams = 8192;
        private int initialStreamWindow = 1 << 20;
        private int connectionWindow = 16 << 20;
        private int maxFrameSize = 64 << 10;
        private long maxHeaderListSize = 32 << 10;
        private int maxRstFramesPerWindow = 200;
        private int rstWindowSeconds = 30;
        private int maxSmallContinuationFrames = 16;
        private int maxUnknownFramesPerWindow = 100;
        private int unknownFrameWindowSeconds = 10;
        private Duration pingInterval = Duration.ofSeconds(10);
        private Duration pingTimeout = Duration.ofSeconds(20);
        private Duration handshakeTimeout = Duration.ofSeconds(10);
        private int streamWriteHighWaterMark = 256 << 10;
        private int streamWriteLowWaterMark = 64 << 10;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration responseHeadTimeout = Duration.ofSeconds(60);
        private Duration shutdownGrace = Duration.ofSeconds(10);

        private Builder() {}

        public Builder maxConcurrentStreams(int v) { maxConcurrentStreams = v; return this; }
        public Builder initialStreamWindow(int v) { initialStreamWindow = v; return this; }
        public Builder connectionWindow(int v) { connectionWindow = v; return this; }
        public Builder maxFrameSize(int v) { maxFrameSize = v; return this; }
        public Builder maxHeaderListSize(long v) { maxHeaderListSize = v; return this; }
        public Builder maxRstFramesPerWindow(int frames, int windowSeconds) {
            maxRstFramesPerWindow = frames;
            rstWindowSeconds = windowSeconds;
            return this;
        }
        public Builder maxSmallContinuationFrames(int v) { maxSmallContinuationFrames = v; return this; }
        public Builder maxUnknownFramesPerWindow(int frames, int windowSeconds) {
            maxUnknownFramesPerWindow = frames;
            unknownFrameWindowSeconds = windowSeconds;
            return this;
        }
        public Builder pingInterval(Duration v) { pingInterval = v; return this; }
        public Builder pingTimeout(Duration v) { pingTimeout = v; return this; }
        public Builder handshakeTimeout(Duration v) { handshakeTimeout = v; return this; }
        public Builder streamWriteWaterMarks(int low, int high) {
            streamWriteLowWaterMark = low;
            streamWriteHighWaterMark = high;
            return this;
        }
        public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
        public Builder responseHeadTimeout(Duration v) { responseHeadTimeout = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }

        public TunnelSettings build() {
            return new TunnelSettings(maxConcurrentStreams, initialStreamWindow, connectionWindow, maxFrameSize,
                    maxHeaderListSize, maxRstFramesPerWindow, rstWindowSeconds, maxSmallContinuationFrames,
                    maxUnknownFramesPerWindow, unknownFrameWindowSeconds, pingInterval, pingTimeout, handshakeTimeout, streamWriteHighWaterMark, streamWriteLowWaterMark,
                    connectTimeout, responseHeadTimeout, shutdownGrace);
        }
    }
}
