package dev.portcullis.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TunnelStreamListener} that records what arrives and asks for more after each event (when
 * {@code autoRequest}). Copies and releases every buffer. Thread-safe for the test thread's reads.
 */
public final class RecordingStreamListener implements TunnelStreamListener {
    private final boolean autoRequest;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final CompletableFuture<Http2Headers> headers = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final CompletableFuture<TunnelErrorCode> reset = new CompletableFuture<>();
    private final CompletableFuture<byte[]> firstData = new CompletableFuture<>();
    private final AtomicInteger resets = new AtomicInteger();
    private volatile TunnelStream stream;

    public RecordingStreamListener() {
        this(true);
    }

    public RecordingStreamListener(boolean autoRequest) {
        this.autoRequest = autoRequest;
    }

    /** Opens a stream with this listener and starts requesting (waits 10 s for the open). */
    public static RecordingStreamListener open(Tunnel tunnel, Http2Headers headers, boolean endOfStream) throws Exception {
        RecordingStreamListener l = new RecordingStreamListener();
        TunnelStream s = tunnel.openStream(headers, endOfStream, l).get(10, TimeUnit.SECONDS);
        l.attach(s);
        return l;
    }

    public void attach(TunnelStream s) {
        stream = s;
        if (autoRequest) {
            s.request();
        }
    }

    public TunnelStream stream() {
        return stream;
    }

    @Override
    public void onHeaders(Http2Headers h, boolean endOfStream) {
        headers.complete(h);
        if (endOfStream) {
            ended.complete(null);
        } else if (autoRequest) {
            stream.request();
        }
    }

    @Override
    public void onData(ByteBuf data, boolean endOfStream) {
        byte[] bytes = new byte[data.readableBytes()];
        data.readBytes(bytes);
        data.release();
        synchronized (body) {
            body.writeBytes(bytes);
        }
        if (bytes.length > 0) {
            firstData.complete(bytes);
        }
        if (endOfStream) {
            ended.complete(null);
        } else if (autoRequest) {
            stream.request();
        }
    }

    @Override
    public void onWritabilityChanged(boolean writable) {}

    @Override
    public void onReset(TunnelErrorCode code) {
        resets.incrementAndGet();
        reset.complete(code);
    }

    public CompletableFuture<Http2Headers> headers() {
        return headers;
    }

    public CompletableFuture<Void> ended() {
        return ended;
    }

    public CompletableFuture<TunnelErrorCode> reset() {
        return reset;
    }

    public CompletableFuture<byte[]> firstData() {
        return firstData;
    }

    public int resetCount() {
        return resets.get();
    }

    public byte[] body() {
        synchronized (body) {
            return body.toByteArray();
        }
    }

    public String bodyText() {
        return new String(body(), StandardCharsets.UTF_8);
    }

    public boolean isEnded() {
        return ended.isDone();
    }
}
