package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.auth.JwksKeySource;
import dev.portcullis.proxy.auth.TokenAlgorithm;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenMinter;
import dev.portcullis.tunnel.TunnelSettings;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Key rotation through a running proxy: access tokens verify with keys from a control plane's JWKS URL (a
 * MockWebServer, not ours), the agent class keeps its own key set; a new kid is taken up without a restart, the old
 * one stays valid across the overlap, and a flood of unknown kids costs the control plane one extra fetch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyKeyRotationTest {
    private static final KeyPair k1 = Jwts.SIG.ES256.keyPair().build();
    private static final KeyPair k2 = Jwts.SIG.ES256.keyPair().build();

    @StartStop
    final MockWebServer app = new MockWebServer();

    @StartStop
    final MockWebServer controlPlane = new MockWebServer();

    private final AtomicReference<String> published = new AtomicReference<>();
    ProxyTestKit kit;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void newKidIsTakenUpWithoutARestartAndUnknownKidsCostOneFetch() throws Exception {
        publish(List.of("k1"), List.of(k1));
        controlPlane.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().body(published.get()).build();
            }
        });
        URI jwksUrl = URI.create(controlPlane.url("/.well-known/jwks.json").toString());
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b,
                t -> t.keySource(TokenClass.ACCESS, jwks(jwksUrl)));
        // The agent authenticated with the kit's own key (the agent class's key set): classes are kept apart.
        assertThat(status(token("k1", k1))).isEqualTo(200);

        publish(List.of("k1", "k2"), List.of(k1, k2));
        String fresh = token("k2", k2);
        assertThat(status(fresh)).as("first sight of k2: refused, refresh triggered").isEqualTo(401);
        ProxyTestKit.await(() -> status(fresh) == 200, Duration.ofSeconds(15));
        assertThat(status(token("k1", k1))).as("old key across the overlap").isEqualTo(200);
        assertThat(controlPlane.getRequestCount()).isEqualTo(2);

        for (int i = 0; i < 50; i++) {
            assertThat(status(token("nope-" + i, k1))).isEqualTo(401);
        }
        assertThat(controlPlane.getRequestCount()).as("unknown kids within the interval: no more fetches").isEqualTo(2);
        // An access-class key is not an agent key: the agent class never saw the control plane's JWKS.
        assertThat(kit.tokenSettings.keySet(TokenClass.AGENT).kids()).doesNotContain("k1", "k2");
    }

    private int status(String token) {
        app.enqueue(new MockResponse.Builder().body("ok").build());
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Authorization", "Bearer " + token).build())
                .execute()) {
            return r.code();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String token(String kid, KeyPair pair) {
        return new TokenMinter(pair.getPrivate(), kid, TokenAlgorithm.ES256, kit.tokenSettings)
                .mint(TokenClass.ACCESS, ProxyTestKit.OWNER, ProxyTestKit.SESSION, ProxyTestKit.APP, Duration.ofMinutes(5));
    }

    private void publish(List<String> kids, List<KeyPair> pairs) {
        published.set(java.util.stream.IntStream.range(0, kids.size())
                .mapToObj(i -> Jwks.json(Jwks.builder().key(pairs.get(i).getPublic()).id(kids.get(i)).build()))
                .collect(Collectors.joining(",", "{\"keys\":[", "]}")));
    }

    private static JwksKeySource jwks(URI url) {
        try {
            return JwksKeySource.url(url, Duration.ofHours(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
