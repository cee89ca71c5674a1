package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.registry.RedisServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Benchmark, not a regular test (runs only with {@code -Dbench.revoke.rounds=N}; see loadtests/bench/revoke.sh): two
 * proxy nodes sharing one real redis-server, one agent connected to both. Each round registers a session for a fresh
 * user through node 1's admin API, opens a WebSocket through node 2 on which the app streams 16 KiB binary frames
 * without pause, then revokes the user through node 1's admin API and measures, from just before the revoke request
 * is sent: the revoke call's answer, the last data message delivered, and the close frame (1008) received. Writes
 * the medians and p99 to {@code target/revocation-bench.txt}.
 */
@EnabledIfSystemProperty(named = "bench.revoke.rounds", matches = "[0-9]+")
class RevocationBenchmark {
    private static final Logger logger = LoggerFactory.getLogger(RevocationBenchmark.class);
    private static final int FRAME = 16 * 1024;

    @RegisterExtension
    static final RedisServerExtension redis = new RedisServerExtension();

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void revokeOnNode1ClosesWebSocketsOnNode2() throws Exception {
        int rounds = Integer.parseInt(System.getProperty("bench.revoke.rounds"));
        int warmup = Math.min(10, Math.max(1, rounds / 5));
        List<Double> answered = new ArrayList<>();
        List<Double> lastByte = new ArrayList<>();
        List<Double> closed = new ArrayList<>();
        try (StreamingWebSocketApp app = new StreamingWebSocketApp(FRAME);
                FleetTestKit fleet = FleetTestKit.start(redis.host(), redis.port(), 2, app.port())) {
            AdminClient node1 = fleet.admin(1);
            for (int i = 0; i < warmup + rounds; i++) {
                String user = "user-" + i;
                String session = "bench-" + i;
                fleet.apps.put(session, FleetTestKit.APP, app.port());
                assertThat(node1.put("/admin/api/sessions/" + session, "{\"owner\":\"" + user + "\",\"agent\":\""
                        + FleetTestKit.AGENT + "\",\"apps\":[{\"name\":\"app\",\"port\":" + app.port()
                        + ",\"kind\":\"terminal\"}]}").status()).isEqualTo(200);
                RecordingWebSocket ws = RecordingWebSocket.open(fleet.http, new Request.Builder()
                        .url(fleet.url(2, "/s/" + session + "/app/ws"))
                        .header("Authorization", "Bearer " + fleet.accessToken(user, session)).build());
                ws.opened.get(10, TimeUnit.SECONDS);
                ProxyTestKit.await(() -> ws.messages.get() >= 20, Duration.ofSeconds(10));

                long t0 = System.nanoTime();
                AdminClient.Answer answer = node1.post("/admin/api/revoke", "{\"user\":\"" + user + "\"}");
                long t1 = System.nanoTime();
                RecordingWebSocket.Close close = ws.closing.get(5, TimeUnit.SECONDS);
                assertThat(answer.status()).isEqualTo(200);
                assertThat(close.code()).isEqualTo(1008);
                if (i >= warmup) {
                    answered.add(ms(t1 - t0));
                    lastByte.add(ms(ws.lastMessageNanos - t0));
                    closed.add(ms(close.nanos() - t0));
                }
            }
        }
        String report = String.format(Locale.ROOT, """
                revocation on node 1 -> WebSocket on node 2 closed (%d rounds after %d warm-up; 16 KiB frames streaming)
                                              median      p99      max   (ms, from just before the revoke request)
                admin API answered          %8.2f %8.2f %8.2f
                last data message delivered %8.2f %8.2f %8.2f
                close frame 1008 received   %8.2f %8.2f %8.2f
                """, rounds, warmup,
                pct(answered, 50), pct(answered, 99), pct(answered, 100),
                pct(lastByte, 50), pct(lastByte, 99), pct(lastByte, 100),
                pct(closed, 50), pct(closed, 99), pct(closed, 100));
        Files.writeString(Path.of("target", "revocation-bench.txt"), report, StandardCharsets.UTF_8);
        logger.info("\n{}", report);
        assertThat(pct(closed, 100)).as("every close within the 5 s the round waited for").isLessThan(5000);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** The nearest-rank percentile. */
    private static double pct(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

}
