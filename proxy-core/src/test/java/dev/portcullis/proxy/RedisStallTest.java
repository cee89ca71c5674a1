package dev.portcullis.proxy;

import static dev.portcullis.proxy.FleetTestKit.APP;
import static dev.portcullis.proxy.FleetTestKit.OWNER;
import static dev.portcullis.proxy.FleetTestKit.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.registry.RedisServerExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis hangs (the server is stopped with SIGSTOP: connections stay open, commands get no answer) while a WebSocket
 * whose credential is about to expire is open. The node's lease heartbeat, every 200 ms, is then stuck in a Redis call
 * for the client's 60 s read timeout; the expiry close must still come on time, because the expiry sweep has a thread
 * of its own. Had it shared the lease thread, the close would wait for that timeout and this test would time out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisStallTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    StreamingWebSocketApp app;
    FleetTestKit fleet;

    @BeforeEach
    void start() throws Exception {
        app = new StreamingWebSocketApp(64 * 1024);
        fleet = FleetTestKit.start(redis.host(), redis.port(), 1, app.port(),
                node -> node.lease(Duration.ofSeconds(2), Duration.ofMillis(200)).expiryGrace(Duration.ofMillis(200)),
                client -> client.socketTimeout(Duration.ofSeconds(60)));
    }

    @AfterEach
    void stop() throws Exception {
        redis.thaw(); // before closing: the registry clients' goodbyes need an answering server
        if (fleet != null) {
            fleet.close();
        }
        app.close();
    }

    @Test
    void aCredentialExpiringWhileRedisHangsStillClosesTheWebSocketOnTime() throws Exception {
        String shortLived = fleet.minter.mint(TokenClass.ACCESS, OWNER, SESSION, APP, Duration.ofSeconds(3));
        RecordingWebSocket ws = RecordingWebSocket.open(fleet.http, new Request.Builder()
                .url(fleet.url(1, "/s/" + SESSION + "/" + APP + "/ws")).header("Authorization", "Bearer " + shortLived)
                .build());
        ws.opened.get(5, TimeUnit.SECONDS);
        ProxyTestKit.await(() -> ws.messages.get() >= 3, Duration.ofSeconds(10));

        redis.freeze();

        // The credential expires about 3 s after minting, the grace is 200 ms: 15 s is ample, 60 s (the stuck call) is not.
        RecordingWebSocket.Close close = ws.closing.get(15, TimeUnit.SECONDS);
        assertThat(close.code()).isEqualTo(1008);
        assertThat(close.reason()).isEqualTo("credential expired");
    }
}
