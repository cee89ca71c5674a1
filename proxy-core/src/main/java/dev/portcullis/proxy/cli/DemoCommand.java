package dev.portcullis.proxy.cli;

import dev.portcullis.proxy.ProxyConfig;
import dev.portcullis.proxy.ProxyServer;
import dev.portcullis.proxy.auth.DemoKeys;
import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenMinter;
import dev.portcullis.proxy.auth.TokenSettings;
import dev.portcullis.proxy.demo.SampleApp;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.registry.memory.InMemorySessionRegistry;
import dev.portcullis.tunnel.AppTable;
import dev.portcullis.tunnel.TunnelClient;
import dev.portcullis.tunnel.TunnelClientConfig;
import dev.portcullis.tunnel.tls.SelfSignedCertificate;
import dev.portcullis.tunnel.tls.TunnelTls;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code portcullis demo}: a proxy, an agent and a sample app in one process, on loopback, with the in-memory
 * registry. The agent reaches the proxy over the real TLS tunnel and the sample app only through the agent, exactly
 * as in a deployment; only the processes are folded into one.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, description = "Start proxy + agent + sample app on loopback and print a URL to open.")
public final class DemoCommand implements Callable<Integer> {
    static final String SESSION = "demo";
    static final String APP = "web";
    static final String USER = "demo-user";
    static final String AGENT = "demo-agent";

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Public port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Public bind address (default ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("portcullis-demo");
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost(dir);
        Path jwks = dir.resolve("jwks.json");
        Path privateJwk = dir.resolve("private-jwk.json");
        DemoKeys.generate(jwks, privateJwk);
        TokenSettings tokens = TokenSettings.builder()
                .issuer("portcullis-demo")
                .audience("portcullis")
                .agentAudience("portcullis-tunnel")
                .keySet(KeySet.fromJwksFile(jwks))
                .build();
        TokenMinter minter = TokenMinter.fromPrivateJwkFile(privateJwk, tokens);

        Shutdown shutdown = new Shutdown();
        SampleApp app = shutdown.add(SampleApp.start("127.0.0.1", 0));
        InMemorySessionRegistry registry = shutdown.add(new InMemorySessionRegistry(Clock.systemUTC()));
        registry.putSession(new SessionRecord(
                new SessionId(SESSION), USER, AGENT, List.of(new AppSpec(APP, app.port(), AppKind.HTTP))));

        ProxyConfig.Builder config = ProxyConfig.builder()
                .publicBind(host, port)
                .tunnelBind("127.0.0.1", 0)
                .tunnelTls(cert.certificatePath(), cert.privateKeyPath())
                .adminBind("127.0.0.1", 0)
                .nodeId("demo-node")
                .tokenSettings(tokens);
        ProxyServer proxy;
        try {
            proxy = ProxyServer.start(config.build(), registry);
        } catch (RuntimeException e) {
            if (port == 0) {
                throw e;
            }
            spec.commandLine().getErr().println("portcullis: port " + port + " is not free (" + e.getMessage()
                    + "); using a free port instead");
            proxy = ProxyServer.start(config.publicBind(host, 0).build(), registry);
        }
        shutdown.add(proxy);

        AppTable apps = new AppTable();
        apps.put(SESSION, APP, app.port());
        TunnelClient agent = shutdown.add(TunnelClient.start(TunnelClientConfig.builder()
                .proxy("127.0.0.1", proxy.tunnelAddress().getPort())
                .sslContext(TunnelTls.forClient().trustManager(cert.certificate()).build())
                .serverName("localhost")
                // A fresh short-lived agent token on every dial, as a renewing token file would give.
                .tokenSource(() -> minter.mint(TokenClass.AGENT, AGENT, null, null, Duration.ofMinutes(5)))
                .apps(apps)
                .build()));
        agent.firstConnected().get(30, TimeUnit.SECONDS);

        String base = "http://" + hostForUrl(host) + ":" + proxy.publicAddress().getPort();
        String launch = minter.mint(TokenClass.LAUNCH, USER, SESSION, APP, Duration.ofMinutes(15));
        String access = minter.mint(TokenClass.ACCESS, USER, SESSION, APP, Duration.ofHours(1));
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("Portcullis demo is running: proxy " + proxy.publicAddress() + ", agent tunnel over TLS to "
                + proxy.tunnelAddress() + ", sample app behind the agent.");
        out.println();
        out.println("Open in a browser (single-use link, valid 15 minutes):");
        out.println("  " + base + "/.portcullis/launch?token=" + launch);
        out.println();
        out.println("Or as a CLI client with a bearer token (valid 1 hour):");
        out.println("  export TOKEN=" + access);
        out.println("  curl -H \"Authorization: Bearer $TOKEN\" " + base + "/s/" + SESSION + "/" + APP + "/");
        out.println("  websocat -H \"Authorization: Bearer $TOKEN\" " + base.replace("http", "ws") + "/s/" + SESSION + "/"
                + APP + "/ws");
        out.println();
        out.println("More tokens (e.g. a new launch link):");
        out.println("  ./portcullis token --private-jwk " + privateJwk + " --class launch --subject " + USER
                + " --session " + SESSION + " --app " + APP);
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();
        shutdown.awaitSignal();
        return 0;
    }

    private static String hostForUrl(String host) {
        return "0.0.0.0".equals(host) ? "127.0.0.1" : host;
    }
}
