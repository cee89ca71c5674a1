package dev.portcullis.registry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a real, throw-away {@code redis-server} on a free loopback port before the tests of a class and stops it
 * (by its own process, never by name) after them. Never touches a Redis the machine already runs.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final RedisServerExtension redis = new RedisServerExtension();
 * ... redis.host(), redis.port(), redis.uri()
 * }</pre>
 *
 * <p>Register it as a {@code static} field. Not thread-safe to start; the accessors are safe once started.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
    private static final Logger logger = LoggerFactory.getLogger(RedisServerExtension.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final int START_ATTEMPTS = 3;

    private Process process;
    private volatile boolean frozen;
    private Path dir;
    private int port;

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        if (process == null) {
            throw new IllegalStateException("redis-server is not started (register the extension on a static field)");
        }
        return port;
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public URI uri() {
        return URI.create("redis://" + host() + ":" + port());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path binary = findRedisServer();
        dir = Files.createTempDirectory("portcullis-redis");
        IllegalStateException failure = null;
        // The free port is found by binding and closing a socket, so another process may take it in between: retry.
        for (int attempt = 1; attempt <= START_ATTEMPTS && process == null; attempt++) {
            try {
                start(binary, freePort());
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        if (process == null) {
            throw failure;
        }
    }

    private void start(Path binary, int candidatePort) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary.toString(),
                "--port", Integer.toString(candidatePort), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--daemonize", "no", "--dir", dir.toString(), "--protected-mode", "yes"));
        Process started = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        List<String> output = new ArrayList<>();
        Thread reader = new Thread(() -> drain(started, ready, output), "redis-server-" + candidatePort + "-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            process = started;
            port = candidatePort;
            logger.info("redis-server pid {} ready on 127.0.0.1:{}", started.pid(), candidatePort);
        } catch (ExecutionException | TimeoutException e) {
            stop(started);
            String log;
            synchronized (output) {
                log = String.join("\n", output);
            }
            throw new IllegalStateException("redis-server on port " + candidatePort + " did not become ready within "
                    + READY_TIMEOUT + "; its output:\n" + log, e);
        }
    }

    /** Reads the server's output to the end, so that it never blocks on a full pipe, and spots readiness. */
    private static void drain(Process started, CompletableFuture<Void> ready, List<String> output) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                synchronized (output) {
                    if (output.size() < 200) {
                        output.add(line);
                    }
                }
                if (line.contains("Ready to accept connections")) {
                    ready.complete(null);
                }
            }
            ready.completeExceptionally(new IllegalStateException("redis-server exited"));
        } catch (IOException e) {
            ready.completeExceptionally(new UncheckedIOException(e));
        }
    }

    /**
     * Stops the server in its tracks (SIGSTOP to its PID): connections stay open, commands get no answer, as when
     * Redis hangs. {@link #thaw()} resumes it; the extension thaws it before stopping it.
     */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
        frozen = true;
    }

    /** Resumes a {@link #freeze() frozen} server (SIGCONT); a no-op when it is not frozen. */
    public void thaw() throws IOException, InterruptedException {
        if (!frozen) {
            return;
        }
        signal("CONT");
        frozen = false;
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            thaw();
            stop(process);
            process = null;
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy(); // SIGTERM: redis-server shuts down cleanly
        if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            logger.warn("redis-server pid {} ignored SIGTERM for {}; killing it", p.pid(), STOP_TIMEOUT);
            p.destroyForcibly();
            p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path findRedisServer() {
        Path usual = Path.of("/usr/bin/redis-server");
        if (Files.isExecutable(usual)) {
            return usual;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(java.io.File.pathSeparator)) {
                Path candidate = Path.of(entry, "redis-server");
                if (!entry.isEmpty() && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("redis-server not found in /usr/bin or on PATH: the Redis tests start a real one."
                + " Install it (Debian/Ubuntu: sudo apt-get install redis-server) and run the tests again.");
    }
}
