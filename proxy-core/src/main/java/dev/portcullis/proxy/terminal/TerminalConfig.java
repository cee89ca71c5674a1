package dev.portcullis.proxy.terminal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link TerminalBackend} runs for each connection, and its limits. Immutable; build with {@link #builder()}.
 *
 * @param command the program and its arguments (default: {@code $SHELL}, else {@code /bin/bash} or {@code /bin/sh},
 *     with {@code -i})
 * @param environment the whole environment of the process (default: this process's without {@code PORTCULLIS_*},
 *     with {@code TERM=xterm-256color})
 * @param directory the working directory (default: the user's home)
 * @param initialRows rows until the client's first {@code set_size}
 * @param initialColumns columns until then
 * @param maxTerminals terminals at once; the next upgrade gets 503
 */
public record TerminalConfig(List<String> command, Map<String, String> environment, Path directory, int initialRows,
        int initialColumns, int maxTerminals) {

    public TerminalConfig {
        command = List.copyOf(command);
        environment = Map.copyOf(environment);
        requireNonNull(directory, "directory");
        if (command.isEmpty()) {
            throw new IllegalArgumentException("command: [] (expected: a program)");
        }
        checkDimension("initialRows", initialRows);
        checkDimension("initialColumns", initialColumns);
        if (maxTerminals < 1) {
            throw new IllegalArgumentException("maxTerminals: " + maxTerminals + " (expected: >= 1)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.command = command;
        b.environment = new HashMap<>(environment);
        b.directory = directory;
        b.initialRows = initialRows;
        b.initialColumns = initialColumns;
        b.maxTerminals = maxTerminals;
        return b;
    }

    private static void checkDimension(String name, int v) {
        if (v < 1 || v > TerminadoMessage.MAX_DIMENSION) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: 1.." + TerminadoMessage.MAX_DIMENSION + ")");
        }
    }

    /** Mutable, single-threaded. */
    public static final class Builder {
        private List<String> command = List.of(defaultShell(), "-i");
        private Map<String, String> environment = defaultEnvironment();
        private Path directory = Path.of(System.getProperty("user.home", "/"));
        private int initialRows = 24;
        private int initialColumns = 80;
        private int maxTerminals = 32;

        private Builder() {}

        public Builder command(List<String> command) {
            this.command = List.copyOf(command);
            return this;
        }

        /** Sets one variable of the environment (on top of the default). */
        public Builder env(String name, String value) {
            environment.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
            return this;
        }

        public Builder directory(Path directory) {
            this.directory = requireNonNull(directory, "directory");
            return this;
        }

        public Builder initialSize(int rows, int columns) {
            checkDimension("initialRows", rows);
            checkDimension("initialColumns", columns);
            this.initialRows = rows;
            this.initialColumns = columns;
            return this;
        }

        public Builder maxTerminals(int maxTerminals) {
            if (maxTerminals < 1) {
                throw new IllegalArgumentException("maxTerminals: " + maxTerminals + " (expected: >= 1)");
            }
            this.maxTerminals = maxTerminals;
            return this;
        }

        public TerminalConfig build() {
            return new TerminalConfig(command, environment, directory, initialRows, initialColumns, maxTerminals);
        }

        private static String defaultShell() {
            String shell = System.getenv("SHELL");
            if (shell != null && !shell.isBlank() && Files.isExecutable(Path.of(shell))) {
                return shell;
            }
            return Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/bin/sh";
        }

        private static Map<String, String> defaultEnvironment() {
            Map<String, String> env = new HashMap<>(System.getenv());
            // The proxy's own settings (tokens among them) are not the shell's business.
            env.keySet().removeIf(name -> name.startsWith("PORTCULLIS_"));
            env.put("TERM", "xterm-256color");
            return env;
        }
    }
}
