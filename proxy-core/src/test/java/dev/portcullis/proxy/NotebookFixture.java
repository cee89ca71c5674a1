package dev.portcullis.proxy;

import dev.portcullis.proxy.BrowserUrls.Mode;
import dev.portcullis.proxy.browser.BrowserRun;
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
 * {@link #urls} has the links a browser follows.
 */
final class NotebookFixture implements AutoCloseable {
    static final String OTHER_APP_TEXT = "Session B's own app";

    final Mode mode;
    private final Path dir;
    final MockWebServer otherApp = new MockWebServer();
    // Assigned in order by the constructor; close() copes with the ones a failed start never reached.
    JupyterServer jupyter;
    CountingRelay relay;
    ProxyTestKit kit;
    /** The links and cookie names a browser uses in this mode. */
    BrowserUrls urls;

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
                    b -> mode == Mode.SUBDOMAIN ? b.appsDomain(BrowserUrls.APPS_DOMAIN) : b);
            urls = new BrowserUrls(mode, kit);
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

    /**
     * Runs a browser scenario in this mode with its artifacts in {@code target/browser-artifacts/<mode>/<scenario>/},
     * and keeps Jupyter's log there too.
     */
    BrowserRun run(String script, String scenario, Map<String, Object> options) throws IOException {
        BrowserRun run = urls.run(script, scenario, options);
        Files.copy(jupyter.log(), urls.artifacts(scenario).resolve("jupyter.log"), StandardCopyOption.REPLACE_EXISTING);
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
