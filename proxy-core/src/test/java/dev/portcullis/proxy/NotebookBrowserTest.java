package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.proxy.BrowserUrls.Mode;
import dev.portcullis.proxy.browser.BrowserRun;
import dev.portcullis.proxy.browser.BrowserScripts;
import dev.portcullis.proxy.browser.BrowserTools;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A real Jupyter notebook behind the agent, used by headless Chromium as a person would, in path mode (Jupyter with
 * the public prefix as its base URL) and subdomain mode (Jupyter at '/'). Screenshots of every step are kept under
 * {@code target/browser-artifacts/<mode>/<scenario>/}. Needs Debian's chromium, jupyter-notebook, python3-ipykernel,
 * python3-terminado, nodejs and npm (see {@link BrowserTools}).
 */
class NotebookBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Mode, NotebookFixture> fixtures = new EnumMap<>(Mode.class);

    @BeforeAll
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    static void start() throws Exception {
        BrowserTools.requireAll();
        // Both Jupyters start at once; each takes a few seconds.
        Map<Mode, CompletableFuture<NotebookFixture>> starting = new HashMap<>();
        for (Mode mode : Mode.values()) {
            starting.put(mode, CompletableFuture.supplyAsync(() -> {
                try {
                    return NotebookFixture.start(mode);
                } catch (Exception e) {
                    throw new IllegalStateException(mode + " fixture: " + e.getMessage(), e);
                }
            }));
        }
        BrowserScripts.installDependencies();
        Exception failure = null;
        for (Mode mode : Mode.values()) {
            try {
                fixtures.put(mode, starting.get(mode).get(90, TimeUnit.SECONDS));
            } catch (Exception e) {
                // Keep collecting: whatever did start is in the map, and @AfterAll stops it.
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @AfterAll
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    static void stop() throws Exception {
        for (NotebookFixture f : fixtures.values()) {
            f.close();
        }
        fixtures.clear();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void launchLinkOpensANotebookThatRunsCodeAndATerminal(Mode mode) throws Exception {
        NotebookFixture f = fixtures.get(mode);
        Map<String, Object> options = new HashMap<>();
        options.put("launchUrl", f.urls.launchUrl(ProxyTestKit.SESSION, ProxyTestKit.OWNER));
        options.put("appUrl", f.urls.appUrl(ProxyTestKit.SESSION));
        BrowserRun run = f.run("notebook.mjs", "notebook", options);

        run.assertPassed("follow launch link", "create notebook", "run print(6*7)", "open terminal", "run echo hello-$((2+3))",
                "replay the launch link in another browser");
        assertThat(run.step("run print(6*7)").detail()).isEqualTo("42");
        assertThat(run.step("replay the launch link in another browser").detail()).isEqualTo("401");
        // Everything the browser did reached Jupyter through the tunnel and the relay, WebSockets included.
        assertThat(f.relay.firstLines())
                .anySatisfy(line -> assertThat(line).matches("GET " + jupyterPath(f, "api/kernels/[^/]+/channels") + ".* HTTP/1.1"))
                .anySatisfy(line -> assertThat(line).matches("GET " + jupyterPath(f, "terminals/websocket/[^/ ]+") + " HTTP/1.1"));
        // ... and none of it carried the proxy's launch token or cookie: Jupyter saw only its own.
        assertThat(f.relay.heads()).allSatisfy(head -> {
            assertThat(head.lines().findFirst().orElse("")).doesNotContain("token=");
            assertThat(head.lines().filter(h -> h.regionMatches(true, 0, "cookie:", 0, 7)))
                    .allSatisfy(cookie -> assertThat(cookie).doesNotContain(f.urls.cookieName(ProxyTestKit.SESSION) + "="));
            assertThat(head).doesNotContainIgnoringCase("authorization:");
        });
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void withoutALaunchLinkOrWithAnotherSessionsCookieTheBrowserGetsNoNotebookAndJupyterSeesNoRequest(Mode mode) throws Exception {
        NotebookFixture f = fixtures.get(mode);
        String appA = f.urls.appUrl(ProxyTestKit.SESSION);
        int before = f.relay.connections();
        Map<String, Object> options = new HashMap<>();
        options.put("visits", List.of(
                Map.of("name", "open the notebook without a launch link", "url", appA),
                Map.of("name", "launch session B", "url", f.urls.launchUrl(ProxyTestKit.OTHER_SESSION, ProxyTestKit.OTHER_OWNER)),
                Map.of("name", "open the notebook with B's cookie in the browser", "url", appA + "tree"),
                Map.of("name", "open the notebook with B's cookie copied under A's name", "url", appA + "tree",
                        "copyCookie", Map.of("from", f.urls.cookieName(ProxyTestKit.OTHER_SESSION),
                                "to", f.urls.cookieName(ProxyTestKit.SESSION), "url", appA))));
        BrowserRun run = f.run("visit.mjs", "denied", options);

        run.assertPassed("open the notebook without a launch link", "launch session B",
                "open the notebook with B's cookie in the browser", "open the notebook with B's cookie copied under A's name");
        BrowserRun.Visit anonymous = run.visit("open the notebook without a launch link");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.title()).startsWith("401");
        BrowserRun.Visit b = run.visit("launch session B");
        assertThat(b.status()).isEqualTo(200);
        assertThat(b.url()).isEqualTo(f.urls.appUrl(ProxyTestKit.OTHER_SESSION));
        assertThat(b.text()).contains(NotebookFixture.OTHER_APP_TEXT);
        // The browser keeps B's cookie to B's path or host: A's notebook sees no credential at all.
        BrowserRun.Visit withB = run.visit("open the notebook with B's cookie in the browser");
        assertThat(withB.status()).isEqualTo(401);
        assertThat(withB.title()).startsWith("401");
        // A lifted cookie is signed for B: A answers as if it did not exist.
        BrowserRun.Visit copied = run.visit("open the notebook with B's cookie copied under A's name");
        assertThat(copied.status()).isEqualTo(404);
        assertThat(copied.title()).startsWith("404");

        assertThat(f.relay.connections() - before).as("connections that reached Jupyter").isZero();
        assertThat(f.otherApp.getRequestCount()).isPositive();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void dashboardListsTheNotebookOpensItAndTheAdminPageShowsItsSessionAndTunnel(Mode mode) throws Exception {
        NotebookFixture f = fixtures.get(mode);
        Map<String, Object> options = new HashMap<>();
        options.put("loginUrl", f.urls.loginUrl(ProxyTestKit.OWNER));
        options.put("appUrl", f.urls.appUrl(ProxyTestKit.SESSION));
        options.put("appReady", "#notebook_list");
        options.put("appId", ProxyTestKit.SESSION + "-" + ProxyTestKit.APP);
        options.put("adminUrl", f.kit.adminUrl("/admin/"));
        options.put("adminToken", f.kit.adminToken());
        BrowserRun run = f.run("portal.mjs", "portal", options);

        run.assertPassed("sign in with the login link", "open the app from the dashboard", "admin page lists sessions and tunnels");
        JsonNode dashboard = JSON.readTree(run.step("sign in with the login link").detail());
        assertThat(dashboard.path("user").asText()).contains(ProxyTestKit.OWNER);
        assertThat(dashboard.path("state").asText()).isEqualTo("ready");
        assertThat(dashboard.path("badge").asText()).isEqualTo("Ready");
        assertThat(run.step("open the app from the dashboard").detail()).startsWith(f.urls.appUrl(ProxyTestKit.SESSION) + "tree");
        JsonNode admin = JSON.readTree(run.step("admin page lists sessions and tunnels").detail());
        assertThat(admin.path("sessions").asText()).contains(ProxyTestKit.SESSION, ProxyTestKit.OWNER, ProxyTestKit.OTHER_SESSION);
        assertThat(admin.path("tunnels").asText()).contains(ProxyTestKit.AGENT);
    }

    private static String jupyterPath(NotebookFixture f, String rest) {
        return f.jupyter.baseUrl() + rest;
    }
}
