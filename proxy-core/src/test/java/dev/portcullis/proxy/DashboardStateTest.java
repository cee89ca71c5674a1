package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tunnel.TunnelSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's app states end to end (issue #4): the proxy probes each of the signed-in user's apps through the
 * agent's tunnel (a HEAD of the app's base) and shows "starting" until it answers, "ready" once it does, "agent
 * offline" without an agent; another user's apps are never probed, and a refresh storm asks each app once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardStateTest {
    private static final String JSON_STARTING = "{\"user\":\"alice\",\"sessions\":[{\"id\":\"sess-a\",\"apps\":"
            + "[{\"name\":\"app\",\"kind\":\"http\",\"state\":\"starting\"}]}]}";
    private static final String JSON_READY = JSON_STARTING.replace("starting", "ready");

    @StartStop
    final MockWebServer app = answering();

    @StartStop
    final MockWebServer otherApp = answering();

    ProxyTestKit kit;

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void anAppThatDoesNotAnswerYetIsStartingAndCanStillBeOpened() throws Exception {
        kit = ProxyTestKit.start(closedPort());
        DashboardClient client = new DashboardClient(kit, null);
        String user = client.signIn(ProxyTestKit.OWNER);
        assertThat(sessionsJson(user)).isEqualTo(JSON_STARTING);
        assertThat(client.dashboard(user)).contains("id=\"app-sess-a-app\" data-state=\"starting\"",
                "<span class=\"badge starting\" id=\"state-sess-a-app\">Starting</span>",
                "aria-label=\"Open app in session sess-a\">Open</button>");
    }

    @Test
    void anAnsweringAppIsReadyAndTheProbeIsAHeadOfItsBase() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
        DashboardClient client = new DashboardClient(kit, null);
        String user = client.signIn(ProxyTestKit.OWNER);
        assertThat(sessionsJson(user)).isEqualTo(JSON_READY);
        assertThat(client.dashboard(user)).contains("id=\"app-sess-a-app\" data-state=\"ready\"",
                "<span class=\"badge ready\" id=\"state-sess-a-app\">Ready</span>");
        RecordedRequest probe = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(probe.getMethod()).isEqualTo("HEAD");
        assertThat(probe.getTarget()).isEqualTo("/s/sess-a/app/");
        assertThat(probe.getHeaders().get("User-Agent")).isEqualTo("portcullis-probe");
        assertThat(probe.getHeaders().get("Cookie")).isNull();
    }

    @Test
    void inSubdomainModeTheProbeAsksTheAppsRootOnItsOwnHost() throws Exception {
        kit = ProxyTestKit.start(app.getPort(), TunnelSettings.defaults(), 1, b -> b.appsDomain("apps.test"));
        int port = kit.proxy.publicAddress().getPort();
        DashboardClient portal = new DashboardClient(kit, "portal.test:" + port);
        String user = portal.signIn(ProxyTestKit.OWNER);
        assertThat(portal.dashboard(user)).contains("id=\"app-sess-a-app\" data-state=\"ready\"");
        RecordedRequest probe = app.takeRequest(5, TimeUnit.SECONDS);
        assertThat(probe.getMethod()).isEqualTo("HEAD");
        assertThat(probe.getTarget()).isEqualTo("/");
        assertThat(probe.getHeaders().get("Host")).isEqualTo("sess-a-app.apps.test:" + port);
    }

    @Test
    void withoutItsAgentAnAppIsOfflineAndNothingIsProbed() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
        DashboardClient client = new DashboardClient(kit, null);
        String user = client.signIn(ProxyTestKit.OWNER);
        kit.terminateAgents();
        ProxyTestKit.await(() -> kit.registry.leases(ProxyTestKit.AGENT).isEmpty(), Duration.ofSeconds(10));
        assertThat(sessionsJson(user)).isEqualTo(JSON_STARTING.replace("starting", "offline"));
        assertThat(client.dashboard(user)).contains("id=\"app-sess-a-app\" data-state=\"offline\"",
                ">Agent offline</span>", "aria-label=\"Open app in session sess-a\" disabled>");
        assertThat(app.getRequestCount()).isZero();
    }

    @Test
    void anotherUsersAppsAreNeverProbed() throws Exception {
        kit = ProxyTestKit.start(app.getPort(), otherApp.getPort(), TunnelSettings.defaults(), 1, b -> b);
        DashboardClient client = new DashboardClient(kit, null);
        assertThat(sessionsJson(client.signIn(ProxyTestKit.OWNER))).isEqualTo(JSON_READY);
        assertThat(client.dashboard(client.signIn(ProxyTestKit.OWNER))).doesNotContain("sess-b");
        assertThat(app.getRequestCount()).isEqualTo(1);
        assertThat(otherApp.getRequestCount()).isZero();
        // Bob's own dashboard does probe his app: the zero above is not an accident of the setup.
        assertThat(sessionsJson(client.signIn(ProxyTestKit.OTHER_OWNER))).contains("\"id\":\"sess-b\"", "\"state\":\"ready\"");
        assertThat(otherApp.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aRefreshStormAsksEachAppOnce() throws Exception {
        kit = ProxyTestKit.start(app.getPort());
        String user = new DashboardClient(kit, null).signIn(ProxyTestKit.OWNER);
        ExecutorService browsers = Executors.newFixedThreadPool(8);
        try {
            List<CompletableFuture<String>> answers = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return sessionsJson(user);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, browsers));
            }
            for (CompletableFuture<String> answer : answers) {
                assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo(JSON_READY);
            }
        } finally {
            browsers.shutdownNow();
        }
        // One probe per app per 3 s; 40 local requests take far less, but a very slow machine may need a second one.
        assertThat(app.getRequestCount()).isBetween(1, 2);
    }

    private String sessionsJson(String userCookie) throws Exception {
        try (Response r = kit.http.newCall(kit.get("/.portcullis/api/sessions").header("Cookie", userCookie).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            return r.body().string();
        }
    }

    /** A port nothing listens on (bound once to get a free one, then closed): the agent's connect is refused. */
    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** An app that answers every request at once. */
    private static MockWebServer answering() {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().body("app").build();
            }
        });
        return server;
    }
}
