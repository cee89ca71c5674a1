package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tunnel.TunnelSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Headers;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Edges of the response relay that the read-ahead from the event loop must keep: trailers after a chunked body, and
 * bytes an app sends in the same packet as its 101 (read ahead together with the 101's head; when Undertow cannot write
 * the 101 at once they wait in the relay until the raw pipe starts).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyRelayEdgesTest {
    ProxyTestKit kit;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void trailersOfAChunkedResponseReachTheClientInTheLastChunk() throws Exception {
        try (MockWebServer app = new MockWebServer()) {
            app.start();
            app.enqueue(new MockResponse.Builder()
                    .chunkedBody("hello, trailers", 4)
                    .trailers(Headers.of("x-checksum", "abc123"))
                    .build());
            kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b);
            String all;
            // Keep-alive: with Connection: close Undertow would end the body by closing instead of chunking it.
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), kit.proxy.publicAddress().getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET /s/sess-a/app/t HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                        + kit.accessToken() + "\r\nTE: trailers\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                all = readUntilLastChunkEnds(s.getInputStream());
            }
            assertThat(all).startsWith("HTTP/1.1 200");
            assertThat(all.toLowerCase(Locale.ROOT)).contains("transfer-encoding: chunked");
            String body = all.substring(all.indexOf("\r\n\r\n") + 4);
            assertThat(dechunk(body)).isEqualTo("hello, trailers");
            assertThat(body.toLowerCase(Locale.ROOT)).endsWith("0\r\nx-checksum: abc123\r\n\r\n");
        }
    }

    @Test
    void bytesTheAppSendsWithItsSwitchingProtocolsReachTheClient() throws Exception {
        try (EagerWebSocketApp app = new EagerWebSocketApp()) {
            kit = ProxyTestKit.start(app.port(), TunnelSettings.defaults(), 1, b -> b);
            CompletableFuture<String> first = new CompletableFuture<>();
            WebSocket ws = kit.http.newWebSocket(kit.authorized("/s/sess-a/app/ws").build(), new WebSocketListener() {
                @Override
                public void onMessage(WebSocket webSocket, String text) {
                    first.complete(text);
                }

                @Override
                public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                    first.completeExceptionally(t);
                }
            });
            try {
                assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("hello before you spoke");
            } finally {
                ws.cancel();
            }
        }
    }

    /** Reads a chunked response up to the blank line after its last chunk and trailers. */
    private static String readUntilLastChunkEnds(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            got.write(b);
            String text = got.toString(StandardCharsets.US_ASCII);
            int last = text.indexOf("\r\n0\r\n");
            if (last >= 0 && text.endsWith("\r\n\r\n") && text.length() > last + 5) {
                return text;
            }
        }
        return got.toString(StandardCharsets.US_ASCII);
    }

    /** Decodes a chunked body up to its last chunk (which may carry trailers). */
    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(chunked, eol + 2, eol + 2 + size);
            at = eol + 2 + size + 2;
        }
    }

    /**
     * An app that accepts one WebSocket upgrade and writes its 101 and a first text frame in ONE write, then waits for
     * the client to go away.
     */
    private static final class EagerWebSocketApp implements AutoCloseable {
        private static final Pattern KEY = Pattern.compile("(?im)^sec-websocket-key:\\s*(\\S+)\\s*$");
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final Thread thread = new Thread(this::serve, "eager-ws-app");

        EagerWebSocketApp() throws IOException {
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        private void serve() {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    String head = readHead(s.getInputStream());
                    Matcher key = KEY.matcher(head);
                    if (!key.find()) {
                        // A probe or anything else: not an upgrade.
                        s.getOutputStream().write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                        continue;
                    }
                    String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(
                            (key.group(1) + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                    byte[] text = "hello before you spoke".getBytes(StandardCharsets.UTF_8);
                    ByteArrayOutputStream packet = new ByteArrayOutputStream();
                    packet.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                            + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    packet.write(0x81); // FIN + text, unmasked (server to client)
                    packet.write(text.length);
                    packet.write(text);
                    OutputStream out = s.getOutputStream();
                    out.write(packet.toByteArray());
                    out.flush();
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // until the client (through the proxy) goes away
                    }
                } catch (Exception e) {
                    // closed, or a client that went away: serve the next one
                }
            }
        }

        private static String readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                byte[] h = head.toByteArray();
                int n = h.length;
                if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                    break;
                }
            }
            return head.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
