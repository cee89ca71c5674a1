package dev.portcullis.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One HTTP/2 stream of a {@link Tunnel}: the proxy's side of one user connection. All methods are thread-safe and
 * return at once; work hops to the tunnel's event loop.
 *
 * <h2>Back-pressure</h2>
 * Outbound: write only while {@link #isWritable()}; when it turns false, stop and wait for
 * {@link TunnelStreamListener#onWritabilityChanged(boolean) onWritabilityChanged(true)}. Writes made while unwritable
 * are queued, not dropped, but nothing bounds that queue except the caller's discipline.
 * Inbound: events are delivered only after {@link #request()}; each call delivers at most one read batch (bounded by
 * the stream's flow-control window). Flow-control credit goes back to the agent only as frames are delivered, so a
 * caller that stops calling {@code request()} stops the agent from sending on this stream, and on no other.
 */
public interface TunnelStream {

    /** The HTTP/2 stream id, for log lines. */
    int id();

    /** The tunnel this stream belongs to. */
    Tunnel tunnel();

    /**
     * Sends {@code data} as DATA toward the agent; {@code endOfStream} half-closes the proxy-to-agent direction.
     * Takes ownership of {@code data}: it is released whether or not the write succeeds.
     */
    void write(ByteBuf data, boolean endOfStream);

    /** Whether a write now goes out without queueing beyond the stream's high-water mark. */
    boolean isWritable();

    /** Asks for the next batch of inbound events (headers, data, end of stream, reset). */
    void request();

    /** Aborts the stream with RST_STREAM; idempotent. No listener event follows for a local reset. */
    void reset(TunnelErrorCode code);

    /** The allocator to use for buffers passed to {@link #write}. */
    ByteBufAllocator alloc();
}
