package dev.portcullis.tunnel.internal;

import dev.portcullis.tunnel.TunnelSettings;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/** Builds the HTTP/2 frame codec of either role from {@link TunnelSettings}, with every limit set explicitly. */
public final class Http2Codecs {
    private Http2Codecs() {}

    /** The proxy's codec: the proxy is the HTTP/2 client of the tunnel. */
    public static Http2FrameCodec proxySide(TunnelSettings s) {
        return configure(Http2FrameCodecBuilder.forClient(), s)
                // The proxy never accepts pushes: the agent has no business opening streams toward it.
                .build();
    }

    /** The agent's codec: the agent is the HTTP/2 server of the tunnel. */
    public static Http2FrameCodec agentSide(TunnelSettings s) {
        return configure(Http2FrameCodecBuilder.forServer(), s).build();
    }

    /**
     * Goes between TLS and the HTTP/2 codec: every flush issued during one turn of the event loop (frames of many
     * streams, WINDOW_UPDATEs) becomes one, so TLS wraps fuller records and the socket sees one write per turn
     * ({@link BatchingFlushHandler}).
     */
    public static BatchingFlushHandler flushConsolidation() {
        return new BatchingFlushHandler();
    }

    /** The SETTINGS each side sends. */
    public static Http2Settings initialSettings(TunnelSettings s, boolean server) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(s.maxConcurrentStreams())
                .initialWindowSize(s.initialStreamWindow())
                .maxFrameSize(s.maxFrameSize())
                .maxHeaderListSize(s.maxHeaderListSize());
        if (!server) {
            // SPEC: RFC 9113 §8.4: a client disables server push; the agent must never open streams.
            settings.pushEnabled(false);
        }
        return settings;
    }

    private static Http2FrameCodecBuilder configure(Http2FrameCodecBuilder b, TunnelSettings s) {
        return b.initialSettings(initialSettings(s, b.isServer()))
                .validateHeaders(true)
                .gracefulShutdownTimeoutMillis(s.shutdownGrace().toMillis())
                .decoderEnforceMaxRstFramesPerWindow(s.maxRstFramesPerWindow(), s.rstWindowSeconds())
                .encoderEnforceMaxRstFramesPerWindow(s.maxRstFramesPerWindow(), s.rstWindowSeconds())
                .decoderEnforceMaxSmallContinuationFrames(s.maxSmallContinuationFrames())
                .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
                .encoderEnforceMaxQueuedControlFrames(10_000)
                .autoAckPingFrame(true)
                .autoAckSettingsFrame(true)
                // SECURITY row 31: a flood of frames HTTP/2 lets a receiver drop silently ends in GOAWAY.
                .frameLogger(new UnknownFrameGuard(s.maxUnknownFramesPerWindow(),
                        java.time.Duration.ofSeconds(s.unknownFrameWindowSeconds())));
    }
}
