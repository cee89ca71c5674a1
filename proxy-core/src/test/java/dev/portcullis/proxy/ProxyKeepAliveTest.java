package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client's keep-alive connection survives forwarded exchanges: requests one after another on one socket each get the
 * app's answer (a raw socket, so no client library hides a reset by retrying on a new connection).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyKeepAliveTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    @Test
    void sequentialRequestsShareOneClientConnection() throws Exception {
        for (int i = 1; i <= 3; i++) {
            app.enqueue(new MockResponse.Builder().body("answer " + i).build());
        }
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort());
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), kit.proxy.publicAddress().getPort())) {
            socket.setSoTimeout(20_000);
            for (int i = 1; i <= 3; i++) {
                String request = "GET /s/sess-a/app/page" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + kit.accessToken() + "\r\n\r\n";
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                String response = readResponse(socket.getInputStream());
                assertThat(response).as("response %d on the same connection", i).startsWith("HTTP/1.1 200").endsWith("answer " + i);
                assertThat(response.toLowerCase(Locale.ROOT)).doesNotContain("connection: close");
            }
            assertThat(app.getRequestCount()).isEqualTo(3);
        }
    }

    @Test
    void aPostWithABodyKeepsTheConnectionToo() throws Exception {
        app.enqueue(new MockResponse.Builder().body("stored").build());
        app.enqueue(new MockResponse.Builder().body("again").build());
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort());
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), kit.proxy.publicAddress().getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /s/sess-a/app/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n"
                    + "Authorization: Bearer " + kit.accessToken() + "\r\n\r\nhello").getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").endsWith("stored");
            out.write(("GET /s/sess-a/app/next HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + kit.accessToken() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 200").endsWith("again");
            assertThat(app.takeRequest().getBody().utf8()).isEqualTo("hello");
        }
    }

    /** One response with a Content-Length body, head and body as text; fails on EOF (the connection was closed). */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of the response head");
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = 0;
        for (String line : text.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        byte[] body = in.readNBytes(length);
        if (body.length < length) {
            throw new IOException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        return text + new String(body, StandardCharsets.UTF_8);
    }
}
