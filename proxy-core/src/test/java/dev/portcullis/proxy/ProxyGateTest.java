package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.auth.DemoKeys;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenMinter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gate end to end: what a user sees for each credential, and what reached the app (MockWebServer). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyGateTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    ProxyTestKit kit;

    @BeforeEach
    void start() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void bearerTokenGetReachesTheAppWithTheFullPathAndWithoutTheToken() throws Exception {
        app.enqueue(new MockResponse.Builder().body("hello from app").addHeader("X-App", "1").build());
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/lab/tree?x=1&y=%20z")
                .header("Cookie", "theme=dark; portcullis-sess-a-app=forged")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Original-URL", "/s/sess-b/app/")
                .build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("hello from app");
            assertThat(r.header("X-App")).isEqualTo("1");
        }
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getTarget()).isEqualTo("/s/sess-a/app/lab/tree?x=1&y=%20z");
        assertThat(seen.getHeaders().get("Authorization")).isNull();
        assertThat(seen.getHeaders().get("Cookie")).isEqualTo("theme=dark");
        assertThat(seen.getHeaders().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(seen.getHeaders().get("X-Original-URL")).isNull();
        assertThat(seen.getHeaders().get("Host")).isEqualTo("127.0.0.1:" + kit.proxy.publicAddress().getPort());
    }

    @Test
    void noCredentialsReturns401JsonAndTheAppSeesNothing() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.body().string()).contains("\"error\":\"unauthorized\"");
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void noCredentialsFromABrowserReturnsAnHtml401Page() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Accept", "text/html,*/*").build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.body().string()).contains("<!DOCTYPE html>").contains("401");
        }
    }

    @Test
    void tokenForSessionAOnSessionBsPathReturnsTheSame404AsAnUnknownSession() throws Exception {
        String wrong;
        try (Response r = kit.http.newCall(kit.get("/s/sess-b/app/").header("Authorization", "Bearer " + kit.accessToken()).build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
            wrong = r.body().string();
        }
        String unknown;
        try (Response r = kit.http.newCall(kit.get("/s/nope/app/")
                .header("Authorization", "Bearer " + kit.accessToken("nope", "app")).build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
            unknown = r.body().string();
        }
        assertThat(wrong).isEqualTo(unknown);
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void tokenOfAnotherUserForTheRightSessionReturns404() throws Exception {
        String bobs = kit.minter.mint(TokenClass.ACCESS, "bob", ProxyTestKit.SESSION, ProxyTestKit.APP, Duration.ofMinutes(5));
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Authorization", "Bearer " + bobs).build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void expiredUnsignedWrongAudienceAndWrongKeyTokensReturn401() throws Exception {
        var past = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        TokenMinter oldMinter = TokenMinter.fromPrivateJwkFile(kit.dir.resolve("private.jwk"), kit.tokenSettings.toBuilder().clock(past).build());
        String expired = oldMinter.mint(TokenClass.ACCESS, ProxyTestKit.OWNER, ProxyTestKit.SESSION, ProxyTestKit.APP, Duration.ofMinutes(5));
        TokenMinter otherAud = TokenMinter.fromPrivateJwkFile(kit.dir.resolve("private.jwk"), kit.tokenSettings.toBuilder().audience("elsewhere").build());
        String wrongAudience = otherAud.mint(TokenClass.ACCESS, ProxyTestKit.OWNER, ProxyTestKit.SESSION, ProxyTestKit.APP, Duration.ofMinutes(5));
        DemoKeys.generate(kit.dir.resolve("other-jwks.json"), kit.dir.resolve("other.jwk"));
        TokenMinter otherKey = TokenMinter.fromPrivateJwkFile(kit.dir.resolve("other.jwk"), kit.tokenSettings);
        String wrongKey = otherKey.mint(TokenClass.ACCESS, ProxyTestKit.OWNER, ProxyTestKit.SESSION, ProxyTestKit.APP, Duration.ofMinutes(5));
        String agentToken = kit.minter.mint(TokenClass.AGENT, ProxyTestKit.OWNER, null, null, Duration.ofMinutes(5));
        String unsigned = unsigned(kit.accessToken());
        for (String token : new String[] {expired, wrongAudience, wrongKey, unsigned, agentToken, "garbage"}) {
            try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Authorization", "Bearer " + token).build()).execute()) {
                assertThat(r.code()).as("token %s", token.length() > 20 ? token.substring(0, 20) : token).isEqualTo(401);
            }
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void launchSetsAScopedCookieRedirectsWithoutTheTokenAndCannotBeReplayed() throws Exception {
        String launch = kit.launchToken();
        String cookie;
        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + launch).build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/s/sess-a/app/").doesNotContain(launch);
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            String setCookie = r.header("Set-Cookie");
            assertThat(setCookie).startsWith("portcullis-sess-a-app=").contains("HttpOnly").contains("SameSite=Lax")
                    .contains("Path=/s/sess-a/app/").contains("Max-Age=");
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
        }
        app.enqueue(new MockResponse.Builder().body("welcome").build());
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/")
                .header("Cookie", cookie + "; other=1")
                .header("Authorization", "token jupyter-own-token")
                .build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("welcome");
        }
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().get("Cookie")).isEqualTo("other=1");
        // Not ours, and the request was authorised by cookie: the app's own credential passes through.
        assertThat(seen.getHeaders().get("Authorization")).isEqualTo("token jupyter-own-token");
        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + launch).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Set-Cookie")).isNull();
        }
    }

    @Test
    void pathWithoutTrailingSlashRedirectsToTheSlashForm() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app?a=b").build()).execute()) {
            assertThat(r.code()).isEqualTo(301);
            assertThat(r.header("Location")).isEqualTo("/s/sess-a/app/?a=b");
        }
    }

    @Test
    void traversalAndEncodedSeparatorsAreRejectedBeforeTheApp() throws Exception {
        for (String path : new String[] {"/s/sess-a/app/../../sess-b/app/", "/s/sess-a/app/%2e%2e/%2e%2e/sess-b/app/",
                "/s/sess-a/app/x%2Fy", "/s/sess-a/app/x%5Cy", "/s/sess-a/app/..;/x", "/s/sess-a/app/a%00b",
                "/s/sess-a/app/secret%23/../x"}) {
            // A raw socket: OkHttp would resolve the dot segments itself.
            assertThat(rawStatusLine(path)).as(path).startsWith("HTTP/1.1 400");
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void underscoreHeaderNamesAreRejected() throws Exception {
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").header("X_Session_Owner", "admin").build()).execute()) {
            assertThat(r.code()).isEqualTo(400);
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void unknownPathOutsideSessionsIs404AndHealthIsOnlyOnTheAdminListener() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/healthz").build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
        }
        try (Response r = kit.http.newCall(new Request.Builder()
                .url("http://127.0.0.1:" + kit.proxy.adminAddress().getPort() + "/healthz").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"status\":\"ok\"}");
        }
    }

    private String rawStatusLine(String path) throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", kit.proxy.publicAddress().getPort())) {
            socket.setSoTimeout(10_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + kit.accessToken()
                    + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            return String.valueOf(in.readLine());
        }
    }

    private static String unsigned(String jwt) {
        String payload = jwt.split("\\.")[1];
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }
}
