package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.auth.IdentityAssertions;
import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.tunnel.TunnelSettings;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.ProtectedHeader;
import io.jsonwebtoken.security.Jwks;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPublicKey;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocketListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The identity header end to end: what the app (MockWebServer) receives on HTTP requests and upgrades, checked with
 * the JWKS the proxy publishes on its public and admin listeners; client-sent copies never get through.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyIdentityTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    @TempDir
    Path dir;

    ProxyTestKit kit;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void everyForwardedRequestCarriesOneVerifiableIdentityAndForgedCopiesAreDropped() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
        app.enqueue(new MockResponse.Builder().body("ok").build());
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/x")
                .addHeader("X-Portcullis-Identity", "forged")
                .addHeader("x-portcullis-IDENTITY", "forged-too")
                .build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().values("X-Portcullis-Identity")).hasSize(1);
        Claims claims = verify(seen.getHeaders().get("X-Portcullis-Identity"), publicJwks(), "sess-a/app");
        assertThat(claims.getSubject()).isEqualTo(ProxyTestKit.OWNER);
        assertThat(claims.get("sid")).isEqualTo("sess-a");
        assertThat(claims.get("app")).isEqualTo("app");
        assertThat(claims.getIssuer()).isEqualTo("portcullis");
        assertThat(claims.getExpiration().getTime() - claims.getIssuedAt().getTime()).isEqualTo(60_000);
    }

    @Test
    void aClientNamingTheIdentityHeaderInConnectionCannotStripIt() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
        app.enqueue(new MockResponse.Builder().body("ok").build());
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/x")
                .header("Connection", "keep-alive, X-Portcullis-Identity")
                .build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().values("X-Portcullis-Identity")).hasSize(1);
        assertThat(verify(seen.getHeaders().get("X-Portcullis-Identity"), publicJwks(), "sess-a/app").getSubject())
                .isEqualTo(ProxyTestKit.OWNER);
    }

    @Test
    void underscoreSpellingOfTheHeaderIsRefusedBeforeTheApp() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").header("X_Portcullis_Identity", "forged").build())
                .execute()) {
            assertThat(r.code()).isEqualTo(400);
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void cookieAuthorisedRequestsAndUpgradesCarryItToo() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
        String cookie;
        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + kit.launchToken()).build()).execute()) {
            String setCookie = r.header("Set-Cookie");
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
        }
        app.enqueue(new MockResponse.Builder().body("ok").build());
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Cookie", cookie).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        String jwks = publicJwks();
        assertThat(verify(app.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("X-Portcullis-Identity"), jwks, "sess-a/app")
                .getSubject()).isEqualTo(ProxyTestKit.OWNER);

        app.enqueue(new MockResponse.Builder().webSocketUpgrade(new WebSocketListener() {}).build());
        Response handshake = kit.openWebSocket(kit.authorized("/s/sess-a/app/ws").header("X-Portcullis-Identity", "forged").build());
        assertThat(handshake.code()).isEqualTo(101);
        RecordedRequest upgrade = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(upgrade.getHeaders().values("X-Portcullis-Identity")).hasSize(1);
        assertThat(verify(upgrade.getHeaders().get("X-Portcullis-Identity"), jwks, "sess-a/app").get("app")).isEqualTo("app");
    }

    @Test
    void configuredKeyIsPublishedByItsThumbprintOnThePublicAndAdminListeners() throws Exception {
        KeyPair pair = Jwts.SIG.ES256.keyPair().build();
        Path pem = Files.writeString(dir.resolve("identity.key"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b.identityKey(pem).identityIssuer("proxy.example"));
        String expectedKid = Jwks.builder().key((ECPublicKey) pair.getPublic()).idFromThumbprint().build().getId();
        String publicJwks = publicJwks();
        assertThat(KeySet.fromJwksJson(publicJwks).kids()).containsExactly(expectedKid);
        try (Response r = kit.http.newCall(new Request.Builder()
                .url("http://127.0.0.1:" + kit.proxy.adminAddress().getPort() + "/.portcullis/jwks.json").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo(publicJwks);
        }
        app.enqueue(new MockResponse.Builder().body("ok").build());
        kit.http.newCall(kit.authorized("/s/sess-a/app/").build()).execute().close();
        Claims claims = verify(app.takeRequest(5, TimeUnit.SECONDS).getHeaders().get(IdentityAssertions.HEADER), publicJwks,
                "sess-a/app");
        assertThat(claims.getIssuer()).isEqualTo("proxy.example");
    }

    private String publicJwks() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/.portcullis/jwks.json").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/jwk-set+json");
            String body = r.body().string();
            assertThat(body).doesNotContain("\"d\"");
            return body;
        }
    }

    private static Claims verify(String token, String jwks, String audience) {
        assertThat(token).isNotNull();
        KeySet keys = KeySet.fromJwksJson(jwks);
        return Jwts.parser()
                .keyLocator(h -> keys.find(((ProtectedHeader) h).getKeyId()).key())
                .requireAudience(audience)
                .build()
                .parseSignedClaims(token)
                .getPayload();
    }
}
