package dev.portcullis.proxy;

import static dev.portcullis.proxy.FleetTestKit.APP;
import static dev.portcullis.proxy.FleetTestKit.OWNER;
import static dev.portcullis.proxy.FleetTestKit.SESSION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.registry.RedisServerExtension;
import dev.portcullis.registry.Revocation;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.args.ClientType;
import redis.clients.jedis.params.ClientKillParams;

/**
 * Fleet-wide revocation on two proxy nodes sharing one real redis-server, one agent connected to both: a revocation
 * through node 1's admin API closes a WebSocket living on node 2 (close 1008), and node 2 refuses the old token.
 * Closure is asserted within a generous 5 s; the time it takes is measured by {@link RevocationBenchmark}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FleetRevocationTest {
    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    StreamingWebSocketApp app;
    FleetTestKit fleet;

    @BeforeEach
    void start() throws Exception {
        app = new StreamingWebSocketApp(64 * 1024);
        fleet = FleetTestKit.start(redis.host(), redis.port(), 2, app.port());
    }

    @AfterEach
    void stop() throws IOException {
        if (fleet != null) {
            fleet.close();
        }
        app.close();
    }

    private RecordingWebSocket streamingOn(int node, String token) throws Exception {
        RecordingWebSocket ws = RecordingWebSocket.open(fleet.http, new Request.Builder()
                .url(fleet.url(node, "/s/" + SESSION + "/" + APP + "/ws")).header("Authorization", "Bearer " + token).build());
        ws.opened.get(5, TimeUnit.SECONDS);
        ProxyTestKit.await(() -> ws.messages.get() >= 3, Duration.ofSeconds(10));
        return ws;
    }

    private int status(int node, String token) throws IOException {
        try (Response r = fleet.http.newCall(new Request.Builder().url(fleet.url(node, "/s/" + SESSION + "/" + APP + "/x"))
                .header("Authorization", "Bearer " + token).build()).execute()) {
            return r.code();
        }
    }

    @Test
    void aRevocationOnNode1ClosesAWebSocketOnNode2AndNode2RefusesTheOldToken() throws Exception {
        String token = fleet.accessToken(OWNER, SESSION);
        RecordingWebSocket ws = streamingOn(2, token);

        AdminClient.Answer answer = fleet.admin(1).post("/admin/api/revoke", "{\"session\":\"" + SESSION + "\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).contains("\"closed\":0"); // nothing of it lived on node 1
        assertThat(ws.closing.get(5, TimeUnit.SECONDS).code()).isEqualTo(1008);
        assertThat(ws.failure).isNotCompleted();
        ProxyTestKit.await(() -> fleet.node(2).liveConnections().snapshot().isEmpty(), Duration.ofSeconds(5));
        assertThat(status(2, token)).isEqualTo(401);
        assertThat(status(1, token)).isEqualTo(401);
    }

    @Test
    void aKickOnNode2ClosesTheUsersWebSocketOnNode1() throws Exception {
        RecordingWebSocket ws = streamingOn(1, fleet.accessToken(OWNER, SESSION));

        AdminClient.Answer answer = fleet.admin(2).post("/admin/api/kick", "{\"user\":\"" + OWNER + "\"}");

        assertThat(answer.body()).isEqualTo("{\"closed\":0}");
        assertThat(ws.closing.get(5, TimeUnit.SECONDS).code()).isEqualTo(1008);
    }

    @Test
    void aNodeThatMissedTheBroadcastClosesTheConnectionOnceItsSubscriptionIsBack() throws Exception {
        RecordingWebSocket ws = streamingOn(2, fleet.accessToken(OWNER, SESSION));
        // Stored but never broadcast: what a node sees when the message went out while its subscription was down.
        Instant now = Instant.now();
        fleet.registries.get(0).revocations().revoke(new Revocation(Revocation.Kind.USER, OWNER, now, now.plusSeconds(600)));
        assertThat(ws.closing).isNotCompleted();

        try (Jedis raw = new Jedis(redis.host(), redis.port())) {
            raw.clientKill(ClientKillParams.clientKillParams().type(ClientType.PUBSUB));
        }

        assertThat(ws.closing.get(10, TimeUnit.SECONDS).code()).isEqualTo(1008);
    }
}
