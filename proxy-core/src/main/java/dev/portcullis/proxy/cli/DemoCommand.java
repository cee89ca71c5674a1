package dev.portcullis.proxy.cli;

import dev.portcullis.proxy.ProxyConfig;
import dev.portcullis.proxy.ProxyServer;
import dev.portcullis.proxy.auth.DemoKeys;
import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenMinter;
import dev.portcullis.proxy.auth.TokenSettings;
import dev.portcullis.proxy.demo.DemoJupyter;
import dev.portcullis.proxy.demo.SampleApp;
import dev.portcullis.proxy.internal.FrontHandler;
import dev.portcullis.proxy.route.Route;
import dev.portcullis.proxy.terminal.TerminalBackend;
import dev.portcullis.proxy.terminal.TerminalConfig;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code portcullis demo}: a proxy, an agent and sample apps in one process, on loopback, with the in-memory
 * registry: the sample web app, and a real Jupyter notebook server when {@code jupyter-notebook} is on the PATH. The
 * agent reaches the proxy over the real TLS tunnel and the apps only through the agent, exactly as in a deployment;
 * only the processes are folded into one. Prints a sign-in link to the dashboard, which lists the apps.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start proxy + agent + sample apps on loopback and print the dashboard's sign-in link.")
public final class DemoCommand implements Callable<Integer> {
    static final String SESSION = "demo";
    static final String APP = "web";
    static final String NOTEBOOK = "notebook";
    static final String TERM = "term";
    static final String USER = "demo-user";
    static final String AGENT = "demo-agent";
    private static final Duration LINK_TTL = Duration.ofMinutes(15);
    private static final Duration JUPYTER_READY = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "8080", description = "Public port (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Public bind address (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--no-jupyter", description = "Do not start Jupyter even if jupyter-notebook is on the PATH.")
    boolean noJupyter;

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
        TerminalBackend terminal = shutdown.add(TerminalBackend.start("127.0.0.1", 0, TerminalConfig.builder().build()));
        List<AppSpec> sessionApps = new ArrayList<>();
        sessionApps.add(new AppSpec(APP, app.port(), AppKind.HTTP));
        sessionApps.add(new AppSpec(TERM, terminal.port(), AppKind.TERMINAL));
        Optional<Path> jupyterExecutable = noJupyter ? Optional.empty() : DemoJupyter.executable();
        DemoJupyter jupyter = null;
        if (jupyterExecutable.isPresent()) {
            jupyter = shutdown.add(DemoJupyter.start(jupyterExecutable.get(), dir.resolve("jupyter"),
                    Route.pathPrefix(new SessionId(SESSION), NOTEBOOK)));
        }

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

        PrintWriter err = spec.commandLine().getErr();
        if (jupyter != null) {
            err.println("portcullis: waiting for Jupyter to start (log " + jupyter.log() + ")");
            err.flush();
            if (jupyter.awaitReady(JUPYTER_READY)) {
                sessionApps.add(new AppSpec(NOTEBOOK, jupyter.port(), AppKind.JUPYTER));
            } else {
                err.println("portcullis: Jupyter did not start within " + JUPYTER_READY.toSeconds() + " s; see "
                        + jupyter.log() + ". Going on without it.");
            }
        }
        registry.putSession(new SessionRecord(new SessionId(SESSION), USER, AGENT, sessionApps));
        AppTable apps = new AppTable();
        for (AppSpec a : sessionApps) {
            apps.put(SESSION, a.name(), a.port());
        }
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
        String login = minter.mint(TokenClass.LOGIN, USER, null, null, LINK_TTL);
        String launch = minter.mint(TokenClass.LAUNCH, USER, SESSION, APP, tokens.maxLaunchLifetime());
        String access = minter.mint(TokenClass.ACCESS, USER, SESSION, APP, Duration.ofHours(1));
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.println("Portcullis demo is running: proxy " + proxy.publicAddress() + ", agent tunnel over TLS to "
                + proxy.tunnelAddress() + ", apps behind the agent: " + describe(sessionApps)
                + (jupyterExecutable.isEmpty() && !noJupyter ? " (no Jupyter: jupyter-notebook is not on the PATH)" : "")
                + ".");
        out.println();
        out.println("Open your dashboard in a browser (single-use sign-in link, valid " + LINK_TTL.toMinutes()
                + " minutes); it lists the apps, ready to open:");
        out.println("  " + base + "/.portcullis/login?token=" + login);
        out.println();
        out.println("Or open the web app directly (single-use launch link, valid " + tokens.maxLaunchLifetime().toMinutes()
                + " minutes: launch tokens live at most that long):");
        out.println("  " + base + FrontHandler.LAUNCH_PATH + "?token=" + launch);
        out.println();
        out.println("Or as a CLI client with a bearer token for the web app (valid 1 hour):");
        out.println("  export TOKEN=" + access);
        out.println("  curl -H \"Authorization: Bearer $TOKEN\" " + base + "/s/" + SESSION + "/" + APP + "/");
        out.println("  websocat -H \"Authorization: Bearer $TOKEN\" " + base.replace("http", "ws") + "/s/" + SESSION + "/"
                + APP + "/ws");
        out.println();
        String termLaunch = minter.mint(TokenClass.LAUNCH, USER, SESSION, TERM, tokens.maxLaunchLifetime());
        String termAccess = minter.mint(TokenClass.ACCESS, USER, SESSION, TERM, Duration.ofHours(1));
        out.println("A shell in the session (terminal app '" + TERM + "'), in a browser (single-use link):");
        out.println("  " + base + "/.portcullis/launch?token=" + termLaunch);
        out.println("or from this terminal ('exit' ends it, Ctrl-] quits):");
        out.println("  ./portcullis term --url " + base.replace("http", "ws") + "/s/" + SESSION + "/" + TERM
                + "/terminals/websocket/1 --token " + termAccess);
        out.println();
        // Not "ADMIN_TOKEN=": scripts grep the output for "TOKEN=" to find the user's bearer token.
        out.println("Admin page and API, this machine only (live connections, kick, revoke; token valid 1 hour):");
        out.println("  http://127.0.0.1:" + proxy.adminAddress().getPort() + "/admin/");
        out.println("  export ADMIN=" + minter.mint(TokenClass.ADMIN, "demo-operator", null, null, Duration.ofHours(1)));
        out.println("  curl -H \"Authorization: Bearer $ADMIN\" http://127.0.0.1:" + proxy.adminAddress().getPort()
                + "/admin/api/connections");
        out.println();
        out.println("More tokens (a new sign-in link, a launch link):");
        out.println("  ./portcullis token --private-jwk " + privateJwk + " --class login --subject " + USER);
        out.println("  ./portcullis token --private-jwk " + privateJwk + " --class launch --subject " + USER
                + " --session " + SESSION + " --app " + APP);
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();
        shutdown.awaitSignal();
        return 0;
    }

    private static String describe(List<AppSpec> apps) {
        StringBuilder b = new StringBuilder();
        for (AppSpec a : apps) {
            b.append(b.length() == 0 ? "" : ", ").append(a.name()).append(" (").append(a.kind().name().toLowerCase(Locale.ROOT))
                    .append(")");
        }
        return b.toString();
    }

    private static String hostForUrl(String host) {
        return "0.0.0.0".equals(host) ? "127.0.0.1" : host;
    }
}
