package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tunnel.RawApp;
import dev.portcullis.tunnel.TunnelSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Limits on hostile traffic at the public listener (SECURITY rows 35-36 and the per-IP connection cap), with the
 * timeouts shortened through {@link PublicLimits} so that the slow-client tests take about a second.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileTrafficTest {
    private static final Duration PARSE_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(2);
    private static final int PER_IP = 4;

    @StartStop
    final MockWebServer app = new MockWebServer();

    ProxyTestKit kit;
    final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        app.setDispatcher(new EchoDispatcher());
        PublicLimits limits = PublicLimits.builder()
                .requestParseTimeout(PARSE_TIMEOUT)
                .noRequestTimeout(PARSE_TIMEOUT)
                .idleTimeout(IDLE_TIMEOUT)
                .maxConnectionsPerIp(PER_IP)
                .build();
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b.publicLimits(limits));
    }

    @AfterEach
    void stop() {
        drip.shutdownNow();
        if (kit != null) {
            kit.close();
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", kit.proxy.publicAddress().getPort());
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads until the server closes; returns how long that took. Fails if it stays open for 10 s. */
    private static Duration timeUntilClosed(Socket s, long startNanos) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // discard whatever the server says before closing
            }
        } catch (java.net.SocketException reset) {
            // a reset is a close too
        }
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Test
    void slowlorisDrippingAHeaderIsCutAtTheParseTimeoutWhileOthersAreServed() throws Exception {
        List<Socket> slow = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < PER_IP - 1; i++) {
            Socket s = connect();
            slow.add(s);
            s.getOutputStream().write("GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
            // One header byte every 100 ms: never idle, never finished.
            drip.scheduleAtFixedRate(() -> {
                try {
                    s.getOutputStream().write('a');
                } catch (IOException closed) {
                    // the proxy closed it: what the test waits for
                }
            }, 100, 100, TimeUnit.MILLISECONDS);
        }
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").build()).execute()) {
            assertThat(r.code()).as("a legitimate client is served meanwhile").isEqualTo(200);
        }
        for (Socket s : slow) {
            try (s) {
                assertThat(timeUntilClosed(s, start)).isGreaterThanOrEqualTo(PARSE_TIMEOUT).isLessThan(Duration.ofSeconds(5));
            }
        }
        assertThat(app.getRequestCount()).isEqualTo(1);
    }

    @Test
    void connectionThatNeverSendsARequestIsClosedAtTheNoRequestTimeout() throws Exception {
        long start = System.nanoTime();
        try (Socket s = connect()) {
            assertThat(timeUntilClosed(s, start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    /** Row 35's slow body: a body that stops arriving is cut at the idle timeout (IdleTimeoutHandler). */
    @Test
    void uploadThatStallsIsCutAtTheIdleTimeoutAndNeverLooksComplete() throws Exception {
        long start = System.nanoTime();
        try (Socket s = connect()) {
            s.getOutputStream().write(("POST /s/sess-a/app/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kit.accessToken()
                    + "\r\nContent-Length: 1000\r\n\r\n0123456789").getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply reply = RawHttp.readAll(s.getInputStream());
            assertThat(reply.closed()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(IDLE_TIMEOUT).isLessThan(Duration.ofSeconds(8));
            assertThat(reply.text()).doesNotStartWith("HTTP/1.1 200");
        }
    }

    @Test
    void sixtyFourKibHeaderIsRefusedAndNeverReachesTheApp() throws Exception {
        String big = "X-Big: " + "a".repeat(64 * 1024) + "\r\n";
        RawHttp.Reply reply = RawHttp.exchange(kit.proxy.publicAddress(),
                "GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kit.accessToken() + "\r\n" + big + "\r\n", 5_000);
        assertThat(reply.closed()).isTrue();
        assertThat(reply.text()).satisfiesAnyOf(
                t -> assertThat(t).isEmpty(),
                t -> assertThat(t).matches("(?s)HTTP/1\\.1 (400|431).*"));
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void sixtyFourKibRequestLineIsRefused() throws Exception {
        RawHttp.Reply reply = RawHttp.exchange(kit.proxy.publicAddress(),
                "GET /s/sess-a/app/" + "a".repeat(64 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n", 5_000);
        assertThat(reply.closed()).isTrue();
        assertThat(reply.text()).satisfiesAnyOf(
                t -> assertThat(t).isEmpty(),
                t -> assertThat(t).matches("(?s)HTTP/1\\.1 (400|414|431).*"));
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void threeHundredHeadersAreRefused() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            headers.append("X-H").append(i).append(": v\r\n");
        }
        RawHttp.Reply reply = RawHttp.exchange(kit.proxy.publicAddress(),
                "GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kit.accessToken() + "\r\n" + headers + "\r\n", 5_000);
        assertThat(reply.text()).satisfiesAnyOf(
                t -> assertThat(t).isEmpty(),
                t -> assertThat(t).matches("(?s)HTTP/1\\.1 (400|431).*"));
        assertThat(app.getRequestCount()).isZero();
    }

    /**
     * Decision for GET/HEAD with a body (row 36, Undertow CVE-2026-3260 is in its form parser): the proxy installs no
     * form parser anywhere and passes the bytes through unparsed; what the app does with them is the app's business.
     */
    @Test
    void getWithAMultipartBodyPassesThroughByteForByteUnparsed() throws Exception {
        String body = "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x\"\r\n\r\n" + "z".repeat(10_000) + "\r\n--b--\r\n";
        CompletableFuture<String> received = new CompletableFuture<>();
        // MockWebServer refuses GET bodies; a raw app reads what the agent sends.
        try (RawApp raw = new RawApp((socket, head) -> {
                    Matcher cl = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
                    byte[] got = cl.find() ? socket.getInputStream().readNBytes(Integer.parseInt(cl.group(1))) : new byte[0];
                    received.complete(head.substring(0, head.indexOf('\r')) + "|" + new String(got, StandardCharsets.ISO_8859_1));
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                            .getBytes(StandardCharsets.US_ASCII));
                });
                ProxyTestKit rawKit = ProxyTestKit.start(raw.port())) {
            RawHttp.Reply reply = RawHttp.exchange(rawKit.proxy.publicAddress(),
                    "GET /s/sess-a/app/form HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + rawKit.accessToken()
                            + "\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close\r\n\r\n" + body, 10_000);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("GET /s/sess-a/app/form HTTP/1.1|" + body);
        }
    }

    @Test
    void perIpConnectionCapAnswers503AndClosesUntilAConnectionIsFreed() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < PER_IP; i++) {
                Socket s = connect();
                held.add(s);
                s.getOutputStream().write("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(readHead(s)).startsWith("HTTP/1.1 404");
            }
            RawHttp.Reply refused = RawHttp.exchange(kit.proxy.publicAddress(), "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 5_000);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.text()).contains("too-many-connections");
            assertThat(refused.closed()).isTrue();
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        // Closed connections are released (asynchronously, on the I/O thread): a new one is served again.
        ProxyTestKit.await(() -> {
            try {
                return RawHttp.exchange(kit.proxy.publicAddress(), "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5_000)
                        .status() == 404;
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(10));
    }

    @Test
    void upgradedWebSocketConnectionsCountAgainstTheCapAndAreReleasedWhenTheyClose() throws Exception {
        try (dev.portcullis.proxy.demo.SampleApp sample = dev.portcullis.proxy.demo.SampleApp.start("127.0.0.1", 0, false);
                ProxyTestKit wsKit = ProxyTestKit.start(sample.port(), TunnelSettings.defaults(), 1,
                        b -> b.publicLimits(PublicLimits.builder().maxConnectionsPerIp(2).build()))) {
            String upgrade = "GET /s/sess-a/app/ws HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + wsKit.accessToken()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
            for (int round = 0; round < 3; round++) {
                try (Socket a = new Socket("127.0.0.1", wsKit.proxy.publicAddress().getPort());
                        Socket b = new Socket("127.0.0.1", wsKit.proxy.publicAddress().getPort())) {
                    for (Socket s : List.of(a, b)) {
                        s.setSoTimeout(10_000);
                        s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
                        assertThat(readHead(s)).startsWith("HTTP/1.1 101");
                    }
                    RawHttp.Reply third = RawHttp.exchange(wsKit.proxy.publicAddress(), "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n", 5_000);
                    assertThat(third.status()).as("round %d: two open WebSockets fill the cap", round).isEqualTo(503);
                }
                // Both closed by the client: the cap frees up again (asynchronously).
                ProxyTestKit.await(() -> {
                    try {
                        return RawHttp.exchange(wsKit.proxy.publicAddress(), "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                                5_000).status() == 404;
                    } catch (IOException e) {
                        return false;
                    }
                }, Duration.ofSeconds(10));
            }
        }
    }

    private static String readHead(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            b.append((char) c);
            if (b.length() >= 4 && b.substring(b.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return b.toString();
    }
}
