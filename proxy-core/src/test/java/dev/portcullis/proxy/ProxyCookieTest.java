package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.registry.FakeClock;
import dev.portcullis.tunnel.TunnelSettings;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
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

/**
 * The app cookie over real sockets: it slides with use (re-issued past half its idle timeout, same login id, capped
 * from the login), and a new launch replaces whatever cookie the browser held. The proxy's clock is a FakeClock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyCookieTest {
    private static final byte[] SECRET = new byte[32];

    static {
        Arrays.fill(SECRET, (byte) 7);
    }

    @StartStop
    final MockWebServer app = new MockWebServer();

    final FakeClock clock = new FakeClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    ProxyTestKit kit;
    AppCookies cookies;

    @BeforeEach
    void start() throws Exception {
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b.clock(clock).cookieSecret(SECRET)
                .cookieMaxAge(Duration.ofMinutes(60)).cookieAbsoluteMaxAge(Duration.ofMinutes(100)));
        cookies = new AppCookies(AppCookies.secret(SECRET), clock, Duration.ofMinutes(60), Duration.ofMinutes(100));
    }

    @AfterEach
    void stop() {
        kit.close();
    }

    @Test
    void cookieSlidesWithUseKeepingItsLoginIdUntilTheAbsoluteCap() throws Exception {
        String first = launch(null);
        AppCookies.CookieClaims login = cookies.verify(first).orElseThrow();

        clock.advance(Duration.ofMinutes(10));
        try (Response r = get(first)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Set-Cookie")).as("fresh cookie: no refresh").isNull();
        }

        clock.advance(Duration.ofMinutes(21));
        String second;
        try (Response r = get(first)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("ok");
            String setCookie = r.header("Set-Cookie");
            assertThat(setCookie).startsWith("portcullis-sess-a-app=").contains("; Path=/s/sess-a/app/")
                    .contains("; Max-Age=3600").contains("HttpOnly").contains("SameSite=Lax");
            second = value(setCookie);
        }
        AppCookies.CookieClaims slid = cookies.verify(second).orElseThrow();
        assertThat(slid.id()).isEqualTo(login.id());
        assertThat(slid.loginAt()).isEqualTo(login.loginAt());
        assertThat(slid.issuedAt()).isEqualTo(clock.instant());
        // The proxy's cookie never reached the app, refreshed or not.
        for (int i = 0; i < 2; i++) {
            RecordedRequest seen = app.takeRequest(5, TimeUnit.SECONDS);
            assertThat(seen.getHeaders().get("Cookie")).isNull();
        }

        // Past the first value's expiry, only the refreshed one opens the app.
        clock.advance(Duration.ofMinutes(31));
        try (Response r = get(first)) {
            assertThat(r.code()).isEqualTo(401);
        }
        String third;
        try (Response r = get(second)) {
            assertThat(r.code()).isEqualTo(200);
            // 100 minutes from login is the cap: 38 minutes left, not another 60.
            assertThat(r.header("Set-Cookie")).contains("; Max-Age=" + Duration.ofMinutes(38).toSeconds());
            third = value(r.header("Set-Cookie"));
        }
        clock.advance(Duration.ofMinutes(39));
        try (Response r = get(third)) {
            assertThat(r.code()).isEqualTo(401);
        }
    }

    @Test
    void aNewLaunchReplacesTheCookieTheBrowserHeldWithANewLoginId() throws Exception {
        String planted = launch(null);
        String fresh = launch(planted);
        assertThat(fresh).isNotEqualTo(planted);
        assertThat(cookies.verify(fresh).orElseThrow().id()).isNotEqualTo(cookies.verify(planted).orElseThrow().id());
    }

    private String launch(String heldCookie) throws Exception {
        var request = kit.get("/.portcullis/launch?token=" + kit.launchToken());
        if (heldCookie != null) {
            request.header("Cookie", "portcullis-sess-a-app=" + heldCookie);
        }
        try (Response r = kit.http.newCall(request.build()).execute()) {
            assertThat(r.code()).isEqualTo(303);
            return value(r.header("Set-Cookie"));
        }
    }

    private Response get(String cookie) throws Exception {
        app.enqueue(new MockResponse.Builder().body("ok").build());
        return kit.http.newCall(kit.get("/s/sess-a/app/").header("Cookie", "portcullis-sess-a-app=" + cookie).build())
                .execute();
    }

    private static String value(String setCookie) {
        assertThat(setCookie).isNotNull();
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }
}
