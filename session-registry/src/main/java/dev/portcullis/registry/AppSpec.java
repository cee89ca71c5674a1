package dev.portcullis.registry;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One app of a session: its name (unique in the session), the port it listens on on the agent's node, and its kind.
 * App names are 1 to 32 characters of {@code [a-z0-9]}: no '-', so that {@code <session>-<app>} host labels split
 * unambiguously at the last '-'.
 */
public record AppSpec(String name, int port, AppKind kind) {
    private static final Pattern VALID_NAME = Pattern.compile("[a-z0-9]{1,32}");

    public AppSpec {
        if (name == null || !VALID_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("app name: " + RegistryException.quote(name) + " (expected: 1-32 of [a-z0-9])");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("app port: " + port + " (expected: 1-65535)");
        }
        Objects.requireNonNull(kind, "kind");
    }

    public static boolean isValidName(String name) {
        return name != null && VALID_NAME.matcher(name).matches();
    }
}
