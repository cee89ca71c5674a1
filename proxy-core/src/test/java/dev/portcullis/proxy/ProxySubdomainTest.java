package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Subdomain mode ({@code {session}-{app}.apps.test}): the app sees '/', tokens stay bound to their host. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxySubdomainTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    ProxyTestKit kit;
    String port;

    @BeforeEach
    void start() throws Exception {
        kit = ProxyTestKit.start(app.getPort(), dev.portcullis.tunnel.TunnelSettings.defaults(), 1, b -> b.appsDomain("apps.test"));
        port = Integer.toString(kit.proxy.publicAddress().getPort());
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void appHostRoutesToTheAppWhichSeesThePathFromRoot() throws Exception {
        app.enqueue(new MockResponse.Builder().body("sub").build());
        try (Response r = kit.http.newCall(kit.authorized("/api/x?q=1").header("Host", "sess-a-app.apps.test:" + port).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("sub");
        }
        RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getTarget()).isEqualTo("/api/x?q=1");
        assertThat(seen.getHeaders().get("Host")).isEqualTo("sess-a-app.apps.test:" + port);
    }

    @Test
    void tokenForSessionAOnSessionBsHostReturns404() throws Exception {
        try (Response r = kit.http.newCall(kit.authorized("/").header("Host", "sess-b-app.apps.test:" + port).build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void launchHopsToTheAppHostThenSetsAHostCookie() throws Exception {
        String launch = kit.launchToken();
        String next;
        try (Response r = kit.http.newCall(kit.get("/.portcullis/launch?token=" + launch).build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Set-Cookie")).isNull();
            next = r.header("Location");
            assertThat(next).startsWith("http://sess-a-app.apps.test:" + port + "/.portcullis/launch?token=");
        }
        String cookie;
        try (Response r = kit.http.newCall(kit.get(next.substring(next.indexOf("/.portcullis")))
                .header("Host", "sess-a-app.apps.test:" + port).build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/");
            String setCookie = r.header("Set-Cookie");
            assertThat(setCookie).startsWith("portcullis=").contains("Path=/").contains("HttpOnly").contains("SameSite=Lax");
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
        }
        app.enqueue(new MockResponse.Builder().body("in").build());
        try (Response r = kit.http.newCall(kit.get("/").header("Host", "sess-a-app.apps.test:" + port).header("Cookie", cookie).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(app.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Cookie")).isNull();
        // The same cookie on another session's host opens nothing.
        try (Response r = kit.http.newCall(kit.get("/").header("Host", "sess-b-app.apps.test:" + port).header("Cookie", cookie).build()).execute()) {
            assertThat(r.code()).isIn(401, 404);
        }
    }
}
