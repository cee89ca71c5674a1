package dev.portcullis.proxy.demo;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Jupyter notebook server for {@code portcullis demo}, when {@code jupyter-notebook} is on the PATH: a child
 * process on a free loopback port, with its own HOME, config, data and runtime directories under a temporary
 * directory, {@code base_url} = the app's public path prefix ({@code /s/<sid>/<app>/}), token and password off (only
 * the proxy reaches it, through the agent; the proxy's gate is the login), no {@code allow_origin} (Jupyter compares
 * Origin with the Host the proxy passes through), and a terminal page that works on Debian bookworm's notebook
 * ({@link JupyterStatic}). {@link #close()} stops it and its kernels by PID.
 *
 * <p>Not thread-safe; blocking (process start, readiness polling): for the demo's main thread only.
 */
public final class DemoJupyter implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(DemoJupyter.class);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final Process process;
    private final int port;
    private final String baseUrl;
    private final Path log;

    private DemoJupyter(Process process, int port, String baseUrl, Path log) {
        this.process = process;
        this.port = port;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    /** {@code jupyter-notebook} on the PATH, if any. */
    public static Optional<Path> executable() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "jupyter-notebook");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * Starts the server; {@link #awaitReady} waits for it.
     *
     * @param baseUrl the app's public path prefix, starting and ending with '/'
     */
    public static DemoJupyter start(Path executable, Path dir, String baseUrl) throws IOException {
        return start(executable, dir, baseUrl, Map.of());
    }

    /**
     * As {@link #start(Path, Path, String)}, with {@code settings} added to (or replacing) the {@code NotebookApp}
     * settings above, e.g. {@code extra_static_paths} (the browser tests serve a working xterm.js that way).
     */
    public static DemoJupyter start(Path executable, Path dir, String baseUrl, Map<String, Object> settings) throws IOException {
        requireNonNull(executable, "executable");
        requireNonNull(settings, "settings");
        if (!baseUrl.startsWith("/") || !baseUrl.endsWith("/")) {
            throw new IllegalArgumentException("baseUrl: " + baseUrl + " (expected: starts and ends with '/')");
        }
        Path home = Files.createDirectories(dir.resolve("home"));
        Path config = Files.createDirectories(dir.resolve("config"));
        int port = freePort();
        Map<String, Object> app = new LinkedHashMap<>();
        app.put("ip", "127.0.0.1");
        app.put("port", port);
        app.put("port_retries", 0);
        app.put("open_browser", false);
        app.put("token", "");
        app.put("password", "");
        app.put("base_url", baseUrl);
        app.put("allow_remote_access", true);
        // Containers often run as root; the notebook refuses to start as root without this.
        app.put("allow_root", true);
        app.put("notebook_dir", home.toString());
        // A working terminal page on Debian bookworm's notebook (see JupyterStatic).
        app.put("extra_static_paths", List.of(JupyterStatic.write(dir.resolve("static")).toString()));
        app.putAll(settings);
        new ObjectMapper().writeValue(config.resolve("jupyter_notebook_config.json").toFile(), Map.of("NotebookApp", app));
        Path log = dir.resolve("jupyter.log");
        ProcessBuilder builder = new ProcessBuilder(executable.toString())
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.put("HOME", home.toString());
        env.put("JUPYTER_CONFIG_DIR", config.toString());
        env.put("JUPYTER_DATA_DIR", dir.resolve("data").toString());
        env.put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        env.put("IPYTHONDIR", dir.resolve("ipython").toString());
        Process process = builder.start();
        logger.info("jupyter pid {} starting on 127.0.0.1:{}{} (log {})", process.pid(), port, baseUrl, log);
        return new DemoJupyter(process, port, baseUrl, log);
    }

    /** Waits until Jupyter's API answers 200; false if it exited or did not answer within {@code timeout}. */
    public boolean awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI api = URI.create("http://127.0.0.1:" + port + baseUrl + "api");
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpURLConnection c = (HttpURLConnection) api.toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(2000);
                int status = c.getResponseCode();
                c.disconnect();
                if (status == 200) {
                    return true;
                }
            } catch (IOException notYet) {
                logger.trace("jupyter not answering yet: {}", notYet.toString());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        return false;
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** Stops Jupyter and its kernels (SIGTERM by PID, then SIGKILL after a grace). */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        logger.info("jupyter pid {} stopped", process.pid());
    }

    @Override
    public String toString() {
        return "jupyter pid " + process.pid();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
