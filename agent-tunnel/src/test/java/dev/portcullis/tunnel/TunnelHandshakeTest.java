package dev.portcullis.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
@org.junit.jupiter.api.extension.ExtendWith(LeakCheckExtension.class)
class TunnelHandshakeTest {
    private TunnelTestKit kit;

    @AfterEach
    void tearDown() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void validTokenBringsTheTunnelUpWithTheAgentId() throws Exception {
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().build());
        TunnelClient client = kit.startAgent(2);

        Tunnel first = kit.awaitTunnelUp();
        Tunnel second = kit.awaitTunnelUp();
        client.firstConnected().get(10, TimeUnit.SECONDS);

        assertThat(first.agentId()).isEqualTo(TunnelTestKit.AGENT_ID);
        assertThat(second.agentId()).isEqualTo(TunnelTestKit.AGENT_ID);
        assertThat(first.id()).isNotEqualTo(second.id());
        assertThat(kit.server().tunnels()).hasSize(2);
        assertThat(kit.server().tunnel(TunnelTestKit.AGENT_ID)).isPresent();
        assertThat(kit.server().tunnel("someone-else")).isEmpty();
        // A round trip on each tunnel proves the agent has processed its OK line too.
        for (Tunnel t : new Tunnel[] {first, second}) {
            RecordingStreamListener l = RecordingStreamListener.open(t,
                    TunnelHeaders.request("GET", "/", "https", "x", "nobody", "none", 1, null), true);
            l.ended().get(10, TimeUnit.SECONDS);
        }
        assertThat(client.connectedTunnels()).isEqualTo(2);
    }

    @Test
    void badTokenGetsErrAndTheConnectionIsClosed() throws Exception {
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().build());
        try (SSLSocket s = kit.rawTlsSocket()) {
            s.getOutputStream().write("PORTCULLIS/1 nope\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).isEqualTo("ERR 1 unknown agent token");
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(kit.server().tunnels()).isEmpty();
    }

    @Test
    void agentWithBadTokenNeverConnects() throws Exception {
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().build());
        TunnelClient client = kit.startAgent(1, "bogus");
        assertThat(client.firstConnected()).failsWithin(Duration.ofMillis(500));
        assertThat(kit.server().tunnels()).isEmpty();
        assertThat(client.connectedTunnels()).isZero();
    }

    @Test
    void garbageHandshakeIsClosed() throws Exception {
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().build());
        try (SSLSocket s = kit.rawTlsSocket()) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("ERR ");
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThat(kit.server().tunnels()).isEmpty();
    }

    @Test
    void oversizedHandshakeLineIsClosedWithoutAnAnswer() throws Exception {
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().build());
        try (SSLSocket s = kit.rawTlsSocket()) {
            byte[] big = new byte[9000];
            Arrays.fill(big, (byte) 'a');
            OutputStream out = s.getOutputStream();
            out.write("PORTCULLIS/1 ".getBytes(StandardCharsets.US_ASCII));
            out.write(big);
            out.flush();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(kit.server().tunnels()).isEmpty();
    }

    @Test
    void silentConnectionIsClosedAfterTheHandshakeTimeout() throws Exception {
        // The timeout covers the TLS handshake too: 300 ms cut a cold JDK client's handshake short on a loaded machine
        // ("Broken pipe" in startHandshake); 1 s leaves room for it and still ends well inside the 5 s bound below.
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().handshakeTimeout(Duration.ofSeconds(1)).build());
        try (SSLSocket s = kit.rawTlsSocket()) {
            long start = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(5_000);
        }
    }

    @Test
    void unresponsivePeerIsDroppedAfterThePingTimeout() throws Exception {
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings()
                .pingInterval(Duration.ofMillis(100)).pingTimeout(Duration.ofMillis(300)).build());
        try (SSLSocket s = kit.rawTlsSocket()) {
            s.getOutputStream().write("PORTCULLIS/1 token-mute\n".getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            // Authenticated, then never speaks HTTP/2: no SETTINGS, no PING ACK.
            Tunnel t = kit.awaitTunnelUp();
            assertThat(t.agentId()).isEqualTo("mute");
            t.closeFuture().get(10, TimeUnit.SECONDS);
            assertThat(kit.awaitTunnelDown()).isSameAs(t);
        }
    }

    @Test
    void agentReconnectsAfterTheProxySideDropsTheTunnel() throws Exception {
        kit = TunnelTestKit.start();
        Tunnel first = kit.tunnel();
        first.close();
        kit.awaitTunnelDown();
        Tunnel second = kit.awaitTunnelUp();
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(kit.server().tunnel(TunnelTestKit.AGENT_ID)).contains(second);
    }

    @Test
    void agentRefusesAProxyCertificateForAnotherName() throws Exception {
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().build());
        // The kit's certificate is trusted but names localhost/127.0.0.1, not this host.
        try (TunnelClient client = TunnelClient.start(
                kit.clientConfig("token-" + TunnelTestKit.AGENT_ID).serverName("proxy.other.example").build())) {
            assertThat(client.firstConnected()).failsWithin(Duration.ofMillis(1500));
            assertThat(kit.server().tunnels()).isEmpty();
        }
    }

    @Test
    void startFailsWhenThePortIsTaken() throws Exception {
        kit = TunnelTestKit.serverOnly(TunnelTestKit.testSettings().build());
        int taken = kit.server().localAddress().getPort();
        TunnelServerConfig config = TunnelServerConfig.builder()
                .bind("127.0.0.1", taken)
                .sslContext(io.netty.handler.ssl.SslContextBuilder.forServer(
                        kit.certificateKey(), kit.certificate()).build())
                .blockingExecutor(Runnable::run)
                .build();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> TunnelServer.start(config, token -> "x", new TunnelServer.Listener() { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot bind 127.0.0.1:" + taken);
    }
}
