package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.demo.SampleApp;
import dev.portcullis.tunnel.TunnelSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy's pages in an app's space ({@code <app base>.portcullis/terminal} and {@code .../status}), the starting
 * page browsers get while an app does not answer, and the UI assets under {@code /.portcullis/ui/}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyAppPagesTest {
    static final String BASE = "/s/" + ProxyTestKit.SESSION + "/" + ProxyTestKit.APP + "/";

    @StartStop
    final MockWebServer app = new MockWebServer();

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static Request.Builder browser(ProxyTestKit kit, String path) {
        return kit.authorized(path).header("Accept", "text/html,application/xhtml+xml").header("Sec-Fetch-Dest", "document");
    }

    @Test
    void appDownGivesBrowsersAStartingPageThatPollsAndApiClientsA502() throws Exception {
        int port = closedPort();
        try (ProxyTestKit kit = ProxyTestKit.start(port)) {
            try (Response r = kit.http.newCall(browser(kit, BASE + "lab?x=1").build()).execute()) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("2");
                assertThat(r.header("Content-Security-Policy")).contains("script-src 'self'").contains("connect-src 'self'");
                String body = r.body().string();
                assertThat(body).contains("Your app is starting")
                        .contains("data-status-url=\"" + BASE + ".portcullis/status\"")
                        .contains("src=\"/.portcullis/ui/starting.js\"")
                        .doesNotContain("<script>");
            }
            try (Response r = kit.http.newCall(kit.authorized(BASE).build()).execute()) {
                assertThat(r.code()).isEqualTo(502);
                assertThat(r.body().string()).contains("\"error\":\"app-unreachable\"");
            }
            try (Response r = kit.http.newCall(kit.authorized(BASE + ".portcullis/status").build()).execute()) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("2");
                assertThat(r.body().string()).isEqualTo("{\"state\":\"starting\"}");
            }
            try (SampleApp started = SampleApp.start("127.0.0.1", port)) {
                try (Response r = kit.http.newCall(kit.authorized(BASE + ".portcullis/status").build()).execute()) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.body().string()).isEqualTo("{\"state\":\"ready\"}");
                }
                // What the starting page's reload then gets: the app itself.
                try (Response r = kit.http.newCall(browser(kit, BASE).build()).execute()) {
                    assertThat(r.code()).isEqualTo(200);
                    assertThat(r.body().string()).contains("Hello from the sample app");
                }
            }
        }
    }

    @Test
    void agentOfflineStatusSaysSoAndTheStartingPageWaitsLonger() throws Exception {
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort())) {
            kit.terminateAgents();
            try (Response r = kit.http.newCall(kit.authorized(BASE + ".portcullis/status").build()).execute()) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.header("Retry-After")).isEqualTo("5");
                assertThat(r.body().string()).isEqualTo("{\"state\":\"agent-offline\"}");
            }
            try (Response r = kit.http.newCall(browser(kit, BASE).build()).execute()) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.body().string()).contains("Waiting for the session");
            }
            assertThat(app.getRequestCount()).isZero();
        }
    }

    @Test
    void statusAndTerminalPageAreBehindTheGate() throws Exception {
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort())) {
            try (Response r = kit.http.newCall(kit.get(BASE + ".portcullis/status").build()).execute()) {
                assertThat(r.code()).isEqualTo(401);
            }
            try (Response r = kit.http.newCall(kit.get(BASE + ".portcullis/terminal").header("Accept", "text/html").build()).execute()) {
                assertThat(r.code()).isEqualTo(401);
            }
            String otherToken = kit.accessToken(ProxyTestKit.OTHER_SESSION, ProxyTestKit.APP);
            try (Response r = kit.http.newCall(kit.get(BASE + ".portcullis/status")
                    .header("Authorization", "Bearer " + otherToken).build()).execute()) {
                assertThat(r.code()).isEqualTo(404);
            }
            assertThat(app.getRequestCount()).isZero();
        }
    }

    @Test
    void terminalPageIsServedInTheAppsSpaceAndNeverForwarded() throws Exception {
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort())) {
            try (Response r = kit.http.newCall(browser(kit, BASE + ".portcullis/terminal?ws=terminals/websocket/1").build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("Content-Type")).startsWith("text/html");
                assertThat(r.header("Content-Security-Policy")).contains("script-src 'self'").contains("frame-ancestors 'none'");
                String body = r.body().string();
                assertThat(body).contains("id=\"terminal\"").contains("id=\"term-status\"")
                        .contains("src=\"/.portcullis/ui/vendor/xterm/xterm.js\"").doesNotContain("<script>");
            }
            try (Response r = kit.http.newCall(kit.authorized(BASE + ".portcullis/other").build()).execute()) {
                assertThat(r.code()).isEqualTo(404);
            }
            try (Response r = kit.http.newCall(kit.authorized(BASE + ".portcullis/terminal").post(okhttp3.RequestBody.create(new byte[0])).build()).execute()) {
                assertThat(r.code()).isEqualTo(405);
            }
            assertThat(app.getRequestCount()).isZero();
        }
    }

    @Test
    void subdomainModeServesTheTerminalPageAndStatusOnTheAppsHost() throws Exception {
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b.appsDomain("apps.test"))) {
            String host = "sess-a-app.apps.test:" + kit.proxy.publicAddress().getPort();
            app.enqueue(new MockResponse.Builder().code(302).addHeader("Location", "/lab").build());
            try (Response r = kit.http.newCall(kit.authorized("/.portcullis/status").header("Host", host).build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.body().string()).isEqualTo("{\"state\":\"ready\"}");
            }
            // The probe is a HEAD of the app's root, as the app sees it in subdomain mode.
            var probe = app.takeRequest(5, TimeUnit.SECONDS);
            assertThat(probe.getMethod()).isEqualTo("HEAD");
            assertThat(probe.getTarget()).isEqualTo("/");
            try (Response r = kit.http.newCall(browser(kit, "/.portcullis/terminal").header("Host", host).build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.body().string()).contains("id=\"terminal\"");
            }
        }
    }

    @Test
    void subdomainModeStartingPagePollsTheStatusOnTheAppsHost() throws Exception {
        try (ProxyTestKit kit = ProxyTestKit.start(closedPort(), TunnelSettings.defaults(), 1, b -> b.appsDomain("apps.test"))) {
            String host = "sess-a-app.apps.test:" + kit.proxy.publicAddress().getPort();
            try (Response r = kit.http.newCall(browser(kit, "/tree").header("Host", host).build()).execute()) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.body().string()).contains("data-status-url=\"/.portcullis/status\"");
            }
            try (Response r = kit.http.newCall(kit.authorized("/.portcullis/status").header("Host", host).build()).execute()) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.body().string()).isEqualTo("{\"state\":\"starting\"}");
            }
            // A WebSocket upgrade to a down app is not a navigation: it keeps the 502.
            try (Response r = kit.http.newCall(browser(kit, "/ws").header("Host", host).header("Connection", "Upgrade")
                    .header("Upgrade", "websocket").header("Sec-WebSocket-Version", "13")
                    .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").build()).execute()) {
                assertThat(r.code()).isEqualTo(502);
            }
        }
    }

    @Test
    void uiAssetsAreServedWithoutCredentialsAndNothingElseIs() throws Exception {
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort())) {
            String etag;
            try (Response r = kit.http.newCall(kit.get("/.portcullis/ui/vendor/xterm/xterm.js").build()).execute()) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("Content-Type")).startsWith("text/javascript");
                assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
                assertThat(r.body().string()).contains("Terminal");
                etag = r.header("ETag");
            }
            try (Response r = kit.http.newCall(kit.get("/.portcullis/ui/vendor/xterm/xterm.js").header("If-None-Match", etag).build()).execute()) {
                assertThat(r.code()).isEqualTo(304);
            }
            for (String path : new String[] {"/.portcullis/ui/terminal.js", "/.portcullis/ui/terminal.css",
                    "/.portcullis/ui/starting.js", "/.portcullis/ui/vendor/xterm/xterm.css",
                    "/.portcullis/ui/vendor/xterm/xterm-addon-fit.js"}) {
                try (Response r = kit.http.newCall(kit.get(path).build()).execute()) {
                    assertThat(r.code()).as(path).isEqualTo(200);
                }
            }
            for (String path : new String[] {"/.portcullis/ui/terminal.html", "/.portcullis/ui/error.html",
                    "/.portcullis/ui/vendor/xterm/LICENSE", "/.portcullis/ui/../ui/nope.js"}) {
                try (Response r = kit.http.newCall(kit.get(path).build()).execute()) {
                    assertThat(r.code()).as(path).isEqualTo(404);
                }
            }
        }
    }
}
