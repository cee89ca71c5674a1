package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tunnel.TunnelSettings;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.junit5.StartStop;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a user sees when the path to the app is broken: 502/504/404 pages, HTML for browsers and JSON otherwise. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyFailureTest {
    @StartStop
    final MockWebServer app = new MockWebServer();

    @Test
    void agentOfflineReturns502AgentOfflinePage() throws Exception {
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort())) {
            kit.terminateAgents();
            try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").build()).execute()) {
                assertThat(r.code()).isEqualTo(502);
                assertThat(r.body().string()).contains("\"error\":\"agent-offline\"");
            }
            // A browser's navigation gets the starting page, which waits for the agent (ProxyAppPagesTest).
            try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").header("Accept", "text/html").build()).execute()) {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.header("Content-Type")).startsWith("text/html");
                assertThat(r.body().string()).contains("Waiting for the session");
            }
            assertThat(app.getRequestCount()).isZero();
        }
    }

    @Test
    void appPortClosedReturns502() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (ProxyTestKit kit = ProxyTestKit.start(closedPort);
                Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").build()).execute()) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.body().string()).contains("\"error\":\"app-unreachable\"");
        }
    }

    @Test
    void appThatNeverAnswersReturns504() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            TunnelSettings settings = TunnelSettings.defaults().toBuilder().responseHeadTimeout(Duration.ofMillis(500)).build();
            try (ProxyTestKit kit = ProxyTestKit.start(silent.getLocalPort(), settings, 1, b -> b);
                    Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").header("Accept", "text/html").build()).execute()) {
                assertThat(r.code()).isEqualTo(504);
                assertThat(r.body().string()).contains("504").contains("did not answer in time");
            }
        } finally {
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void unknownSessionReturns404() throws Exception {
        app.enqueue(new MockResponse.Builder().body("never").build());
        try (ProxyTestKit kit = ProxyTestKit.start(app.getPort());
                Response r = kit.http.newCall(kit.get("/s/ghost/app/").header("Authorization", "Bearer " + kit.accessToken("ghost", "app"))
                        .build()).execute()) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.body().string()).contains("\"error\":\"not-found\"");
        }
        assertThat(app.getRequestCount()).isZero();
    }
}
