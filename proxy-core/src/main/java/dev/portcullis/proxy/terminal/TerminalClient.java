package dev.portcullis.proxy.terminal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.CompletableFuture;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client side of a terminado WebSocket (OkHttp): connects with {@code Authorization: Bearer <token>}, writes
 * {@code stdout} data to a {@link Writer}, sends {@code stdin} and {@code set_size}, and completes {@link #outcome()}
 * when the socket ends. Thread-safe; OkHttp's reader thread writes the output.
 */
public final class TerminalClient implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(TerminalClient.class);

    /** How a session ended, as a process exit code plus a line for the user. */
    public record Outcome(int exitCode, String message) {
        /** The server closed normally (the process ended, or it went away). */
        public static final int CLOSED = 0;
        /** The connection failed or dropped without a close frame. */
        public static final int CONNECTION_FAILED = 1;
        /** The upgrade was refused with an HTTP status (401, 404, 502, 503...). */
        public static final int REFUSED = 3;
        /** The server closed with an error code (e.g. 1008: the session was revoked). */
        public static final int CLOSED_WITH_ERROR = 4;
    }

    private final WebSocket webSocket;
    private final CompletableFuture<Outcome> outcome;

    private TerminalClient(WebSocket webSocket, CompletableFuture<Outcome> outcome) {
        this.webSocket = webSocket;
        this.outcome = outcome;
    }

    /**
     * Starts connecting to {@code url} ({@code ws://}, {@code wss://}, or {@code http(s)://}).
     *
     * @param token the bearer token; never logged
     * @param out receives the terminal's output; flushed after each message
     */
    public static TerminalClient connect(OkHttpClient http, String url, String token, Writer out) {
        requireNonNull(http, "http");
        requireNonNull(url, "url");
        requireNonNull(token, "token");
        requireNonNull(out, "out");
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        Request request = new Request.Builder().url(url).header("Authorization", "Bearer " + token).build();
        WebSocket ws = http.newWebSocket(request, new Listener(out, outcome));
        return new TerminalClient(ws, outcome);
    }

    /** Sends keystrokes; false if the socket is closing or its send queue (OkHttp: 16 MiB) is full. */
    public boolean sendInput(String data) {
        return webSocket.send(TerminadoMessage.stdin(data).toJson());
    }

    public boolean resize(int rows, int columns) {
        return webSocket.send(TerminadoMessage.setSize(rows, columns).toJson());
    }

    /** Completes once when the socket has ended, however it ended. */
    public CompletableFuture<Outcome> outcome() {
        return outcome;
    }

    /** Closes the socket normally (1000). */
    @Override
    public void close() {
        webSocket.close(1000, "client closed");
    }

    private static final class Listener extends WebSocketListener {
        private final Writer out;
        private final CompletableFuture<Outcome> outcome;

        Listener(Writer out, CompletableFuture<Outcome> outcome) {
            this.out = out;
            this.outcome = outcome;
        }

        @Override
        public void onMessage(WebSocket webSocket, String text) {
            TerminadoMessage m;
            try {
                m = TerminadoMessage.parse(text);
            } catch (IllegalArgumentException e) {
                logger.debug("ignoring a message that is not terminado's: {}", e.getMessage());
                return;
            }
            if (m.kind().equals(TerminadoMessage.STDOUT)) {
                try {
                    out.write(m.data());
                    out.flush();
                } catch (IOException e) {
                    webSocket.close(1000, "output closed");
                }
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(1000, null);
            finish(code, reason);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            finish(code, reason);
        }

        private void finish(int code, String reason) {
            boolean normal = code == 1000 || code == 1001;
            String why = reason == null || reason.isEmpty() ? "" : ": " + reason;
            outcome.complete(new Outcome(normal ? Outcome.CLOSED : Outcome.CLOSED_WITH_ERROR, "closed " + code + why));
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            if (response != null && response.code() != 101) {
                outcome.complete(new Outcome(Outcome.REFUSED, "refused: HTTP " + response.code() + body(response)));
            } else {
                outcome.complete(new Outcome(Outcome.CONNECTION_FAILED, "connection failed: " + t.getMessage()));
            }
        }

        /** The proxy's JSON error body (a short code and message, never a secret), for the user. */
        private static String body(Response response) {
            try {
                String s = response.body().string();
                return s.isBlank() ? "" : " " + (s.length() > 300 ? s.substring(0, 300) : s).strip();
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }
}
