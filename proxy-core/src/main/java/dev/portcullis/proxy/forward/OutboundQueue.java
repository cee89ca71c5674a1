package dev.portcullis.proxy.forward;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.xnio.channels.StreamSinkChannel;

/**
 * Bytes from the tunnel waiting for a client connection, in order: the drain loop of the response leg of
 * {@link HttpExchangeRelay}, and the bytes an app sent with its 101 until the {@link RawPipe} takes them over
 * ({@link #drainTo}). Several queued buffers go out in one gathering write (one syscall instead of one per DATA frame).
 *
 * <p>Confined to the client connection's XNIO I/O thread. Owns the queued ByteBufs: released once written, or by
 * {@link #releaseAll()}.
 */
final class OutboundQueue {
    /** Buffers per gathering write; the kernel takes up to IOV_MAX (1024), a tunnel batch is at most 16 frames. */
    private static final int MAX_GATHER = 16;

    private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>(4);

    /** Queues {@code data} (an empty buffer is released at once). */
    void add(ByteBuf data) {
        if (data.isReadable()) {
            queue.add(data);
        } else {
            data.release();
        }
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    /**
     * Writes as much as {@code sink} takes now and returns how many bytes that was; what is left stays queued (the
     * caller resumes writes if {@link #isEmpty()} is false).
     */
    long writeTo(StreamSinkChannel sink) throws IOException {
        long total = 0;
        while (!queue.isEmpty()) {
            long offered;
            long written;
            if (queue.size() == 1 && queue.peek().nioBufferCount() == 1) {
                ByteBuffer only = queue.peek().nioBuffer();
                offered = only.remaining();
                written = sink.write(only);
            } else {
                ByteBuffer[] gather = gather();
                offered = 0;
                for (ByteBuffer b : gather) {
                    offered += b.remaining();
                }
                written = sink.write(gather, 0, gather.length);
            }
            total += written;
            consume(written);
            if (written < offered) {
                break; // the socket is full: another attempt now would write nothing
            }
        }
        return total;
    }

    /** Releases every queued buffer and returns how many unwritten bytes they held; the queue stays usable (and empty). */
    long releaseAll() {
        long bytes = 0;
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            bytes += b.readableBytes();
            b.release();
        }
        return bytes;
    }

    /** Moves every queued buffer, in order, to {@code to}. */
    void drainTo(java.util.Collection<ByteBuf> to) {
        ByteBuf b;
        while ((b = queue.poll()) != null) {
            to.add(b);
        }
    }

    private ByteBuffer[] gather() {
        int count = 0;
        for (ByteBuf b : queue) {
            count += b.nioBufferCount();
            if (count >= MAX_GATHER) {
                break;
            }
        }
        ByteBuffer[] out = new ByteBuffer[count];
        int i = 0;
        for (ByteBuf b : queue) {
            if (i == count) {
                break;
            }
            if (b.nioBufferCount() == 1) {
                out[i++] = b.nioBuffer();
            } else {
                for (ByteBuffer part : b.nioBuffers()) {
                    if (i == count) {
                        break;
                    }
                    out[i++] = part;
                }
            }
        }
        return out;
    }

    private void consume(long written) {
        long left = written;
        while (left > 0) {
            ByteBuf head = queue.peek();
            int readable = head.readableBytes();
            if (left >= readable) {
                queue.poll().release();
                left -= readable;
            } else {
                head.skipBytes((int) left);
                left = 0;
            }
        }
    }
}
