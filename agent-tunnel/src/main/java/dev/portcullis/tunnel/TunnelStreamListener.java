package dev.portcullis.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;

/**
 * Receives one {@link TunnelStream}'s inbound events. Every method runs on the tunnel's event loop, must not block,
 * and is called only after {@link TunnelStream#request()} asked for it (except {@link #onWritabilityChanged} and
 * {@link #onReset}, which arrive whenever they happen).
 */
public interface TunnelStreamListener {

    /**
     * The agent's response head (see {@link TunnelHeaders} for {@code portcullis-*} headers the agent adds).
     *
     * @param endOfStream no body follows
     */
    void onHeaders(Http2Headers headers, boolean endOfStream);

    /**
     * Body bytes from the agent (for an upgraded stream: raw bytes from the app). The listener owns {@code data} and
     * must release it. {@code endOfStream} with an empty buffer is a clean half-close from the agent.
     */
    void onData(ByteBuf data, boolean endOfStream);

    /** The stream's writability changed; resume writing when {@code writable}. */
    void onWritabilityChanged(boolean writable);

    /**
     * The stream ended abnormally: the agent reset it, or the tunnel was lost. Whatever was in flight is incomplete
     * and the user's connection must see an error, never a complete-looking response. Called at most once; not called
     * after a local {@link TunnelStream#reset}.
     */
    void onReset(TunnelErrorCode code);
}
