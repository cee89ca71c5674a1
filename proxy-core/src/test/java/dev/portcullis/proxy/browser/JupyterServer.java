package dev.portcullis.proxy.browser;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Jupyter notebook server (Debian's, notebook 6.4) as a child process on a free loopback port, with its own
 * HOME, config, data and runtime directories under a given directory. Token and password are off: only the proxy
 * reaches it (through the agent), as in a real deployment where the proxy's gate is the login. {@code base_url} is the
 * public path prefix in path mode and {@code /} in subdomain mode; {@code allow_remote_access} lets it answer the
 * public Host that the proxy passes through (no {@code allow_origin}: Jupyter compares Origin with that Host).
 * {@link #close()} stops it, its kernels and its terminals by PID.
 *
 * <p>Not thread-safe to start or close; accessors are safe.
 */
public final class JupyterServer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(JupyterServer.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private final Process process;
    private final int port;
    private final String baseUrl;
    private final Path log;

    private JupyterServer(Process process, int port, String baseUrl, Path log) {
        this.process = process;
        this.port = port;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /** Starts Jupyter with {@code baseUrl} (starting and ending in '/') and waits until its API answers. */
    public static JupyterServer start(Path dir, String baseUrl) throws IOException, InterruptedException {
        if (!baseUrl.startsWith("/") || !baseUrl.endsWith("/")) {
            throw new IllegalArgumentException("baseUrl: " + baseUrl + " (expected: starts and ends with '/')");
        }
        // Notebooks and terminals start in HOME, as for a person logged in to their container.
        Path work = Files.createDirectories(dir.resolve("home"));
        Path staticDir = JupyterStatic.write(dir.resolve("static"));
        AssertionError failure = null;
        // The free port is found by binding and closing a socket; another process may take it in between: retry.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freePort();
            Path log = dir.resolve("jupyter-" + attempt + ".log");
            writeConfig(dir.resolve("config"), port, baseUrl, work, staticDir);
            ProcessBuilder builder = new ProcessBuilder(BrowserTools.JUPYTER.toString(), "notebook")
                    .directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            Map<String, String> env = builder.environment();
            env.clear();
            // Debian's python3 and tools first: a pyenv or venv python on the caller's PATH lacks the notebook.
            env.put("PATH", "/usr/bin:/bin");
            env.put("HOME", work.toString());
            env.put("SHELL", "/bin/bash");
            env.put("LANG", "C.UTF-8");
            env.put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
            env.put("JUPYTER_DATA_DIR", dir.resolve("data").toString());
            env.put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
            env.put("IPYTHONDIR", dir.resolve("ipython").toString());
            Process process = builder.start();
            JupyterServer server = new JupyterServer(process, port, baseUrl, log);
            try {
                server.awaitReady();
                logger.info("jupyter pid {} ready on 127.0.0.1:{}{} (log {})", process.pid(), port, baseUrl, log);
                return server;
            } catch (AssertionError e) {
                server.close();
                failure = e;
            }
        }
        throw failure;
    }

    private static void writeConfig(Path configDir, int port, String baseUrl, Path work, Path staticDir) throws IOException {
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("ip", "127.0.0.1");
        app.put("port", port);
        app.put("port_retries", 0);
        app.put("open_browser", false);
        app.put("token", "");
        app.put("password", "");
        app.put("base_url", baseUrl);
        app.put("allow_remote_access", true);
        app.put("allow_root", true);
        app.put("notebook_dir", work.toString());
        app.put("extra_static_paths", List.of(staticDir.toString()));
        app.put("terminado_settings", Map.of("shell_command", List.of("/bin/bash")));
        Files.createDirectories(configDir);
        new ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValue(configDir.resolve("jupyter_notebook_config.json").toFile(), Map.of("NotebookApp", app));
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        URI api = URI.create("http://127.0.0.1:" + port + baseUrl + "api");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("jupyter exited with " + process.exitValue() + " before answering; its log:\n" + logTail());
            }
            try {
                HttpURLConnection c = (HttpURLConnection) api.toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                int status = c.getResponseCode();
                c.disconnect();
                if (status == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        throw new AssertionError("jupyter did not answer " + api + " within " + READY_TIMEOUT + "; its log:\n" + logTail());
    }

    public int port() {
        return port;
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Path log() {
        return log;
    }

    /** The last lines of Jupyter's log. */
    public String logTail() {
        return BrowserRun.tail(log).orElse("(no log)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            // SIGTERM: Jupyter shuts its kernels and terminals down; stragglers are killed by PID.
            ChildProcesses.stop(process, STOP_GRACE);
        }
    }

    /** Wraps checked startup failures for fixtures that cannot throw them. */
    public static JupyterServer startUnchecked(Path dir, String baseUrl) {
        try {
            return start(dir, baseUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
