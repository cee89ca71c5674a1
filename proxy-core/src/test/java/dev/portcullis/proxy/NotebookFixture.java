package dev.portcullis.proxy;

import dev.portcullis.proxy.auth.AppCookies;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.browser.BrowserRun;
import dev.portcullis.proxy.browser.BrowserScripts;
import dev.portcullis.proxy.browser.CountingRelay;
import dev.portcullis.proxy.browser.JupyterServer;
import dev.portcullis.proxy.route.Route;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import dev.portcullis.tunnel.TunnelSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * One routing mode's world for the browser tests: a real Jupyter (base URL = the public prefix in path mode, '/' in
 * subdomain mode) behind a {@link CountingRelay}, {@link ProxyTestKit#SESSION}'s app pointing at the relay; a small
 * page for {@link ProxyTestKit#OTHER_SESSION} (another owner); the proxy and the agent of {@link ProxyTestKit}.
 * Subdomain hosts are {@code <session>-<app>.apps.test}, which Chromium maps to 127.0.0.1 (no DNS needed).
 */
final class NotebookFixture implements AutoCloseable {
    enum Mode { PATH, SUBDOMAIN }

    static final String APPS_DOMAIN = "apps.test";
    static final String OTHER_APP_TEXT = "Session B's own app";
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);

    final Mode mode;
    private final Path dir;
    final MockWebServer otherApp = new MockWebServer();
    // Assigned in order by the constructor; close() copes with the ones a failed start never reached.
    JupyterServer jupyter;
    CountingRelay relay;
    ProxyTestKit kit;

    private NotebookFixture(Mode mode, Path dir) throws Exception {
        this.mode = mode;
        this.dir = dir;
        otherApp.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                return new MockResponse.Builder().addHeader("Content-Type", "text/html; charset=utf-8")
                        .body("<!DOCTYPE html><title>B</title><h1>" + OTHER_APP_TEXT + "</h1>").build();
            }
        });
        try {
            otherApp.start();
            String baseUrl = mode == Mode.PATH ? Route.pathPrefix(new SessionId(ProxyTestKit.SESSION), ProxyTestKit.APP) : "/";
            jupyter = JupyterServer.start(dir.resolve("jupyter"), baseUrl);
            relay = CountingRelay.start(jupyter.port());
            kit = ProxyTestKit.start(relay.port(), otherApp.getPort(), TunnelSettings.defaults(), 1,
                    b -> mode == Mode.SUBDOMAIN ? b.appsDomain(APPS_DOMAIN) : b);
            // As a control plane would register it: the app is a Jupyter server.
            kit.registry.putSession(new SessionRecord(new SessionId(ProxyTestKit.SESSION), ProxyTestKit.OWNER,
                    ProxyTestKit.AGENT, List.of(new AppSpec(ProxyTestKit.APP, relay.port(), AppKind.JUPYTER))));
        } catch (Exception | Error e) {
            close();
            throw e;
        }
    }

    /** Starts everything; on a failure stops what did start. */
    static NotebookFixture start(Mode mode) throws Exception {
        Path dir = Files.createTempDirectory("portcullis-browser-" + mode.name().toLowerCase(Locale.ROOT));
        return new NotebookFixture(mode, dir);
    }

    private String port() {
        return Integer.toString(kit.proxy.publicAddress().getPort());
    }

    /** The app's root as the browser sees it, ending in '/'. */
    String appUrl(String session) {
        return mode == Mode.PATH
                ? "http://127.0.0.1:" + port() + Route.pathPrefix(new SessionId(session), ProxyTestKit.APP)
                : "http://" + session + "-" + ProxyTestKit.APP + "." + APPS_DOMAIN + ":" + port() + "/";
    }

    /** A fresh single-use launch link for {@code session} (owned by {@code owner}), on the proxy's plain address. */
    String launchUrl(String session, String owner) {
        String token = kit.minter.mint(TokenClass.LAUNCH, owner, session, ProxyTestKit.APP, Duration.ofMinutes(2));
        return "http://127.0.0.1:" + port() + "/.portcullis/launch?token=" + token;
    }

    /** A fresh single-use login link to the dashboard for {@code user}, on the proxy's plain address (not an app host). */
    String loginUrl(String user) {
        String token = kit.minter.mint(TokenClass.LOGIN, user, null, null, Duration.ofMinutes(2));
        return "http://127.0.0.1:" + port() + "/.portcullis/login?token=" + token;
    }

    /** The name of the proxy's cookie for {@code session}'s app in this mode. */
    String cookieName(String session) {
        return AppCookies.cookieName(session, ProxyTestKit.APP, mode == Mode.SUBDOMAIN, false);
    }

    /**
     * Runs a browser scenario in this mode (subdomain hosts mapped to loopback) with its artifacts in
     * {@code target/browser-artifacts/<mode>/<scenario>/}, and keeps Jupyter's log there too.
     */
    BrowserRun run(String script, String scenario, Map<String, Object> options) throws IOException {
        Path out = BrowserScripts.ARTIFACTS.resolve(mode.name().toLowerCase(Locale.ROOT)).resolve(scenario);
        Map<String, Object> all = new HashMap<>(options);
        if (mode == Mode.SUBDOMAIN) {
            all.put("hostResolverRules", "MAP *." + APPS_DOMAIN + " 127.0.0.1");
        }
        BrowserRun run = BrowserScripts.run(script, all, out, RUN_TIMEOUT);
        Files.copy(jupyter.log(), out.resolve("jupyter.log"), StandardCopyOption.REPLACE_EXISTING);
        return run;
    }

    @Override
    public void close() throws IOException {
        if (kit != null) {
            kit.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (jupyter != null) {
            jupyter.close();
        }
        otherApp.close();
        // Jupyter has stopped: its HOME, config and notebooks go (the screenshots stay under target/).
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
