package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.ui.Accessibility;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.FormBody;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard end to end in path mode: sign-in with a login token, the user's sessions (never another user's), and
 * the Open button (same-origin + CSRF checked, registry owner checked) that sets the app cookie; MockWebServer is the
 * app behind the agent.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardTest {
    @StartStop
    final MockWebServer app = ProbeAnsweringDispatcher.server();

    ProxyTestKit kit;
    DashboardClient client;

    @BeforeEach
    void start() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
        client = new DashboardClient(kit, null);
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void loginSetsAStrictPathScopedUserCookieAndAnswersAPageWithoutTheToken() throws Exception {
        String token = loginToken(ProxyTestKit.OWNER);
        try (Response r = kit.http.newCall(kit.get("/.portcullis/login?token=" + token).header("Accept", "text/html").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            String cookie = r.header("Set-Cookie");
            assertThat(cookie).startsWith("portcullis-user=").contains("; Path=/.portcullis/", "; HttpOnly", "; SameSite=Strict")
                    .doesNotContain("Domain=").doesNotContain(token);
            String body = r.body().string();
            assertThat(body).doesNotContain(token).contains("/.portcullis/ui/login.js").contains("id=\"login-continue\"");
            assertThat(Accessibility.problems(body)).isEmpty();
        }
    }

    @Test
    void aLoginTokenWorksOnceAndOtherTokenClassesAreRefused() throws Exception {
        String token = loginToken(ProxyTestKit.OWNER);
        assertThat(loginStatus(token)).isEqualTo(200);
        assertThat(loginStatus(token)).isEqualTo(401);
        assertThat(loginStatus(kit.launchToken())).isEqualTo(401);
        assertThat(loginStatus(kit.accessToken())).isEqualTo(401);
        // ...and a login token opens no app through the launch endpoint.
        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + loginToken(ProxyTestKit.OWNER)).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Set-Cookie")).isNull();
        }
    }

    @Test
    void loginHasNoRedirectParameterToAbuse() throws Exception {
        for (String next : new String[] {"//evil.example", "/%5Cevil.example", "https:evil.example"}) {
            try (Response r = kit.http.newCall(kit.get("/.portcullis/login?token=" + loginToken(ProxyTestKit.OWNER)
                    + "&next=" + next + "&return_to=" + next).build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("Location")).isNull();
                assertThat(r.body().string()).doesNotContain("evil").contains("href=\"/.portcullis/\"");
            }
        }
    }

    @Test
    void aNewLoginReplacesAPlantedCookieWithAFreshOne() throws Exception {
        String planted = userCookie("mallory");
        try (Response r = kit.http.newCall(kit.get("/.portcullis/login?token=" + loginToken(ProxyTestKit.OWNER))
                .header("Cookie", planted).build()).execute()) {
            String fresh = r.header("Set-Cookie").split(";")[0];
            assertThat(fresh).startsWith("portcullis-user=").isNotEqualTo(planted);
            assertThat(dashboard(fresh)).contains("Signed in as <strong>alice</strong>").doesNotContain("mallory");
        }
    }

    @Test
    void dashboardListsOnlyTheUsersOwnSessionsWithTheirState() throws Exception {
        String html = dashboard(userCookie(ProxyTestKit.OWNER));
        assertThat(html).contains("id=\"session-sess-a\"", "id=\"app-sess-a-app\" data-state=\"ready\"", "id=\"open-sess-a-app\"")
                .doesNotContain("sess-b");
        assertThat(Accessibility.problems(html)).isEmpty();
        assertThat(dashboard(userCookie("bob"))).contains("id=\"session-sess-b\"").doesNotContain("sess-a");
        assertThat(dashboard(userCookie("nobody"))).contains("id=\"no-sessions\"");
        try (Response r = kit.http.newCall(kit.get("/.portcullis/api/sessions").header("Cookie", userCookie(ProxyTestKit.OWNER)).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.body().string()).isEqualTo("{\"user\":\"alice\",\"sessions\":[{\"id\":\"sess-a\",\"apps\":"
                    + "[{\"name\":\"app\",\"kind\":\"http\",\"state\":\"ready\"}]}]}");
        }
    }

    @Test
    void aSessionWhoseAgentIsGoneIsShownOfflineWithOpenDisabled() throws Exception {
        kit.terminateAgents();
        ProxyTestKit.await(() -> kit.registry.leases(ProxyTestKit.AGENT).isEmpty(), Duration.ofSeconds(10));
        assertThat(dashboard(userCookie(ProxyTestKit.OWNER)))
                .contains("id=\"app-sess-a-app\" data-state=\"offline\"", "Agent offline", "aria-label=\"Open app in session sess-a\" disabled");
    }

    @Test
    void withoutASignInTheDashboardIs401AndAnAppCookieDoesNotSignIn() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/.portcullis/").header("Accept", "text/html").build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.body().string()).contains("Sign in to see your sessions").doesNotContain("error-dashboard");
        }
        String appCookie = openThroughDashboard();
        try (Response r = kit.http.newCall(kit.get("/.portcullis/api/sessions").header("Cookie", appCookie).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.body().string()).contains("\"error\":\"sign-in-required\"");
        }
    }

    @Test
    void theUserCookieOpensNoAppAndNeverReachesOne() throws Exception {
        String user = userCookie(ProxyTestKit.OWNER);
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Cookie", user).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
        }
        assertThat(ProbeAnsweringDispatcher.of(app).appRequests()).isZero();
        app.enqueue(new MockResponse.Builder().body("app").build());
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").header("Cookie", user + "; theme=dark").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().get("Cookie")).isEqualTo("theme=dark");
    }

    @Test
    void openSetsTheAppCookieAndTheAppOpensWithIt() throws Exception {
        String appCookie = openThroughDashboard();
        assertThat(appCookie).startsWith("portcullis-sess-a-app=");
        app.enqueue(new MockResponse.Builder().body("hello from app").build());
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Cookie", appCookie).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("hello from app");
        }
    }

    @Test
    void openAcceptsWhatBrowsersSendFromTheDashboard() throws Exception {
        String user = userCookie(ProxyTestKit.OWNER);
        // Chromium: Sec-Fetch-Site decides; a no-referrer page makes it send "Origin: null" on its own form posts.
        // Browsers without Sec-Fetch-*: the dashboard's same-origin Referrer-Policy makes them send the real Origin.
        for (UnaryOperator<Request.Builder> browser : java.util.List.<UnaryOperator<Request.Builder>>of(
                b -> b.header("Sec-Fetch-Site", "same-origin").header("Origin", "null"),
                b -> b.header("Origin", kit.url("")))) {
            try (Response r = post("/.portcullis/open", user, csrf(user), "sess-a", "app", browser)) {
                assertThat(r.code()).isEqualTo(303);
                assertThat(r.header("Set-Cookie")).startsWith("portcullis-sess-a-app=");
            }
        }
    }

    @Test
    void aRevokedUsersDashboardCookieNeitherListsNorOpensAnything() throws Exception {
        String user = userCookie(ProxyTestKit.OWNER);
        String csrf = csrf(user);
        java.time.Instant now = java.time.Instant.now();
        kit.registry.revocations().revoke(new dev.portcullis.registry.Revocation(
                dev.portcullis.registry.Revocation.Kind.USER, ProxyTestKit.OWNER, now, now.plusSeconds(600)));
        try (Response r = kit.http.newCall(kit.get("/.portcullis/").header("Cookie", user).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
        }
        try (Response r = post("/.portcullis/open", user, csrf, "sess-a", "app", b -> b.header("Origin", kit.url("")))) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Set-Cookie")).isNull();
        }
        assertThat(ProbeAnsweringDispatcher.of(app).appRequests()).isZero();
    }

    @Test
    void aLoginLinkMintedBeforeItsUserWasRevokedSignsNobodyIn() throws Exception {
        String link = client.loginToken(ProxyTestKit.OWNER);
        java.time.Instant now = java.time.Instant.now();
        kit.registry.revocations().revoke(new dev.portcullis.registry.Revocation(
                dev.portcullis.registry.Revocation.Kind.USER, ProxyTestKit.OWNER, now, now.plusSeconds(600)));
        try (Response r = kit.http.newCall(kit.get("/.portcullis/login?token=" + link).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Set-Cookie")).isNull();
        }
    }

    @Test
    void openRefusesASessionTheUserDoesNotOwnWithTheSame404AsAnUnknownOne() throws Exception {
        String user = userCookie(ProxyTestKit.OWNER);
        String csrf = csrf(user);
        for (String session : new String[] {"sess-b", "no-such"}) {
            try (Response r = post("/.portcullis/open", user, csrf, session, "app", client.sameOrigin())) {
                assertThat(r.code()).isEqualTo(404);
                assertThat(r.header("Set-Cookie")).isNull();
                assertThat(r.body().string()).contains("\"error\":\"not-found\"");
            }
        }
    }

    @Test
    void crossSiteOrForgedOpenIs403() throws Exception {
        String user = userCookie(ProxyTestKit.OWNER);
        String csrf = csrf(user);
        String[][] refused = {
            {"Sec-Fetch-Site", "cross-site", csrf},
            {"Sec-Fetch-Site", "same-site", csrf},
            {"Origin", "http://evil.example", csrf},
            {"Origin", "null", csrf},
            {"X-None", "1", csrf},
            {"Sec-Fetch-Site", "same-origin", "not-the-token"},
            {"Sec-Fetch-Site", "same-origin", csrf(userCookie(ProxyTestKit.OWNER))},
        };
        for (String[] c : refused) {
            try (Response r = post("/.portcullis/open", user, c[2], "sess-a", "app", b -> b.header(c[0], c[1]))) {
                assertThat(r.code()).as(c[0] + ": " + c[1]).isEqualTo(403);
                assertThat(r.header("Set-Cookie")).isNull();
            }
        }
        try (Response r = post("/.portcullis/open", null, csrf, "sess-a", "app", client.sameOrigin())) {
            assertThat(r.code()).isEqualTo(401);
        }
        assertThat(ProbeAnsweringDispatcher.of(app).appRequests()).isZero();
    }

    @Test
    void openWithAnOversizedOrNonFormBodyIs400() throws Exception {
        String user = userCookie(ProxyTestKit.OWNER);
        String csrf = csrf(user);
        try (Response r = post("/.portcullis/open", user, csrf + "&pad=" + "x".repeat(4096), "sess-a", "app", client.sameOrigin())) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.header("Set-Cookie")).isNull();
        }
        try (Response r = kit.http.newCall(client.sameOrigin().apply(kit.get("/.portcullis/open").header("Cookie", user)
                .post(okhttp3.RequestBody.create("{\"session\":\"sess-a\"}", okhttp3.MediaType.get("application/json")))).build()).execute()) {
            assertThat(r.code()).isEqualTo(400);
            assertThat(r.body().string()).contains("\"error\":\"bad-request\"");
        }
    }

    @Test
    void logoutRemovesTheUserCookie() throws Exception {
        String user = userCookie(ProxyTestKit.OWNER);
        try (Response r = kit.http.newCall(kit.get("/.portcullis/logout").header("Cookie", user)
                .post(new FormBody.Builder().add("csrf", csrf(user)).build())
                .header("Sec-Fetch-Site", "same-origin").build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Set-Cookie")).startsWith("portcullis-user=;").contains("Max-Age=0", "Path=/.portcullis/");
        }
    }

    private String loginToken(String user) {
        return client.loginToken(user);
    }

    private int loginStatus(String token) throws Exception {
        try (Response r = kit.http.newCall(kit.get("/.portcullis/login?token=" + token).build()).execute()) {
            return r.code();
        }
    }

    private String userCookie(String user) throws Exception {
        return client.signIn(user);
    }

    private String dashboard(String cookie) throws Exception {
        return client.dashboard(cookie);
    }

    private String csrf(String cookie) throws Exception {
        return client.csrf(cookie);
    }

    private String openThroughDashboard() throws Exception {
        try (Response r = client.open(userCookie(ProxyTestKit.OWNER), "sess-a", "app")) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/s/sess-a/app/");
            String cookie = r.header("Set-Cookie");
            assertThat(cookie).contains("; Path=/s/sess-a/app/", "; HttpOnly", "; SameSite=Lax");
            return cookie.split(";")[0];
        }
    }

    private Response post(String path, String cookie, String csrf, String session, String appName,
            UnaryOperator<Request.Builder> headers) throws Exception {
        return client.post(path, cookie, headers, "csrf", csrf, "session", session, "app", appName);
    }
}
