package dev.portcullis.proxy.terminal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * Records what a terminado server sends over an OkHttp WebSocket: the stdout text, every message kind, the disconnect
 * code, the close code and reason, the HTTP status of a refused upgrade. Thread-safe; waits poll with a deadline.
 */
public final class RecordingTerminalListener extends WebSocketListener {
    private final StringBuilder stdout = new StringBuilder();
    private final List<String> kinds = new ArrayList<>();
    public final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
    /** The close code and reason ("1000 process exited"), or "failure: ..." for a failed socket. */
    public final CompletableFuture<String> closed = new CompletableFuture<>();
    public final CompletableFuture<Integer> disconnect = new CompletableFuture<>();
    public final CompletableFuture<Integer> refusedStatus = new CompletableFuture<>();

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        opened.complete(webSocket);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        TerminadoMessage m = TerminadoMessage.parse(text);
        synchronized (this) {
            kinds.add(m.kind());
            if (m.kind().equals(TerminadoMessage.STDOUT)) {
                stdout.append(m.data());
            }
        }
        if (m.kind().equals(TerminadoMessage.DISCONNECT)) {
            disconnect.complete(m.code());
        }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
        webSocket.close(1000, null);
        closed.complete(code + " " + reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
        closed.complete(code + " " + reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        if (response != null) {
            refusedStatus.complete(response.code());
        }
        opened.completeExceptionally(t);
        closed.complete("failure: " + t);
    }

    public synchronized String stdout() {
        return stdout.toString();
    }

    public synchronized List<String> kinds() {
        return List.copyOf(kinds);
    }

    /** Waits until stdout contains {@code text}; fails with what it has so far otherwise. */
    public void awaitStdout(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stdout never contained '" + text + "'; it was:\n" + stdout());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Waits until stdout matches {@code regex} (find); returns its first group. */
    public String awaitStdoutGroup(java.util.regex.Pattern regex, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            java.util.regex.Matcher m = regex.matcher(stdout());
            if (m.find()) {
                return m.group(1);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stdout never matched " + regex + "; it was:\n" + stdout());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    /** Waits for the server's {@code ["setup", {}]}. */
    public void awaitSetup(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!kinds().contains(TerminadoMessage.SETUP)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no setup message; kinds so far " + kinds());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
