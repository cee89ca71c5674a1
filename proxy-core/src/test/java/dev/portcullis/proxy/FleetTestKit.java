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
import dev.portcullis.registry.SessionRegistry;
import dev.portcullis.registry.redis.RedisRegistryConfig;
import dev.portcullis.registry.redis.RedisSessionRegistry;
import dev.portcullis.tunnel.AppTable;
import dev.portcullis.tunnel.TunnelClient;
import dev.portcullis.tunnel.TunnelClientConfig;
import dev.portcullis.tunnel.tls.SelfSignedCertificate;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;

/**
 * A fleet on one machine: {@code n} proxy nodes, each with its own {@link RedisSessionRegistry} client of one real
 * redis-server (one key prefix per fleet), sharing keys and the cookie secret, and one agent ({@link #AGENT}) with a
 * tunnel to every node. Session {@link #SESSION} (owner {@link #OWNER}) has app {@link #APP} on {@code appPort}.
 */
final class FleetTestKit implements AutoCloseable {
    static final String SESSION = "fleet-a";
    static final String APP = "app";
    static final String OWNER = "alice";
    static final String AGENT = "agent-1";
    private static final AtomicInteger fleets = new AtomicInteger();

    final Path dir;
    final TokenSettings tokenSettings;
    final TokenMinter minter;
    final AppTable apps = new AppTable();
    final List<SessionRegistry> registries = new ArrayList<>();
    final List<ProxyServer> nodes = new ArrayList<>();
    final List<TunnelClient> agents = new ArrayList<>();
    final OkHttpClient http = new OkHttpClient.Builder().followRedirects(false).readTimeout(30, TimeUnit.SECONDS).build();

    private FleetTestKit(String redisHost, int redisPort, int n, int appPort, Consumer<ProxyConfig.Builder> nodeOptions,
            Consumer<RedisRegistryConfig.Builder> redisOptions) throws Exception {
        dir = Files.createTempDirectory("portcullis-fleet");
        DemoKeys.generate(dir.resolve("jwks.json"), dir.resolve("private.jwk"));
        tokenSettings = TokenSettings.builder()
                .issuer(ProxyTestKit.ISSUER)
                .audience(ProxyTestKit.AUDIENCE)
                .agentAudience(ProxyTestKit.AGENT_AUDIENCE)
                .keySet(KeySet.fromJwksFile(dir.resolve("jwks.json")))
                .build();
        minter = TokenMinter.fromPrivateJwkFile(dir.resolve("private.jwk"), tokenSettings);
        SelfSignedCertificate certificate = SelfSignedCertificate.forLocalhost(dir.resolve("tls"));
        Path key = ProxyTestKit.pkcs8Key(certificate, dir.resolve("tls-key-pkcs8.pem"));
        byte[] cookieSecret = new byte[32];
        new SecureRandom().nextBytes(cookieSecret);
        String prefix = "fleet" + fleets.incrementAndGet() + ":";
        apps.put(SESSION, APP, appPort);
        SslContext ssl = SslContextBuilder.forClient().trustManager(certificate.certificatePath().toFile()).build();
        for (int i = 1; i <= n; i++) {
            RedisRegistryConfig.Builder redisConfig = RedisRegistryConfig.builder()
                    .host(redisHost).port(redisPort).keyPrefix(prefix);
            redisOptions.accept(redisConfig);
            SessionRegistry registry = new RedisSessionRegistry(redisConfig.build());
            registries.add(registry);
            if (i == 1) {
                registry.putSession(new SessionRecord(new SessionId(SESSION), OWNER, AGENT,
                        List.of(new AppSpec(APP, appPort, AppKind.HTTP))));
            }
            ProxyConfig.Builder nodeConfig = ProxyConfig.builder()
                    .nodeId("node-" + i)
                    .publicBind("127.0.0.1", 0)
                    .tunnelBind("127.0.0.1", 0)
                    .adminBind("127.0.0.1", 0)
                    .tunnelTls(certificate.certificatePath(), key)
                    .tokenSettings(tokenSettings)
                    .cookieSecret(cookieSecret)
                    .workerThreads(16);
            nodeOptions.accept(nodeConfig);
            ProxyServer node = ProxyServer.start(nodeConfig.build(), registry);
            nodes.add(node);
            TunnelClient agent = TunnelClient.start(TunnelClientConfig.builder()
                    .proxy("127.0.0.1", node.tunnelAddress().getPort())
                    .sslContext(ssl)
                    .serverName("localhost")
                    .tokenSource(() -> minter.mint(TokenClass.AGENT, AGENT, null, null, Duration.ofMinutes(5)))
                    .apps(apps)
                    .connections(1)
                    .build());
            agents.add(agent);
            agent.firstConnected().get(15, TimeUnit.SECONDS);
            ProxyTestKit.await(() -> node.tunnelServer().tunnel(AGENT).isPresent(), Duration.ofSeconds(10));
        }
    }

    static FleetTestKit start(String redisHost, int redisPort, int n, int appPort) throws Exception {
        return start(redisHost, redisPort, n, appPort, node -> { }, redis -> { });
    }

    /** As {@link #start(String, int, int, int)}, with each node's and each registry client's options adjusted. */
    static FleetTestKit start(String redisHost, int redisPort, int n, int appPort, Consumer<ProxyConfig.Builder> nodeOptions,
            Consumer<RedisRegistryConfig.Builder> redisOptions) throws Exception {
        return new FleetTestKit(redisHost, redisPort, n, appPort, nodeOptions, redisOptions);
    }

    /** Node {@code i}, counted from 1. */
    ProxyServer node(int i) {
        return nodes.get(i - 1);
    }

    String url(int node, String path) {
        return "http://127.0.0.1:" + node(node).publicAddress().getPort() + path;
    }

    AdminClient admin(int node) {
        return new AdminClient(http, path -> "http://127.0.0.1:" + node(node).adminAddress().getPort() + path,
                () -> minter.mint(TokenClass.ADMIN, "ops", null, null, Duration.ofMinutes(5)));
    }

    String accessToken(String user, String session) {
        return minter.mint(TokenClass.ACCESS, user, session, APP, Duration.ofMinutes(10));
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        agents.forEach(TunnelClient::close);
        nodes.forEach(ProxyServer::close);
        registries.forEach(SessionRegistry::close);
    }
}
