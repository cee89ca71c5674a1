package dev.portcullis.proxy;

import static dev.portcullis.proxy.ProxyTestKit.APP;
import static dev.portcullis.proxy.ProxyTestKit.OWNER;
import static dev.portcullis.proxy.ProxyTestKit.SESSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenMinter;
import dev.portcullis.proxy.demo.SampleApp;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.tunnel.TunnelSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Revocation and kicks on one node, end to end: a real proxy, agent and apps; the admin API as the operator's way in;
 * what the user's client sees (a close frame 1008 after well-formed frames, a cut download, a 401).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RevocationTest {
    private static final String WEB_SESSION = "sess-web";
    private static final long FIVE_SECONDS = 5;
    private final ObjectMapper mapper = new ObjectMapper();

    StreamingWebSocketApp wsApp;
    SampleApp sampleApp;
    ProxyTestKit kit;
    AdminClient admin;

    @BeforeEach
    void start() throws Exception {
        wsApp = new StreamingWebSocketApp(256 * 1024);
        sampleApp = SampleApp.start("127.0.0.1", 0, false);
        kit = ProxyTestKit.start(wsApp.port(), TunnelSettings.defaults(), 1, b -> b.expiryGrace(Duration.ofMillis(200)));
        kit.registry.putSession(new SessionRecord(new SessionId(WEB_SESSION), OWNER, ProxyTestKit.AGENT,
                List.of(new AppSpec(APP, sampleApp.port(), AppKind.HTTP))));
        kit.apps.put(WEB_SESSION, APP, sampleApp.port());
        admin = AdminClient.of(kit);
    }

    @AfterEach
    void stop() throws IOException {
        if (kit != null) {
            kit.close();
        }
        if (sampleApp != null) {
            sampleApp.close();
        }
        if (wsApp != null) {
            wsApp.close();
        }
    }

    private RecordingWebSocket streaming(String token) throws Exception {
        RecordingWebSocket ws = RecordingWebSocket.open(kit.http, kit.get("/s/" + SESSION + "/" + APP + "/ws")
                .header("Authorization", "Bearer " + token).build());
        ws.opened.get(FIVE_SECONDS, TimeUnit.SECONDS);
        ProxyTestKit.await(() -> ws.messages.get() >= 3, Duration.ofSeconds(10));
        return ws;
    }

    private static String jti(String token) {
        String payload = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        return payload.replaceAll(".*\"jti\":\"([^\"]+)\".*", "$1");
    }

    private JsonNode json(String body) throws IOException {
        return mapper.readTree(body);
    }

    @Test
    void revokingTheUserClosesTheirStreamingWebSocketWith1008AfterWholeFramesAndRefusesTheirOldTokens() throws Exception {
        String token = kit.accessToken();
        // Minted now, before the revocation (minted after it, in a later second on a slow machine, it would be valid).
        String otherToken = kit.accessToken(WEB_SESSION, APP);
        RecordingWebSocket ws = streaming(token);

        AdminClient.Answer answer = admin.post("/admin/api/revoke", "{\"user\":\"" + OWNER + "\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(json(answer.body()).path("closed").asInt()).isEqualTo(1);
        assertThat(json(answer.body()).path("revoked").path("kind").asText()).isEqualTo("user");
        RecordingWebSocket.Close close = ws.closing.get(FIVE_SECONDS, TimeUnit.SECONDS);
        assertThat(close.code()).isEqualTo(1008);
        assertThat(close.reason()).isEqualTo("revoked (user)");
        // Every message that arrived was a whole 256 KiB frame: no frame was cut to make room for the close.
        assertThat(ws.bytes.get()).isEqualTo(ws.messages.get() * 256 * 1024);
        assertThat(ws.failure).isNotCompleted();
        ProxyTestKit.await(() -> wsApp.ended.get() == 1, Duration.ofSeconds(5)); // the app's side ended too
        ProxyTestKit.await(() -> kit.proxy.liveConnections().snapshot().isEmpty(), Duration.ofSeconds(5));

        try (Response r = kit.http.newCall(kit.get("/s/" + WEB_SESSION + "/" + APP + "/")
                .header("Authorization", "Bearer " + otherToken).build()).execute()) {
            assertThat(r.code()).as("a token minted before the revocation").isEqualTo(401);
        }
    }

    @Test
    void aTokenIssuedAfterTheUserWasRevokedIsAccepted() throws Exception {
        assertThat(admin.post("/admin/api/revoke", "{\"user\":\"" + OWNER + "\"}").status()).isEqualTo(200);
        // iat has whole seconds: a token minted two seconds later is issued after the revocation.
        TokenMinter later = TokenMinter.fromPrivateJwkFile(kit.dir.resolve("private.jwk"), kit.tokenSettings.toBuilder()
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2))).build());
        String fresh = later.mint(TokenClass.ACCESS, OWNER, WEB_SESSION, APP, Duration.ofMinutes(5));

        try (Response r = kit.http.newCall(kit.get("/s/" + WEB_SESSION + "/" + APP + "/")
                .header("Authorization", "Bearer " + fresh).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void revokingOneTokenIdClosesOnlyTheConnectionItAdmitted() throws Exception {
        String first = kit.accessToken();
        String second = kit.accessToken();
        RecordingWebSocket revoked = streaming(first);
        RecordingWebSocket kept = streaming(second);

        AdminClient.Answer answer = admin.post("/admin/api/revoke", "{\"jti\":\"" + jti(first) + "\"}");

        assertThat(json(answer.body()).path("closed").asInt()).isEqualTo(1);
        assertThat(revoked.closing.get(FIVE_SECONDS, TimeUnit.SECONDS).code()).isEqualTo(1008);
        long before = kept.messages.get();
        ProxyTestKit.await(() -> kept.messages.get() > before + 3, Duration.ofSeconds(10));
        assertThat(kept.closing).isNotCompleted();
        kept.socket.cancel();
    }

    @Test
    void revokingASessionCutsADownloadInFlightSoItNeverLooksComplete() throws Exception {
        Request request = kit.get("/s/" + WEB_SESSION + "/" + APP + "/download?bytes=2000000000")
                .header("Authorization", "Bearer " + kit.accessToken(WEB_SESSION, APP)).build();
        try (Response r = kit.http.newCall(request).execute()) {
            assertThat(r.code()).isEqualTo(200);
            InputStream body = r.body().byteStream();
            assertThat(body.readNBytes(1 << 20)).hasSize(1 << 20);

            AdminClient.Answer answer = admin.post("/admin/api/revoke", "{\"session\":\"" + WEB_SESSION + "\"}");
            assertThat(json(answer.body()).path("closed").asInt()).isEqualTo(1);

            assertThatThrownBy(() -> body.transferTo(java.io.OutputStream.nullOutputStream()))
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void kickingAConnectionByIdClosesItWithoutRevokingAnything() throws Exception {
        String token = kit.accessToken();
        RecordingWebSocket ws = streaming(token);
        JsonNode list = json(admin.get("/admin/api/connections").body()).path("connections");
        assertThat(list).hasSize(1);
        JsonNode c = list.get(0);
        assertThat(c.path("user").asText()).isEqualTo(OWNER);
        assertThat(c.path("session").asText()).isEqualTo(SESSION);
        assertThat(c.path("app").asText()).isEqualTo(APP);
        assertThat(c.path("kind").asText()).isEqualTo("websocket");
        assertThat(c.path("bytesOut").asLong()).isPositive();
        assertThat(c.path("remote").asText()).startsWith("127.0.0.1:");
        assertThat(java.time.Instant.parse(c.path("since").asText())).isBeforeOrEqualTo(java.time.Instant.now());

        AdminClient.Answer answer = admin.post("/admin/api/kick", "{\"connection\":\"" + c.path("id").asText() + "\"}");

        assertThat(answer.body()).isEqualTo("{\"closed\":1}");
        assertThat(ws.closing.get(FIVE_SECONDS, TimeUnit.SECONDS)).extracting(RecordingWebSocket.Close::code).isEqualTo(1008);
        RecordingWebSocket again = streaming(token); // a kick is not a revocation
        again.socket.cancel();
    }

    @Test
    void kickingASessionAppClosesItsConnectionsOnly() throws Exception {
        RecordingWebSocket ws = streaming(kit.accessToken());

        assertThat(admin.post("/admin/api/kick", "{\"session\":\"" + SESSION + "\",\"app\":\"other\"}").body())
                .isEqualTo("{\"closed\":0}");
        assertThat(admin.post("/admin/api/kick", "{\"session\":\"" + SESSION + "\",\"app\":\"" + APP + "\"}").body())
                .isEqualTo("{\"closed\":1}");
        assertThat(ws.closing.get(FIVE_SECONDS, TimeUnit.SECONDS).code()).isEqualTo(1008);
    }

    @Test
    void aCredentialThatExpiresMidConnectionClosesItAfterTheGrace() throws Exception {
        String shortLived = kit.minter.mint(TokenClass.ACCESS, OWNER, SESSION, APP, Duration.ofSeconds(2));
        RecordingWebSocket ws = streaming(shortLived);

        RecordingWebSocket.Close close = ws.closing.get(10, TimeUnit.SECONDS);

        assertThat(close.code()).isEqualTo(1008);
        assertThat(close.reason()).isEqualTo("credential expired");
    }

    @Test
    void revokingTheSessionRefusesTheCookieALaunchSetAndClosesTheWebSocketItOpened() throws Exception {
        String cookie;
        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + kit.launchToken()).build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            String setCookie = r.header("Set-Cookie");
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
        }
        // A browser's cookie upgrade carries its page's origin (SECURITY row 5: same-origin only).
        RecordingWebSocket ws = RecordingWebSocket.open(kit.http, kit.get("/s/" + SESSION + "/" + APP + "/ws")
                .header("Cookie", cookie).header("Origin", kit.url("/").replaceAll("/$", "")).build());
        ws.opened.get(FIVE_SECONDS, TimeUnit.SECONDS);
        assertThat(kit.proxy.liveConnections().snapshot()).singleElement()
                .satisfies(c -> assertThat(c.credential().tokenId()).isNotNull());

        assertThat(admin.post("/admin/api/revoke", "{\"session\":\"" + SESSION + "\"}").status()).isEqualTo(200);

        assertThat(ws.closing.get(FIVE_SECONDS, TimeUnit.SECONDS).code()).isEqualTo(1008);
        try (Response r = kit.http.newCall(kit.get("/s/" + SESSION + "/" + APP + "/ws").header("Cookie", cookie).build())
                .execute()) {
            assertThat(r.code()).isEqualTo(401);
        }
    }

    @Test
    void aTokenIdRevocationKeepsTheGivenEnd() throws Exception {
        AdminClient.Answer answer = admin.post("/admin/api/revoke", "{\"jti\":\"j-9\",\"until\":\"2099-01-01T00:00:00Z\"}");

        assertThat(json(answer.body()).path("revoked").path("until").asText()).isEqualTo("2099-01-01T00:00:00Z");
        assertThat(kit.registry.revocations().find("j-9", "someone", null, null)).isPresent();
    }

    @Test
    void aLaunchTokenOfARevokedUserBuysNoCookie() throws Exception {
        String launch = kit.launchToken();
        assertThat(admin.post("/admin/api/revoke", "{\"user\":\"" + OWNER + "\"}").status()).isEqualTo(200);

        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + launch).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.headers("Set-Cookie")).isEmpty();
        }
    }
}
