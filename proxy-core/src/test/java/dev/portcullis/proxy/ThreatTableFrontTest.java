package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tunnel.TunnelSettings;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The threat table's rows about what a client can send to the public listener (SECURITY rows 2-4, 7-13 and 34): each test
 * sends the attack and asserts the status and what the echo app received (nothing, or only what the proxy set). Rows
 * already covered elsewhere are named in docs/SECURITY.md. Subdomain mode is on ({@code apps.test}), so Host-based
 * routing is in play too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreatTableFrontTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    ProxyTestKit kit;
    String port;

    @BeforeEach
    void start() throws Exception {
        app.setDispatcher(new EchoDispatcher());
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b.appsDomain("apps.test"));
        port = Integer.toString(kit.proxy.publicAddress().getPort());
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    private RawHttp.Reply raw(String request) throws Exception {
        return RawHttp.exchange(kit.proxy.publicAddress(), request, 5_000);
    }

    private String bearer() {
        return "Authorization: Bearer " + kit.accessToken() + "\r\n";
    }

    @Test
    void row2UnauthenticatedGetIs401AndTheAppSeesNothing() throws Exception {
        assertThat(raw("GET /s/sess-a/app/lab HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n").status()).isEqualTo(401);
        assertThat(raw("GET /s/sess-a/app/api HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").status()).isEqualTo(401);
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void row3UpgradeWithoutTokenOrWithAnotherSessionsTokenNeverSwitchesProtocols() throws Exception {
        String upgrade = "GET /s/sess-a/app/terminals/websocket/1 HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        assertThat(RawHttp.head(kit.proxy.publicAddress(), upgrade + "\r\n")).startsWith("HTTP/1.1 401");
        String bToken = "Authorization: Bearer " + kit.accessToken(ProxyTestKit.OTHER_SESSION, ProxyTestKit.APP) + "\r\n";
        assertThat(RawHttp.head(kit.proxy.publicAddress(), upgrade + bToken + "\r\n")).startsWith("HTTP/1.1 404");
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void row4AnotherUsersValidTokenGetsTheSame404AsANonExistentSession() throws Exception {
        String bobsOwn = "Authorization: Bearer " + kit.minter.mint(dev.portcullis.proxy.auth.TokenClass.ACCESS, "bob",
                ProxyTestKit.OTHER_SESSION, ProxyTestKit.APP, java.time.Duration.ofMinutes(5)) + "\r\n";
        RawHttp.Reply onA = raw("GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n" + bobsOwn + "Connection: close\r\n\r\n");
        RawHttp.Reply ghost = raw("GET /s/ghost/app/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                + kit.accessToken("ghost", "app") + "\r\nConnection: close\r\n\r\n");
        assertThat(onA.status()).isEqualTo(404);
        assertThat(body(onA)).isEqualTo(body(ghost));
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void row7TraversalVariantsNeverReachSessionB() throws Exception {
        for (String path : new String[] {"/s/sess-a/app/../../sess-b/app/", "/s/sess-a/app/%2e%2e/%2e%2e/sess-b/app/",
                "/s/sess-a/app/..%2fsess-b", "/s/sess-a/app/..;/sess-b", "/s/sess-a/app/.%2e/.%2e/sess-b/app/"}) {
            assertThat(raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + bearer() + "Connection: close\r\n\r\n").status())
                    .as(path).isEqualTo(400);
        }
        // '//s/B' merges to /s/B: routed to B, where A's token is B's 404, and nothing reaches an app.
        assertThat(raw("GET //s/sess-b/app/ HTTP/1.1\r\nHost: x\r\n" + bearer() + "Connection: close\r\n\r\n").status()).isEqualTo(404);
        // Dot segments that stay inside A's prefix are resolved once; the app sees the normalised path.
        assertThat(raw("GET /s/sess-a/app/x/../y/./z HTTP/1.1\r\nHost: x\r\n" + bearer() + "Connection: close\r\n\r\n").status())
                .isEqualTo(200);
        assertThat(app.takeRequest(5, TimeUnit.SECONDS).getTarget()).isEqualTo("/s/sess-a/app/y/z");
        assertThat(app.getRequestCount()).isEqualTo(1);
    }

    @Test
    void row8EncodedSeparatorsAndFragmentsAre400() throws Exception {
        for (String path : new String[] {"/s/sess-a/app/x%2Fy", "/s/sess-a/app/x%2fy", "/s/sess-a/app/x%5Cy", "/s/sess-a/app/x\\y",
                "/s/sess-a/app/secret%23/../x", "/s/sess-a/app/a%00b", "/s/sess-a/app/a%0d%0aX:y"}) {
            assertThat(raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + bearer() + "Connection: close\r\n\r\n").status())
                    .as(path).isEqualTo(400);
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void row9QueryAndUriOverrideHeadersDoNotRoute() throws Exception {
        assertThat(raw("GET /public?x=/s/sess-b/app/ HTTP/1.1\r\nHost: x\r\n" + bearer() + "Connection: close\r\n\r\n").status()).isEqualTo(404);
        RawHttp.Reply r = raw("GET /s/sess-a/app/ok HTTP/1.1\r\nHost: x\r\n" + bearer() + "X-Forwarded-Uri: /s/sess-b/app/\r\n"
                + "X-Original-URL: /s/sess-b/app/\r\nX-Rewrite-URL: /s/sess-b/app/\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getTarget()).isEqualTo("/s/sess-a/app/ok");
        assertThat(seen.getHeaders().names()).doesNotContain("x-forwarded-uri", "x-original-url", "x-rewrite-url");
    }

    @Test
    void row10UnderscoreAndCaseVariantsOfProxyHeadersNeverReachTheApp() throws Exception {
        assertThat(raw("GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n" + bearer() + "X-Auth_Request_User: admin\r\nConnection: close\r\n\r\n")
                .status()).isEqualTo(400);
        assertThat(raw("GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n" + bearer() + "X_Custom_Header: 1\r\nConnection: close\r\n\r\n")
                .status()).isEqualTo(400);
        raw("GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n" + bearer() + "x-FORWARDED-for: 6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\n"
                + "Forwarded: for=6.6.6.6\r\nPortcullis-Session: sess-b\r\nConnection: close\r\n\r\n");
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().values("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(seen.getHeaders().names()).doesNotContain("x-real-ip", "forwarded", "portcullis-session");
        assertThat(app.getRequestCount()).isEqualTo(1);
    }

    @Test
    void row11HostDecidesRoutingNotXForwardedHostAndDuplicateOrBadHostIs400() throws Exception {
        RawHttp.Reply r = raw("GET /x HTTP/1.1\r\nHost: sess-a-app.apps.test:" + port + "\r\nX-Forwarded-Host: sess-b-app.apps.test\r\n"
                + bearer() + "Connection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().values("X-Forwarded-Host")).containsExactly("sess-a-app.apps.test:" + port);
        // A's token on B's host: B's 404, whatever X-Forwarded-Host says.
        assertThat(raw("GET /x HTTP/1.1\r\nHost: sess-b-app.apps.test\r\nX-Forwarded-Host: sess-a-app.apps.test\r\n" + bearer()
                + "Connection: close\r\n\r\n").status()).isEqualTo(404);
        assertThat(raw("GET /x HTTP/1.1\r\nHost: sess-a-app.apps.test\r\nHost: sess-b-app.apps.test\r\n" + bearer()
                + "Connection: close\r\n\r\n").status()).isEqualTo(400);
        assertThat(raw("GET /x HTTP/1.1\r\nHost: sess-a-app.apps.test@evil.example\r\n" + bearer() + "Connection: close\r\n\r\n")
                .status()).isEqualTo(400);
        // HTTP/2 is off on the public listener, so :authority vs host cannot disagree: a prior-knowledge preface is refused.
        RawHttp.Reply h2 = raw("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assertThat(h2.text()).doesNotStartWith("HTTP/2");
        assertThat(app.getRequestCount()).isEqualTo(1);
    }

    @Test
    void row12ConnectionNamingProxyHeadersCannotRemoveThem() throws Exception {
        raw("GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\n" + bearer()
                + "Connection: close, X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host\r\n\r\n");
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().values("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(seen.getHeaders().values("X-Forwarded-Proto")).containsExactly("http");
        assertThat(seen.getHeaders().values("X-Forwarded-Host")).containsExactly("x");
    }

    @Test
    void row13ProbeUserAgentGetsNoBypassAndMetricsAreNotOnThePublicListener() throws Exception {
        assertThat(raw("GET /s/sess-a/app/ HTTP/1.1\r\nHost: x\r\nUser-Agent: kube-probe/1.30\r\nConnection: close\r\n\r\n").status())
                .isEqualTo(401);
        for (String path : new String[] {"/metrics", "/debug/pprof", "/healthz", "/admin", "/.portcullis/metrics"}) {
            try (Response r = kit.http.newCall(kit.get(path).build()).execute()) {
                assertThat(r.code()).as(path).isEqualTo(404);
            }
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void row34OnlyAVersion13UpgradeWithUpgradeAndConnectionHeadersIsForwardedAsOne() throws Exception {
        String v7 = "GET /s/sess-a/app/ws HTTP/1.1\r\nHost: x\r\n" + bearer() + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 7\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n";
        assertThat(raw(v7).status()).isEqualTo(400);
        String noConnectionUpgrade = "GET /s/sess-a/app/ws HTTP/1.1\r\nHost: x\r\n" + bearer() + "Upgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n";
        assertThat(raw(noConnectionUpgrade).status()).isEqualTo(400);
        assertThat(app.getRequestCount()).isZero();
        // Version 13 headers without Upgrade are a plain GET: the app sees no upgrade, and answers over HTTP.
        RawHttp.Reply plain = raw("GET /s/sess-a/app/ws HTTP/1.1\r\nHost: x\r\n" + bearer()
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nConnection: close\r\n\r\n");
        assertThat(plain.status()).isEqualTo(200);
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().names()).doesNotContain("upgrade");
    }

    private static String body(RawHttp.Reply reply) {
        return reply.text().substring(reply.text().indexOf("\r\n\r\n") + 4);
    }
}
