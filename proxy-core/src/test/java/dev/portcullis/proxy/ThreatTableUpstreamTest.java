package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.tunnel.TunnelSettings;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Threat-table rows about what the proxy does with what it redirects, relays and logs (SECURITY rows 24, 27, 30, 40,
 * 41): attacks through the proxy's own redirects, an app answering with a redirect or a compressed bomb, and log
 * lines after requests full of secrets.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ThreatTableUpstreamTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    @StartStop
    final MockWebServer otherAgentsApp = new MockWebServer();

    ProxyTestKit kit;

    @BeforeEach
    void start() throws Exception {
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b.appsDomain("apps.test"));
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void row24TheProxysOwnRedirectsNeverLeaveItsOrigin() throws Exception {
        for (String target : new String[] {"/s/sess-a/app?next=//evil.com", "/s/sess-a/app?next=/%5Cevil.com",
                "//evil.com/s/sess-a/app", "/%09/evil.com", "/\\evil.com", "/s/sess-a/app?next=https:evil.com",
                "/.portcullis/launch?token=x&next=//evil.com"}) {
            RawHttp.Reply r = RawHttp.exchange(kit.proxy.publicAddress(),
                    "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5_000);
            String location = header(r, "Location");
            if (location != null) {
                assertThat(location).as(target).startsWith("/").doesNotStartWith("//").doesNotStartWith("/\\");
                assertThat(location).as(target).startsWith("/s/sess-a/app/");
            }
        }
        // The launch hop to the app host is built from the token's session, never from a client header.
        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + kit.launchToken())
                .header("X-Forwarded-Host", "evil.com").build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Location")).startsWith("http://sess-a-app.apps.test:");
        }
    }

    @Test
    void row27NoCorsCredentialsForACraftedHostOrForeignOrigin() throws Exception {
        for (String host : new String[] {"app--sess-a--evil.apps.test", "sess-a-app.apps.test", "evil.example"}) {
            RawHttp.Reply r = RawHttp.exchange(kit.proxy.publicAddress(), "OPTIONS /api HTTP/1.1\r\nHost: " + host
                    + "\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n", 5_000);
            assertThat(header(r, "Access-Control-Allow-Credentials")).as(host).isNull();
            assertThat(header(r, "Access-Control-Allow-Origin")).as(host).isNull();
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void row30AnUpstreamRedirectToAnotherAgentReachesTheClientUnchangedAndIsNeverFollowed() throws Exception {
        String pivot = "http://127.0.0.1:" + otherAgentsApp.getPort() + "/s/sess-b/app/secret";
        app.enqueue(new MockResponse.Builder().code(307).addHeader("Location", pivot).build());
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/go").build()).execute()) {
            assertThat(r.code()).isEqualTo(307);
            assertThat(r.header("Location")).isEqualTo(pivot);
        }
        assertThat(app.getRequestCount()).isEqualTo(1);
        assertThat(otherAgentsApp.getRequestCount()).isZero();
        // The stream closes on the tunnel's event loop just after the response's last byte: wait for it, then no
        // second stream was ever opened (the redirect was not followed).
        ProxyTestKit.await(() -> kit.proxy.tunnelServer().tunnel(ProxyTestKit.AGENT).orElseThrow().openStreams() == 0,
                java.time.Duration.ofSeconds(5));
        assertThat(app.getRequestCount()).isEqualTo(1);
        assertThat(otherAgentsApp.getRequestCount()).isZero();
    }

    @Test
    void row40CompressedBodiesPassThroughAsBytesAndAreNeverInflated() throws Exception {
        byte[] bomb = gzip(new byte[16 * 1024 * 1024]); // 16 MiB of zeros, ~16 KiB on the wire
        app.enqueue(new MockResponse.Builder().addHeader("Content-Encoding", "gzip").body(new Buffer().write(bomb)).build());
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/bomb").header("Accept-Encoding", "gzip")
                .post(RequestBody.create(bomb, MediaType.get("application/octet-stream"))).header("Content-Encoding", "gzip").build())
                .execute()) {
            assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.body().bytes()).isEqualTo(bomb);
        }
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getHeaders().get("Content-Encoding")).isEqualTo("gzip");
        assertThat(seen.getBody().toByteArray()).isEqualTo(bomb);
    }

    @Test
    void row41LogsNeverHoldTokensCookiesOrAuthorizationAndLinesAreBounded() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(logs);
        String access = kit.accessToken();
        String forgedCookieValue = "forged" + "c".repeat(3000);
        String bigToken = "eyJ" + "x".repeat(6000);
        String launch = kit.launchToken();
        try {
            try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/" + "p".repeat(2000)).header("Authorization", "Bearer " + bigToken)
                    .header("Cookie", "portcullis-sess-a-app=" + forgedCookieValue).build()).execute()) {
                assertThat(r.code()).isEqualTo(401);
                assertThat(r.body().string()).doesNotContain("Exception").doesNotContain("at dev.");
            }
            String appHost = "sess-a-app.apps.test:" + kit.proxy.publicAddress().getPort();
            try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + launch).header("Host", appHost).build()).execute()) {
                assertThat(r.code()).isEqualTo(303);
            }
            try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + launch).header("Host", appHost).build()).execute()) {
                assertThat(r.code()).as("replayed").isEqualTo(401);
            }
            kit.terminateAgents();
            try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/x?token=" + access).header("Authorization", "Bearer " + access)
                    .build()).execute()) {
                assertThat(r.code()).isEqualTo(502);
                assertThat(r.body().string()).doesNotContain(access).doesNotContain("Exception");
            }
        } finally {
            root.detachAppender(logs);
        }
        List<String> lines = logs.list.stream()
                .map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(e.getThrowableProxy())))
                .toList();
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            assertThat(line).doesNotContain(access).doesNotContain(launch).doesNotContain(bigToken.substring(0, 100))
                    .doesNotContain("forgedccc").doesNotContainIgnoringCase("authorization: ");
            assertThat(line.length()).as(line.substring(0, Math.min(200, line.length()))).isLessThanOrEqualTo(1000);
        }
    }

    private static String header(RawHttp.Reply r, String name) {
        for (String line : r.text().split("\r\n")) {
            if (line.isEmpty()) {
                return null;
            }
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }
}
