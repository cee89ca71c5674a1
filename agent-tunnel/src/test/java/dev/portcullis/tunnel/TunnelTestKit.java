package dev.portcullis.tunnel;

import static java.util.Objects.requireNonNull;

import dev.portcullis.tunnel.agent.ReconnectPolicy;
import dev.portcullis.tunnel.tls.SelfSignedCertificate;
import dev.portcullis.tunnel.tls.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Starts a real {@link TunnelServer} and {@link TunnelClient} over TLS on loopback (port 0) with a self-signed
 * certificate and a trivial authenticator ({@code "token-" + agentId} authenticates {@code agentId}). For tests here
 * and in proxy-core (the module exports its test-jar).
 *
 * <p>Not thread-safe; one per test.
 */
public final class TunnelTestKit implements AutoCloseable {
    public static final String AGENT_ID = "agent-1";

    private final SelfSignedCertificate certificate;
    private final SslContext serverSsl;
    private final SslContext clientSsl;
    private final TunnelSettings settings;
    private final ExecutorService blocking = Executors.newCachedThreadPool();
    private final AppTable apps = new AppTable();
    private final BlockingQueue<Tunnel> ups = new LinkedBlockingQueue<>();
    private final BlockingQueue<Tunnel> downs = new LinkedBlockingQueue<>();
    private final TunnelServer server;
    private TunnelClient client;

    private TunnelTestKit(Path dir, TunnelSettings settings) throws Exception {
        this.certificate = SelfSignedCertificate.forLocalhost(dir);
        this.serverSsl = TunnelTls.forServer(certificate.privateKey(), certificate.certificate()).build();
        this.clientSsl = TunnelTls.forClient().trustManager(certificate.certificate()).build();
        this.settings = settings;
        this.server = TunnelServer.start(
                TunnelServerConfig.builder().bind("127.0.0.1", 0).sslContext(serverSsl).settings(settings)
                        .blockingExecutor(blocking).eventLoopThreads(2).build(),
                TunnelTestKit::authenticate,
                new TunnelServer.Listener() {
                    @Override
                    public void onTunnelUp(Tunnel t) {
                        ups.add(t);
                    }

                    @Override
                    public void onTunnelDown(Tunnel t) {
                        downs.add(t);
                    }
                });
    }

    /** Default settings but a 1 s shutdown grace, so teardown with open streams is quick. */
    public static TunnelSettings.Builder testSettings() {
        return TunnelSettings.builder().shutdownGrace(Duration.ofSeconds(1));
    }

    /** A server only; call {@link #startAgent} for the agent. */
    public static TunnelTestKit serverOnly(TunnelSettings settings) {
        try {
            return new TunnelTestKit(Files.createTempDirectory("tunnel-kit"), settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server and one connected agent (one tunnel), with default settings. */
    public static TunnelTestKit start() {
        return start(testSettings().build(), 1);
    }

    /** A server and a connected agent with {@code connections} tunnels. */
    public static TunnelTestKit start(TunnelSettings settings, int connections) {
        TunnelTestKit kit = serverOnly(settings);
        kit.startAgent(connections);
        for (int i = 0; i < connections; i++) {
            kit.awaitTunnelUp();
        }
        return kit;
    }

    static String authenticate(String token) throws AgentAuthenticationException {
        if (!token.startsWith("token-") || token.length() == 6) {
            throw new AgentAuthenticationException("unknown agent token", Duration.ofSeconds(1));
        }
        return token.substring(6);
    }

    /** Starts (or replaces) the agent; returns at once. */
    public TunnelClient startAgent(int connections) {
        return startAgent(connections, "token-" + AGENT_ID);
    }

    public TunnelClient startAgent(int connections, String token) {
        client = TunnelClient.start(clientConfig(token).connections(connections).build());
        return client;
    }

    /** A client config pointing at this kit's server (fast reconnects), for tests that build their own. */
    public TunnelClientConfig.Builder clientConfig(String token) {
        return TunnelClientConfig.builder()
                .proxy("127.0.0.1", server.localAddress().getPort())
                .serverName("localhost")
                .sslContext(clientSsl)
                .tokenSource(() -> token)
                .apps(apps)
                .settings(settings)
                .eventLoopThreads(2)
                .reconnectPolicy(new ReconnectPolicy(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(5)));
    }

    /** Waits (10 s) for the next tunnel to come up. */
    public Tunnel awaitTunnelUp() {
        return poll(ups, "tunnel up");
    }

    /** Waits (10 s) for the next tunnel to go down. */
    public Tunnel awaitTunnelDown() {
        return poll(downs, "tunnel down");
    }

    private static Tunnel poll(BlockingQueue<Tunnel> q, String what) {
        try {
            Tunnel t = q.poll(10, TimeUnit.SECONDS);
            if (t == null) {
                throw new TimeoutException("no " + what + " within 10 s");
            }
            return t;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** The least-loaded tunnel of the kit's agent. */
    public Tunnel tunnel() {
        Optional<Tunnel> t = server.tunnel(AGENT_ID);
        return t.orElseThrow(() -> new IllegalStateException("no tunnel of " + AGENT_ID));
    }

    public TunnelServer server() {
        return server;
    }

    public TunnelClient client() {
        return requireNonNull(client, "client (call startAgent)");
    }

    public AppTable apps() {
        return apps;
    }

    public X509Certificate certificate() {
        return certificate.certificate();
    }

    /** The private key of {@link #certificate()} (to build another server context in a test). */
    public java.security.PrivateKey certificateKey() {
        return certificate.privateKey();
    }

    public SslContext clientSslContext() {
        return clientSsl;
    }

    /** A raw TLS socket to the tunnel listener that trusts the kit's certificate, for handshake tests. */
    public SSLSocket rawTlsSocket() throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("kit", certificate.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", server.localAddress().getPort());
        s.setSoTimeout(10_000);
        s.startHandshake();
        return s;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
        server.close();
        blocking.shutdownNow();
    }
}
