package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.demo.SampleApp;
import dev.portcullis.tunnel.TunnelSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The public listener's idle timeout on upgraded WebSockets (SECURITY row 35): bytes in either direction keep a
 * WebSocket open, silence closes it at {@code idle-timeout}. Timeout shortened to 2 s.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleTimeoutTest {
    private static final Duration IDLE = Duration.ofSeconds(2);
    /** A masked, empty client PING frame (RFC 6455 §5.5.2); SampleApp answers with a PONG. */
    private static final byte[] PING = {(byte) 0x89, (byte) 0x80, 1, 2, 3, 4};

    SampleApp app;
    ProxyTestKit kit;
    final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();

    @BeforeEach
    void start() throws Exception {
        app = SampleApp.start("127.0.0.1", 0, false);
        kit = ProxyTestKit.start(app.port(), TunnelSettings.defaults(), 1,
                b -> b.publicLimits(PublicLimits.builder().idleTimeout(IDLE).build()));
    }

    @AfterEach
    void stop() {
        pinger.shutdownNow();
        if (kit != null) {
            kit.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private Socket openWebSocket() throws IOException {
        Socket s = new Socket("127.0.0.1", kit.proxy.publicAddress().getPort());
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET /s/sess-a/app/ws HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + kit.accessToken()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            assertThat(c).as("upgrade response").isNotNegative();
            head.append((char) c);
        }
        assertThat(head.toString()).startsWith("HTTP/1.1 101");
        return s;
    }

    @Test
    void webSocketWithTrafficOutlivesTheIdleTimeoutAndIsClosedOnceSilent() throws Exception {
        try (Socket ws = openWebSocket()) {
            ScheduledFuture<?> pings = pinger.scheduleAtFixedRate(() -> {
                try {
                    ws.getOutputStream().write(PING);
                } catch (IOException closed) {
                    // asserted below
                }
            }, 0, 400, TimeUnit.MILLISECONDS);
            InputStream in = ws.getInputStream();
            long start = System.nanoTime();
            // Pongs for well over the idle timeout: traffic keeps it open.
            for (int pongs = 0; Duration.ofNanos(System.nanoTime() - start).compareTo(IDLE.multipliedBy(2)) < 0; pongs++) {
                assertThat(in.readNBytes(2)).as("PONG %d", pongs).containsExactly((byte) 0x8A, (byte) 0x00);
            }
            pings.cancel(false);
            CountDownLatch noMorePings = new CountDownLatch(1);
            pinger.execute(noMorePings::countDown);
            noMorePings.await(5, TimeUnit.SECONDS);
            long silentSince = System.nanoTime();
            try {
                while (in.read() >= 0) {
                    // late pongs
                }
            } catch (java.net.SocketException reset) {
                // closed
            }
            Duration closedAfter = Duration.ofNanos(System.nanoTime() - silentSince);
            assertThat(closedAfter).isLessThan(IDLE.plusSeconds(3));
        }
    }
}
