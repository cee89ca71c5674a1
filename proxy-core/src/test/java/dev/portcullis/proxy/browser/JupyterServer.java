package dev.portcullis.proxy.browser;

import dev.portcullis.proxy.demo.DemoJupyter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The demo's real Jupyter notebook server ({@link DemoJupyter}: Debian's notebook 6.4 as a child process on a free
 * loopback port, own HOME/config/runtime dirs, token and password off, {@code allow_remote_access}, no
 * {@code allow_origin}, a working xterm.js for its terminal page on bookworm), set up for the browser tests: bash for
 * its terminals, a retry if another process took the free port first, and an
 * {@link AssertionError} with Jupyter's log when it does not come up. {@link #close()} stops it and its kernels and
 * shells by PID.
 *
 * <p>Not thread-safe to start or close; accessors are safe.
 */
public final class JupyterServer implements AutoCloseable {
    /** Debian's launcher (see {@link BrowserTools#JUPYTER}). */
    private static final Path EXECUTABLE = BrowserTools.JUPYTER;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int START_ATTEMPTS = 3;

    private final DemoJupyter jupyter;
    private final String baseUrl;

    private JupyterServer(DemoJupyter jupyter, String baseUrl) {
        this.jupyter = jupyter;
        this.baseUrl = baseUrl;
    }

    /** Starts Jupyter with {@code baseUrl} (starting and ending in '/') and waits until its API answers. */
    public static JupyterServer start(Path dir, String baseUrl) throws IOException {
        Map<String, Object> settings = Map.of("terminado_settings", Map.of("shell_command", List.of("/bin/bash")));
        AssertionError failure = null;
        // The free port is found by binding and closing a socket; another process may take it in between: retry.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            DemoJupyter jupyter = DemoJupyter.start(EXECUTABLE, dir.resolve("attempt-" + attempt), baseUrl, settings);
            JupyterServer server = new JupyterServer(jupyter, baseUrl);
            if (jupyter.awaitReady(READY_TIMEOUT)) {
                return server;
            }
            failure = new AssertionError("jupyter did not answer on 127.0.0.1:" + jupyter.port() + baseUrl + "api within "
                    + READY_TIMEOUT + " (attempt " + attempt + "); its log:\n" + server.logTail());
            jupyter.close();
        }
        throw failure;
    }

    public int port() {
        return jupyter.port();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Path log() {
        return jupyter.log();
    }

    /** The last lines of Jupyter's log. */
    public String logTail() {
        return BrowserRun.tail(log()).orElse("(no log)");
    }

    @Override
    public void close() {
        jupyter.close();
    }
}
