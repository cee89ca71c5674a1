package dev.portcullis.proxy;

import dev.portcullis.proxy.auth.DemoKeys;
import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenMinter;
import dev.portcullis.proxy.auth.TokenSettings;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.memory.InMemorySessionRegistry;
import dev.portcullis.tunnel.AppTable;
import dev.portcullis.tunnel.TunnelClient;
import dev.portcullis.tunnel.TunnelClientConfig;
import dev.portcullis.tunnel.TunnelSettings;
import dev.portcullis.tunnel.tls.SelfSignedCertificate;
import dev.portcullis.tunnel.tls.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;

/**
 * Starts a real proxy (all listeners on port 0), a real agent ({@link TunnelClient} over TLS) whose app table points
 * session {@link #SESSION}'s app {@link #APP} at a given port, an in-memory registry holding that session (owner
 * {@link #OWNER}, agent {@link #AGENT}), demo keys and a minter. Closes everything in reverse order.
 */
final class ProxyTestKit implements AutoCloseable {
    static final String SESSION = "sess-a";
    static final String OTHER_SESSION = "sess-b";
    static final String APP = "app";
    static final String OWNER = "alice";
    static final String OTHER_OWNER = "bob";
    static final String AGENT = "agent-1";
    static final String ISSUER = "https://manager.test";
    static final String AUDIENCE = "portcullis";
    static final String AGENT_AUDIENCE = "portcullis-agent";

    final Path dir;
    final TokenSettings tokenSettings;
    final TokenMinter minter;
    final InMemorySessionRegistry registry;
    final ProxyServer proxy;
    final AppTable apps = new AppTable();
    final OkHttpClient http;
    private final SelfSignedCertificate certificate;
    private final TunnelSettings tunnelSettings;
    private final List<TunnelClient> agents = new ArrayList<>();

    private ProxyTestKit(int appPort, int otherAppPort, TunnelSettings tunnelSettings, UnaryOperator<ProxyConfig.Builder> customize,
            UnaryOperator<TokenSettings.Builder> tokens) throws IOException {
        dir = Files.createTempDirectory("portcullis-test");
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.jwk"));
        tokenSettings = tokens.apply(TokenSettings.builder()
                .issuer(ISSUER)
                .audience(AUDIENCE)
                .agentAudience(AGENT_AUDIENCE)
                .keySet(KeySet.fromJwksFile(dir.resolve("jwks.json"))))
                .build();
        minter = TokenMinter.fromPrivateJwkFile(dir.resolve("private.jwk"), tokenSettings);
        certificate = SelfSignedCertificate.forLocalhost(dir.resolve("tls"));
        this.tunnelSettings = tunnelSettings;
        registry = new InMemorySessionRegistry(Clock.systemUTC());
        registry.putSession(new SessionRecord(new SessionId(SESSION), OWNER, AGENT, List.of(new AppSpec(APP, appPort, AppKind.HTTP))));
        registry.putSession(new SessionRecord(new SessionId(OTHER_SESSION), OTHER_OWNER, AGENT,
                List.of(new AppSpec(APP, otherAppPort, AppKind.HTTP))));
        ProxyConfig.Builder config = ProxyConfig.builder()
                .publicBind("127.0.0.1", 0)
                .tunnelBind("127.0.0.1", 0)
                .adminBind("127.0.0.1", 0)
                .tunnelTls(certificate.certificatePath(), pkcs8Key(certificate, dir.resolve("tls-key-pkcs8.pem")))
                .tokenSettings(tokenSettings)
                .tunnelSettings(tunnelSettings)
                .workerThreads(32);
        proxy = ProxyServer.start(customize.apply(config).build(), registry);
        apps.put(SESSION, APP, appPort);
        apps.put(OTHER_SESSION, APP, otherAppPort);
        http = new OkHttpClient.Builder()
                .followRedirects(false)
                .readTimeout(30, TimeUnit.SECONDS)
                .build();
    }

    /** A proxy whose agent (one tunnel connection) serves {@link #SESSION}/{@link #APP} on {@code appPort}. */
    static ProxyTestKit start(int appPort) throws Exception {
        return start(appPort, TunnelSettings.defaults(), 1, b -> b);
    }

    static ProxyTestKit start(int appPort, TunnelSettings settings, int connections, UnaryOperator<ProxyConfig.Builder> customize)
            throws Exception {
        return start(appPort, appPort, settings, connections, customize, t -> t);
    }

    /** As above, with the token settings changed by {@code tokens} (the kit's demo key stays the default key set). */
    static ProxyTestKit start(int appPort, TunnelSettings settings, int connections, UnaryOperator<ProxyConfig.Builder> customize,
            UnaryOperator<TokenSettings.Builder> tokens) throws Exception {
        return start(appPort, appPort, settings, connections, customize, tokens);
    }

    /** As above, with {@link #OTHER_SESSION}'s app (owner {@link #OTHER_OWNER}) on its own port. */
    static ProxyTestKit start(int appPort, int otherAppPort, TunnelSettings settings, int connections,
            UnaryOperator<ProxyConfig.Builder> customize) throws Exception {
        return start(appPort, otherAppPort, settings, connections, customize, t -> t);
    }

    private static ProxyTestKit start(int appPort, int otherAppPort, TunnelSettings settings, int connections,
            UnaryOperator<ProxyConfig.Builder> customize, UnaryOperator<TokenSettings.Builder> tokens) throws Exception {
        ProxyTestKit kit = new ProxyTestKit(appPort, otherAppPort, settings, customize, tokens);
        try {
            kit.startAgent(connections);
        } catch (Exception | Error e) {
            kit.close();
            throw e;
        }
        return kit;
    }

    /**
     * A proxy with no agent: the test brings its own ({@link ScriptedAgent}) under {@link #AGENT}'s id. {@code appPort}
     * only fills the registry's app spec.
     */
    static ProxyTestKit startWithoutAgent(int appPort) throws IOException {
        return new ProxyTestKit(appPort, appPort, TunnelSettings.defaults(), b -> b, t -> t);
    }

    /** The tunnel listener's certificate (PEM), for an agent to trust. */
    Path tunnelCertificate() {
        return certificate.certificatePath();
    }

    /** A fresh agent token for {@code agentId}. */
    String agentToken(String agentId) {
        return minter.mint(TokenClass.AGENT, agentId, null, null, Duration.ofMinutes(5));
    }

    /** The certificate's key as PKCS#8 PEM (what ProxyConfig documents), independent of the generator's format. */
    static Path pkcs8Key(SelfSignedCertificate certificate, Path file) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                        .encodeToString(certificate.privateKey().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return Files.writeString(file, pem);
    }

    /** Starts an agent and waits until the proxy can route to it. */
    TunnelClient startAgent(int connections) throws Exception {
        return startAgent(AGENT, apps, connections);
    }

    /** Starts an agent with its own id and app table and waits until the proxy can route to it. */
    TunnelClient startAgent(String agentId, AppTable table, int connections) throws Exception {
        SslContext ssl = TunnelTls.forClient().trustManager(certificate.certificatePath().toFile()).build();
        TunnelClient agent = TunnelClient.start(TunnelClientConfig.builder()
                .proxy("127.0.0.1", proxy.tunnelAddress().getPort())
                .sslContext(ssl)
                .serverName("localhost")
                .tokenSource(() -> agentToken(agentId))
                .apps(table)
                .connections(connections)
                .settings(tunnelSettings)
                .build());
        agents.add(agent);
        agent.firstConnected().get(15, TimeUnit.SECONDS);
        await(() -> proxy.tunnelServer().tunnel(agentId).isPresent(), Duration.ofSeconds(10));
        return agent;
    }

    /** Kills every agent at once (no GOAWAY), as if the agent process died, and waits until the proxy noticed. */
    void terminateAgents() {
        agents.forEach(TunnelClient::terminate);
        await(() -> proxy.tunnelServer().tunnel(AGENT).isEmpty(), Duration.ofSeconds(10));
    }

    /** Waits for a condition with a deadline (polling, no fixed sleep); fails the test if it never holds. */
    static void await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + timeout);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    String accessToken() {
        return accessToken(SESSION, APP);
    }

    String accessToken(String session, String app) {
        return minter.mint(TokenClass.ACCESS, OWNER, session, app, Duration.ofMinutes(5));
    }

    /** An admin-API token (class ADMIN) for subject "ops". */
    String adminToken() {
        return minter.mint(TokenClass.ADMIN, "ops", null, null, Duration.ofMinutes(5));
    }

    /** {@code http://127.0.0.1:<port><path>} of the admin listener. */
    String adminUrl(String path) {
        return "http://127.0.0.1:" + proxy.adminAddress().getPort() + path;
    }

    String launchToken() {
        return minter.mint(TokenClass.LAUNCH, OWNER, SESSION, APP, Duration.ofMinutes(2));
    }

    /** {@code http://127.0.0.1:<port><path>} of the public listener. */
    String url(String path) {
        return "http://127.0.0.1:" + proxy.publicAddress().getPort() + path;
    }

    Request.Builder get(String path) {
        return new Request.Builder().url(url(path));
    }

    Request.Builder authorized(String path) {
        return get(path).header("Authorization", "Bearer " + accessToken());
    }

    /** Opens a WebSocket, returns the handshake response (101) and drops the socket; fails if it does not open. */
    Response openWebSocket(Request request) throws Exception {
        java.util.concurrent.CompletableFuture<Response> opened = new java.util.concurrent.CompletableFuture<>();
        WebSocket ws = http.newWebSocket(request, new WebSocketListener() {
            @Override
            public void onOpen(WebSocket webSocket, Response response) {
                opened.complete(response);
            }

            @Override
            public void onFailure(WebSocket webSocket, Throwable t, Response response) {
                opened.completeExceptionally(t);
            }
        });
        try {
            return opened.get(10, TimeUnit.SECONDS);
        } finally {
            ws.cancel();
        }
    }

    @Override
    public void close() {
        if (http != null) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
        for (TunnelClient agent : agents) {
            agent.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        registry.close();
    }
}
