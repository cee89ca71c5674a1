package dev.portcullis.proxy.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controlling terminal of {@code portcullis term}, switched to raw mode with {@code stty} (POSIX; Java has no
 * terminal API) and restored on {@link #close()} or at JVM exit. Raw mode: no local echo, no line editing, no
 * signals from Ctrl-C/Ctrl-Z, so every key goes to the remote terminal as typed.
 *
 * <p>Not thread-safe; the command's thread only (plus the shutdown hook).
 */
final class LocalTty implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(LocalTty.class);

    private final String saved;
    private final Thread restoreAtExit;
    private boolean restored;

    private LocalTty(String saved) {
        this.saved = saved;
        this.restoreAtExit = new Thread(this::restore, "portcullis-tty-restore");
    }

    /** Enters raw mode if {@code /dev/tty} exists and {@code stty} works; empty (line mode) otherwise. */
    static Optional<LocalTty> enterRaw() {
        Optional<String> saved = stty("-g");
        if (saved.isEmpty() || !saved.get().matches("[0-9A-Za-z:=-]+")) {
            return Optional.empty();
        }
        LocalTty tty = new LocalTty(saved.get());
        if (stty("raw -echo").isEmpty()) {
            return Optional.empty();
        }
        Runtime.getRuntime().addShutdownHook(tty.restoreAtExit);
        return Optional.of(tty);
    }

    /** The terminal's rows and columns, if {@code stty size} tells them. */
    static Optional<int[]> size() {
        return stty("size").map(String::trim).filter(s -> s.matches("\\d+ \\d+")).map(s -> {
            String[] parts = s.split(" ");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        }).filter(rc -> rc[0] > 0 && rc[1] > 0);
    }

    private synchronized void restore() {
        if (!restored) {
            restored = true;
            stty(saved);
        }
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreAtExit);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook runs (and finds the terminal restored).
        }
    }

    /** Runs {@code stty <args> < /dev/tty}; its output, or empty if it failed. The args are ours, never the user's. */
    private static Optional<String> stty(String args) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "stty " + args + " < /dev/tty")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            logger.debug("stty {}: {}", args, e.toString());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
