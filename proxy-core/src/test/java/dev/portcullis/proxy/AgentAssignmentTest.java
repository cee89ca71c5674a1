package dev.portcullis.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.tunnel.AppTable;
import dev.portcullis.tunnel.TunnelSettings;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SECURITY row 29: an agent serves only the sessions the control plane assigned to it. Agent B's app table lists
 * session sess-a's app too (a rogue or misconfigured agent), but the proxy opens streams only to the tunnel of the
 * agent in the session's registry record, so B's app never sees a request for sess-a unless the admin API assigns
 * the session to B.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AgentAssignmentTest {
    NamedApp appOfA;
    NamedApp appOfB;
    ProxyTestKit kit;
    AdminClient admin;

    /** An app that answers its name and counts requests. */
    static final class NamedApp implements AutoCloseable {
        final AtomicInteger requests = new AtomicInteger();
        final Undertow server;

        NamedApp(String name) {
            server = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(1).setWorkerThreads(1)
                    .setHandler(ex -> {
                        requests.incrementAndGet();
                        ex.getResponseSender().send(name);
                    }).build();
            server.start();
        }

        int port() {
            return ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        }

        @Override
        public void close() {
            server.stop();
        }
    }

    @BeforeEach
    void start() throws Exception {
        appOfA = new NamedApp("A");
        appOfB = new NamedApp("B");
        kit = ProxyTestKit.start(appOfA.port(), TunnelSettings.defaults(), 1, b -> b);
        AppTable tableOfB = new AppTable();
        tableOfB.put(ProxyTestKit.SESSION, ProxyTestKit.APP, appOfB.port());
        kit.startAgent("agent-b", tableOfB, 1);
        admin = AdminClient.of(kit);
    }

    @AfterEach
    void stop() {
        if (kit != null) {
            kit.close();
        }
        appOfA.close();
        appOfB.close();
    }

    private String fetch() throws Exception {
        try (Response r = kit.http.newCall(kit.authorized("/s/sess-a/app/").build()).execute()) {
            return r.code() + " " + r.body().string().replaceAll("(?s)^(\\S*).*", "$1");
        }
    }

    @Test
    void onlyTheAssignedAgentsTunnelGetsTheSessionsStreams() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(fetch()).isEqualTo("200 A");
        }
        assertThat(appOfB.requests.get()).isZero();
    }

    @Test
    void reassigningTheSessionThroughTheAdminApiMovesItsStreams() throws Exception {
        assertThat(admin.put("/admin/api/sessions/sess-a", "{\"owner\":\"alice\",\"agent\":\"agent-b\","
                + "\"apps\":[{\"name\":\"app\",\"port\":" + appOfB.port() + ",\"kind\":\"http\"}]}").status()).isEqualTo(200);

        assertThat(fetch()).isEqualTo("200 B");
        assertThat(appOfA.requests.get()).isZero();
    }

    @Test
    void aSessionAssignedToAnAbsentAgentIs502EvenWhenAnotherAgentListsIt() throws Exception {
        admin.put("/admin/api/sessions/sess-a", "{\"owner\":\"alice\",\"agent\":\"agent-gone\","
                + "\"apps\":[{\"name\":\"app\",\"port\":" + appOfA.port() + ",\"kind\":\"http\"}]}");

        assertThat(fetch()).startsWith("502");
        assertThat(appOfA.requests.get() + appOfB.requests.get()).isZero();
    }
}
