package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.proxy.ui.Accessibility;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proxy's own assets and pages as a browser gets them: the shared stylesheet and logo under
 * {@code /.portcullis/ui/} (types, caching, no listing, no traversal, no templates), the error pages in that look,
 * and the admin page on the admin listener only.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UiPagesTest {
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
    void stylesheetAndLogoAreServedWithTypesCachingAndEtags() throws Exception {
        String etag;
        try (Response r = call(kit.get("/.portcullis/ui/style.css"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("text/css; charset=utf-8");
            assertThat(r.header("Cache-Control")).isEqualTo("public, max-age=600");
            assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
            assertThat(r.body().string()).contains("prefers-color-scheme: dark", ":focus-visible").doesNotContain("http");
            etag = r.header("ETag");
            assertThat(etag).startsWith("\"").endsWith("\"");
        }
        try (Response r = call(kit.get("/.portcullis/ui/style.css").header("If-None-Match", etag))) {
            assertThat(r.code()).isEqualTo(304);
            assertThat(r.body().string()).isEmpty();
        }
        try (Response r = call(kit.get("/.portcullis/ui/logo.svg").head())) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("image/svg+xml");
            assertThat(r.header("Content-Length")).isNotEqualTo("0");
        }
        try (Response r = call(kit.get("/.portcullis/ui/login.js"))) {
            assertThat(r.header("Content-Type")).isEqualTo("text/javascript; charset=utf-8");
        }
    }

    @Test
    void noListingNoTraversalNoTemplatesAndNoAdminFilesOnThePublicListener() throws Exception {
        String[] notServed = {"/.portcullis/ui/", "/.portcullis/ui/admin", "/.portcullis/ui/admin/admin.js",
            "/.portcullis/ui/error.html", "/.portcullis/ui/dashboard.html", "/.portcullis/ui/.hidden.css",
            "/.portcullis/ui/nope.css", "/.portcullis/ui/style.css.bak", "/.portcullis/ui/../../etc/passwd",
            "/.portcullis/ui/dev/portcullis/proxy/ProxyServer.class", "/.portcullis/ui/logback.xml", "/admin/"};
        for (String path : notServed) {
            try (Response r = call(kit.get(path))) {
                assertThat(r.code()).as(path).isIn(400, 404);
                assertThat(r.header("Content-Type")).as(path).startsWith("application/json");
            }
        }
        // Dot segments, encoded or not, are resolved once by the front: they never climb out of the assets' root.
        try (Response r = call(kit.get("/.portcullis/ui/%2e%2e/ui/style.css"))) {
            assertThat(r.code()).isEqualTo(200);
        }
        for (String path : new String[] {"/.portcullis/ui/%2e%2e/dashboard.html", "/.portcullis/ui/%2e%2e/%2e%2e/pom.xml",
            "/.portcullis/ui/x/..%2f..%2fpom.xml"}) {
            try (Response r = call(kit.get(path))) {
                assertThat(r.code()).as(path).isIn(400, 404);
            }
        }
        try (Response r = call(kit.get("/.portcullis/ui/style.css").post(RequestBody.create(new byte[0])))) {
            assertThat(r.code()).isEqualTo(405);
        }
        try (Response r = call(kit.get("/.portcullis"))) {
            assertThat(r.code()).isEqualTo(301);
            assertThat(r.header("Location")).isEqualTo("/.portcullis/");
        }
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void errorPagesUseTheSharedLookAndSayWhatToDo() throws Exception {
        try (Response r = call(kit.get("/s/sess-a/app/").header("Accept", "text/html"))) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("Content-Security-Policy")).contains("style-src 'self'", "frame-ancestors 'none'");
            String html = r.body().string();
            assertThat(html).contains("/.portcullis/ui/style.css", "id=\"error-dashboard\"", "ask for a new launch link",
                    "data-status=\"401\"").doesNotContain("{{");
            assertThat(Accessibility.problems(html)).isEmpty();
        }
        try (Response r = call(kit.get("/s/sess-b/app/").header("Accept", "text/html")
                .header("Authorization", "Bearer " + kit.accessToken("sess-b", "app")))) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.body().string()).contains("not yours", "id=\"error-dashboard\"");
        }
        kit.terminateAgents();
        try (Response r = call(kit.authorized("/s/sess-a/app/").header("Accept", "text/html"))) {
            // A browser navigating gets the starting page, which retries by itself (ProxyAppPagesTest).
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.body().string()).contains("id=\"starting\"");
        }
        try (Response r = call(kit.authorized("/s/sess-a/app/").header("Accept", "text/html")
                .post(RequestBody.create(new byte[0])))) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.body().string()).contains("Session offline", "id=\"error-retry\"", "data-code=\"agent-offline\"");
        }
        try (Response r = call(kit.authorized("/s/sess-a/app/"))) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.body().string()).startsWith("{\"error\":\"agent-offline\",\"message\":\"");
        }
    }

    @Test
    void adminPageIsServedOnTheAdminListenerWithItsScriptAndStylesheet() throws Exception {
        String admin = "http://127.0.0.1:" + kit.proxy.adminAddress().getPort();
        try (Response r = call(new Request.Builder().url(admin + "/admin/"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/html");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(r.header("Content-Security-Policy")).contains("script-src 'self'", "connect-src 'self'");
            assertThat(r.header("Set-Cookie")).isNull();
            String html = r.body().string();
            assertThat(html).contains("<label for=\"admin-token\">", "id=\"connections\"", "id=\"sessions\"", "id=\"tunnels\"",
                    "src=\"/admin/admin.js\"").doesNotContain("<script>");
            assertThat(Accessibility.problems(html)).isEmpty();
        }
        try (Response r = call(new Request.Builder().url(admin + "/admin/admin.js"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/javascript");
            assertThat(r.body().string()).contains("sessionStorage", "'Authorization': 'Bearer '", "/admin/api/connections",
                    "/admin/api/kick", "textContent").doesNotContain("innerHTML").doesNotContain("document.cookie");
        }
        try (Response r = call(new Request.Builder().url(admin + "/.portcullis/ui/style.css"))) {
            assertThat(r.code()).isEqualTo(200);
        }
        try (Response r = call(new Request.Builder().url(admin + "/healthz"))) {
            assertThat(r.code()).isEqualTo(200);
        }
    }

    private Response call(Request.Builder request) throws Exception {
        return kit.http.newCall(request.build()).execute();
    }
}
