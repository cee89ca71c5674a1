package dev.portcullis.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.proxy.auth.TokenRejectedException.Reason;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.security.Jwks;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Key sets from a JWKS URL (a MockWebServer standing in for the control plane, which is not ours) or file: loaded at
 * start, refreshed on an interval and on an unknown kid (at most once per interval), the last good set kept on error.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JwksKeySourceTest {
    private static final KeyPair k1 = Jwts.SIG.ES256.keyPair().build();
    private static final KeyPair k2 = Jwts.SIG.ES256.keyPair().build();
    private static final TestKeys keys = new TestKeys();

    @StartStop
    final MockWebServer controlPlane = new MockWebServer();

    @TempDir
    Path dir;

    private final AtomicReference<MockResponse> jwks = new AtomicReference<>();
    private JwksKeySource source;

    @AfterEach
    void close() {
        if (source != null) {
            source.close();
        }
    }

    private JwksKeySource serve(Map<String, PublicKey> keySet, Duration interval) throws Exception {
        jwks.set(ok(json(keySet)));
        controlPlane.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return jwks.get();
            }
        });
        source = JwksKeySource.url(URI.create(controlPlane.url("/.well-known/jwks.json").toString()), interval);
        source.start();
        return source;
    }

    @Test
    void thousandUnknownKidTokensCauseAtMostOneFetch() throws Exception {
        serve(Map.of("k1", k1.getPublic()), Duration.ofHours(1));
        JjwtTokenVerifier verifier = verifier(source);
        String unknown = token("k-unknown", k1);
        for (int i = 0; i < 1000; i++) {
            assertThat(reason(verifier, unknown)).isEqualTo(Reason.UNKNOWN_KEY);
        }
        // One fetch at start, one refresh for the first unknown kid; the other 999 within the interval add none.
        await(() -> source.fetchCount() == 2);
        for (int i = 0; i < 1000; i++) {
            reason(verifier, token("k-" + i, k1));
        }
        assertThat(source.fetchCount()).isEqualTo(2);
        assertThat(controlPlane.getRequestCount()).isEqualTo(2);
        assertThat(controlPlane.takeRequest().getTarget()).isEqualTo("/.well-known/jwks.json");
    }

    @Test
    void rotationWithoutRestartAcceptsOldAndNewKeysAcrossTheOverlap() throws Exception {
        serve(Map.of("k1", k1.getPublic()), Duration.ofSeconds(1));
        JjwtTokenVerifier verifier = verifier(source);
        String old = token("k1", k1);
        String fresh = token("k2", k2);
        assertThat(verifier.verify(old, TokenClass.ACCESS).subject()).isEqualTo("alice");

        // The issuer publishes both keys and starts signing with k2: the first k2 token triggers a refresh.
        jwks.set(ok(json(linked("k1", k1.getPublic(), "k2", k2.getPublic()))));
        await(() -> accepted(verifier, fresh));
        assertThat(accepted(verifier, old)).isTrue();

        // The overlap ends: k1 is withdrawn and the interval refresh drops it.
        jwks.set(ok(json(Map.of("k2", k2.getPublic()))));
        await(() -> !accepted(verifier, old));
        assertThat(reason(verifier, old)).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(accepted(verifier, fresh)).isTrue();
    }

    @Test
    void failedRefreshesKeepTheLastGoodSet() throws Exception {
        serve(Map.of("k1", k1.getPublic()), Duration.ofHours(1));
        String[] bad = {"HTTP 500", "not json", "{\"keys\":[]}", "private key", "2 MiB"};
        MockResponse[] responses = {
            new MockResponse.Builder().code(500).body("oops").build(),
            ok("<html>not json</html>"),
            ok("{\"keys\":[]}"),
            ok("{\"keys\":[" + Jwks.UNSAFE_JSON(Jwks.builder().key(k2.getPrivate()).publicKey(k2.getPublic()).id("p").build()) + "]}"),
            ok("{\"keys\":[" + " ".repeat(2 << 20) + "]}"),
        };
        for (int i = 0; i < responses.length; i++) {
            jwks.set(responses[i]);
            source.refresh("test " + bad[i]);
            assertThat(source.current().kids()).as(bad[i]).containsExactly("k1");
        }
        assertThat(source.fetchCount()).isEqualTo(1 + responses.length);
        assertThat(verifier(source).verify(token("k1", k1), TokenClass.ACCESS).subject()).isEqualTo("alice");
    }

    @Test
    void aClosedSourceKeepsItsKeysAndRefreshesAgainOnceRestarted() throws Exception {
        serve(Map.of("k1", k1.getPublic()), Duration.ofHours(1));
        source.close();
        JjwtTokenVerifier verifier = verifier(source);
        jwks.set(ok(json(Map.of("k2", k2.getPublic()))));
        assertThat(accepted(verifier, token("k1", k1))).isTrue();
        assertThat(reason(verifier, token("k2", k2))).isEqualTo(Reason.UNKNOWN_KEY);
        assertThat(source.fetchCount()).isEqualTo(1);
        source.start();
        reason(verifier, token("k2", k2));
        await(() -> accepted(verifier, token("k2", k2)));
        assertThat(source.fetchCount()).isEqualTo(2);
    }

    @Test
    void firstFetchFailingIsAStartupErrorNamingTheUrl() {
        jwks.set(new MockResponse.Builder().code(404).build());
        controlPlane.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return jwks.get();
            }
        });
        URI url = URI.create(controlPlane.url("/jwks").toString());
        assertThatThrownBy(() -> JwksKeySource.url(url, Duration.ofMinutes(5)))
                .hasMessageContaining("HTTP 404").hasMessageContaining("/jwks");
    }

    @Test
    void plainHttpToANonLoopbackHostIsRefused() {
        assertThatThrownBy(() -> JwksKeySource.url(URI.create("http://manager.example.com/jwks"), Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: https://");
        assertThatThrownBy(() -> JwksKeySource.url(URI.create("file:///etc/passwd"), Duration.ofMinutes(5)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void jwksFileIsReReadOnTheInterval() throws Exception {
        Path file = Files.writeString(dir.resolve("jwks.json"), json(Map.of("k1", k1.getPublic())));
        source = JwksKeySource.file(file, Duration.ofSeconds(1));
        source.start();
        JjwtTokenVerifier verifier = verifier(source);
        assertThat(accepted(verifier, token("k1", k1))).isTrue();
        Files.writeString(dir.resolve("jwks.tmp"), json(Map.of("k2", k2.getPublic())));
        Files.move(dir.resolve("jwks.tmp"), file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        await(() -> accepted(verifier, token("k2", k2)));
        assertThat(reason(verifier, token("k1", k1))).isEqualTo(Reason.UNKNOWN_KEY);
    }

    private static JjwtTokenVerifier verifier(KeySource source) {
        return new JjwtTokenVerifier(keys.settings().clock(java.time.Clock.systemUTC()).keySource(source).build());
    }

    private static String token(String kid, KeyPair pair) {
        TokenSettings settings = keys.settings().clock(java.time.Clock.systemUTC()).build();
        return new TokenMinter(pair.getPrivate(), kid, TokenAlgorithm.ES256, settings)
                .mint(TokenClass.ACCESS, "alice", "s1", "lab", Duration.ofMinutes(5));
    }

    private static boolean accepted(JjwtTokenVerifier verifier, String token) {
        return reason(verifier, token) == null;
    }

    private static Reason reason(JjwtTokenVerifier verifier, String token) {
        TokenRejectedException e = catchThrowableOfType(TokenRejectedException.class,
                () -> verifier.verify(token, TokenClass.ACCESS));
        return e == null ? null : e.reason();
    }

    private static MockResponse ok(String body) {
        return new MockResponse.Builder().addHeader("Content-Type", "application/json").body(body).build();
    }

    private static Map<String, PublicKey> linked(String kidA, PublicKey a, String kidB, PublicKey b) {
        Map<String, PublicKey> m = new LinkedHashMap<>();
        m.put(kidA, a);
        m.put(kidB, b);
        return m;
    }

    private static String json(Map<String, PublicKey> keySet) {
        return keySet.entrySet().stream()
                .map(e -> Jwks.json(Jwks.builder().key(e.getValue()).id(e.getKey()).build()))
                .collect(Collectors.joining(",", "{\"keys\":[", "]}"));
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 15 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }
}
