package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tunnel.TunnelSettings;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard in subdomain mode: it lives on the proxy's own host; Open hands a one-time ticket to the app's host,
 * which swaps it for its own host cookie. App hosts serve no dashboard, login or open (SECURITY.md rows 25-26).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardSubdomainTest {
    @StartStop
    final MockWebServer app = ProbeAnsweringDispatcher.server();

    ProxyTestKit kit;
    DashboardClient portal;
    String appHost;

    @BeforeEach
    void start() throws Exception {
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b.appsDomain("apps.test"));
        int port = kit.proxy.publicAddress().getPort();
        portal = new DashboardClient(kit, "portal.test:" + port);
        appHost = "sess-a-app.apps.test:" + port;
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void openSendsAOneTimeTicketToTheAppHostWhichSetsItsOwnCookie() throws Exception {
        String user = portal.signIn(ProxyTestKit.OWNER);
        String enter;
        try (Response r = portal.open(user, "sess-a", "app")) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Set-Cookie")).isNull();
            assertThat(r.header("Referrer-Policy")).isEqualTo("no-referrer");
            enter = r.header("Location");
            assertThat(enter).startsWith("http://" + appHost + "/.portcullis/enter?ticket=");
        }
        String path = enter.substring(enter.indexOf("/.portcullis/"));
        String cookie;
        try (Response r = kit.http.newCall(kit.get(path).header("Host", appHost).build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/");
            String setCookie = r.header("Set-Cookie");
            assertThat(setCookie).startsWith("portcullis=").contains("Path=/", "HttpOnly", "SameSite=Lax").doesNotContain("Domain");
            cookie = setCookie.split(";")[0];
        }
        app.enqueue(new MockResponse.Builder().body("in").build());
        try (Response r = kit.http.newCall(kit.get("/").header("Host", appHost).header("Cookie", cookie).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("in");
        }
        // The ticket works once.
        try (Response r = kit.http.newCall(kit.get(path).header("Host", appHost).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Set-Cookie")).isNull();
        }
    }

    @Test
    void aTicketFromBeforeARevocationBuysNoCookie() throws Exception {
        String user = portal.signIn(ProxyTestKit.OWNER);
        String path;
        try (Response r = portal.open(user, "sess-a", "app")) {
            assertThat(r.code()).isEqualTo(303);
            String enter = r.header("Location");
            path = enter.substring(enter.indexOf("/.portcullis/"));
        }
        java.time.Instant now = java.time.Instant.now();
        kit.registry.revocations().revoke(new dev.portcullis.registry.Revocation(
                dev.portcullis.registry.Revocation.Kind.SESSION, "sess-a", now, now.plusSeconds(600)));
        try (Response r = kit.http.newCall(kit.get(path).header("Host", appHost).build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Set-Cookie")).isNull();
        }
        // Nor does the dashboard cookie from before it mint a new one for that session.
        try (Response r = portal.open(user, "sess-a", "app")) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Set-Cookie")).isNull();
        }
        assertThat(ProbeAnsweringDispatcher.of(app).appRequests()).isZero();
    }

    @Test
    void aTicketIsRefusedOnAnotherSessionsHost() throws Exception {
        String user = portal.signIn(ProxyTestKit.OWNER);
        String path;
        try (Response r = portal.open(user, "sess-a", "app")) {
            String enter = r.header("Location");
            path = enter.substring(enter.indexOf("/.portcullis/"));
        }
        String otherHost = "sess-b-app.apps.test:" + kit.proxy.publicAddress().getPort();
        try (Response r = kit.http.newCall(kit.get(path).header("Host", otherHost).build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.header("Set-Cookie")).isNull();
        }
        assertThat(ProbeAnsweringDispatcher.of(app).appRequests()).isZero();
    }

    @Test
    void appHostsServeNoDashboardLoginOrOpen() throws Exception {
        DashboardClient onAppHost = new DashboardClient(kit, appHost);
        for (String path : new String[] {"/.portcullis/", "/.portcullis/api/sessions",
            "/.portcullis/login?token=" + onAppHost.loginToken(ProxyTestKit.OWNER)}) {
            try (Response r = kit.http.newCall(onAppHost.get(path).header("Accept", "text/html").build()).execute()) {
                assertThat(r.code()).as(path).isEqualTo(404);
                assertThat(r.header("Set-Cookie")).isNull();
                // No way to the dashboard from an app's origin: it lives on the proxy's own host.
                assertThat(r.body().string()).doesNotContain("error-dashboard");
            }
        }
        try (Response r = onAppHost.post("/.portcullis/open", portal.signIn(ProxyTestKit.OWNER), onAppHost.sameOrigin(),
                "session", "sess-a", "app", "app")) {
            assertThat(r.code()).isEqualTo(404);
        }
        try (Response r = kit.http.newCall(onAppHost.get("/.portcullis/ui/style.css").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        try (Response r = kit.http.newCall(onAppHost.get("/lab").header("Accept", "text/html").build()).execute()) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.body().string()).contains("/.portcullis/ui/style.css").doesNotContain("error-dashboard");
        }
        assertThat(ProbeAnsweringDispatcher.of(app).appRequests()).isZero();
    }

    @Test
    void dashboardFormsMayFollowOpensRedirectToAnAppHost() throws Exception {
        // Browsers apply form-action to the redirect after the POST as well (NotebookBrowserTest shows it in Chromium).
        String user = portal.signIn(ProxyTestKit.OWNER);
        try (Response r = kit.http.newCall(portal.get("/.portcullis/").header("Cookie", user).header("Accept", "text/html")
                .build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Security-Policy")).contains("form-action 'self' *.apps.test:*;");
        }
    }
}
