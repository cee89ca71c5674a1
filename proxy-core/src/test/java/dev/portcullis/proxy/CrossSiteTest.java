package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.demo.SampleApp;
import dev.portcullis.tunnel.TunnelSettings;
import java.util.List;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SECURITY rows 5 (cross-site WebSocket hijacking) and 6 (CSRF), end to end against the SampleApp (WebSocket echo at
 * {@code .../ws}, upload at {@code .../upload}): what a browser's ambient cookie may and may not do from another site,
 * and that bearer clients (never sent by a browser on its own) are not affected.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CrossSiteTest {
    private static final String TRUSTED = "https://hub.example.com";

    SampleApp app;
    ProxyTestKit kit;
    String host;
    String cookie;

    @BeforeEach
    void start() throws Exception {
        app = SampleApp.start("127.0.0.1", 0, true);
        kit = ProxyTestKit.start(app.port(), TunnelSettings.defaults(), 1, b -> b.allowedOrigins(List.of(TRUSTED)));
        host = "127.0.0.1:" + kit.proxy.publicAddress().getPort();
        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + kit.launchToken()).build()).execute()) {
            String setCookie = r.header("Set-Cookie");
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
        }
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
        if (app != null) {
            app.close();
        }
    }

    private String upgrade(String credentialLine, String originLine) throws Exception {
        String request = "GET /s/sess-a/app/ws HTTP/1.1\r\nHost: " + host + "\r\n" + credentialLine + originLine
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        return RawHttp.head(kit.proxy.publicAddress(), request);
    }

    @Test
    void cookieUpgradeFromAForeignOriginIs403() throws Exception {
        String head = upgrade("Cookie: " + cookie + "\r\n", "Origin: https://evil.example\r\n");
        assertThat(head).startsWith("HTTP/1.1 403");
    }

    @Test
    void cookieUpgradeWithoutOriginIs403() throws Exception {
        assertThat(upgrade("Cookie: " + cookie + "\r\n", "")).startsWith("HTTP/1.1 403");
    }

    @Test
    void cookieUpgradeWithNullOrLookalikeOriginIs403() throws Exception {
        assertThat(upgrade("Cookie: " + cookie + "\r\n", "Origin: null\r\n")).startsWith("HTTP/1.1 403");
        assertThat(upgrade("Cookie: " + cookie + "\r\n", "Origin: http://" + host + ".evil.example\r\n")).startsWith("HTTP/1.1 403");
        assertThat(upgrade("Cookie: " + cookie + "\r\n", "Origin: https://" + host + "\r\n"))
                .as("same host, other scheme: another origin").startsWith("HTTP/1.1 403");
    }

    @Test
    void cookieUpgradeFromTheSameOriginOrAConfiguredOneSwitchesProtocols() throws Exception {
        assertThat(upgrade("Cookie: " + cookie + "\r\n", "Origin: http://" + host + "\r\n")).startsWith("HTTP/1.1 101");
        assertThat(upgrade("Cookie: " + cookie + "\r\n", "Origin: " + TRUSTED + "\r\n")).startsWith("HTTP/1.1 101");
    }

    @Test
    void bearerUpgradeWithoutOriginSwitchesProtocols() throws Exception {
        assertThat(upgrade("Authorization: Bearer " + kit.accessToken() + "\r\n", "")).startsWith("HTTP/1.1 101");
    }

    private Response upload(Request.Builder request) throws Exception {
        return kit.http.newCall(request.post(RequestBody.create(new byte[] {1, 2, 3}, MediaType.get("application/octet-stream")))
                .build()).execute();
    }

    @Test
    void crossSiteNoCorsPostWithTheCookieIs403AndNothingIsUploaded() throws Exception {
        try (Response r = upload(kit.get("/s/sess-a/app/upload").header("Cookie", cookie)
                .header("Sec-Fetch-Site", "cross-site").header("Sec-Fetch-Mode", "no-cors"))) {
            assertThat(r.code()).isEqualTo(403);
            assertThat(r.body().string()).contains("\"error\":\"cross-site\"");
        }
        try (Response r = upload(kit.get("/s/sess-a/app/upload").header("Cookie", cookie).header("Sec-Fetch-Site", "same-site"))) {
            assertThat(r.code()).as("same-site: another session's app in subdomain mode").isEqualTo(403);
        }
        try (Response r = upload(kit.get("/s/sess-a/app/upload").header("Cookie", cookie).header("Origin", "https://evil.example"))) {
            assertThat(r.code()).isEqualTo(403);
        }
    }

    @Test
    void sameOriginPostWithTheCookieReachesTheApp() throws Exception {
        try (Response r = upload(kit.get("/s/sess-a/app/upload").header("Cookie", cookie)
                .header("Sec-Fetch-Site", "same-origin").header("Origin", "http://" + host))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).startsWith("{\"bytes\":3,");
        }
    }

    @Test
    void bearerPostIsNotSubjectToTheCookieChecks() throws Exception {
        try (Response r = upload(kit.authorized("/s/sess-a/app/upload").header("Sec-Fetch-Site", "cross-site")
                .header("Origin", "https://evil.example"))) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    @Test
    void crossSiteGetWithTheCookieIsALinkAndPasses() throws Exception {
        try (Response r = kit.http.newCall(kit.get("/s/sess-a/app/").header("Cookie", cookie)
                .header("Sec-Fetch-Site", "cross-site").header("Sec-Fetch-Mode", "navigate").build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
    }
}
