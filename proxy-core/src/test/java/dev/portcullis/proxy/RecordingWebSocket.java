package dev.portcullis.proxy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * A client WebSocket (OkHttp) that records what the user would see: when it opened, the messages and bytes that
 * arrived (and when the last one did), the close code and reason the server sent, or the failure. OkHttp fails the
 * socket on any malformed frame, so {@link #closing} completing means every frame before the close was well-formed.
 */
final class RecordingWebSocket extends WebSocketListener {
    /** The close frame the server sent. */
    record Close(int code, String reason, long nanos) {}

    final CompletableFuture<Response> opened = new CompletableFuture<>();
    final CompletableFuture<Close> closing = new CompletableFuture<>();
    final CompletableFuture<Throwable> failure = new CompletableFuture<>();
    final AtomicLong messages = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    volatile long lastMessageNanos;
    WebSocket socket;

    static RecordingWebSocket open(OkHttpClient http, Request request) {
        RecordingWebSocket recording = new RecordingWebSocket();
        recording.socket = http.newWebSocket(request, recording);
        return recording;
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        opened.complete(response);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString message) {
        bytes.addAndGet(message.size());
        messages.incrementAndGet();
        lastMessageNanos = System.nanoTime();
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        bytes.addAndGet(text.length());
        messages.incrementAndGet();
        lastMessageNanos = System.nanoTime();
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
        closing.complete(new Close(code, reason, System.nanoTime()));
        webSocket.close(1000, null);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        failure.complete(t);
        opened.completeExceptionally(t);
    }
}
