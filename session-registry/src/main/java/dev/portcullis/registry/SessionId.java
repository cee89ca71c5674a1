package dev.portcullis.registry;

import java.util.regex.Pattern;

/**
 * A session's id: 1 to 63 characters of {@code [a-z0-9-]}, starting and ending with a letter or digit, so that
 * it is a valid DNS label and safe in a path segment, a Redis key and a log line without escaping.
 */
public record SessionId(String value) {
    private static final Pattern VALID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    public SessionId {
        if (value == null || !VALID.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "session id: " + RegistryException.quote(value) + " (expected: 1-63 of [a-z0-9-], not starting or ending with '-')");
        }
    }

    /** Returns the id if {@code value} is valid, or {@code null}: for parsing untrusted input without exceptions. */
    public static SessionId parseOrNull(String value) {
        return value != null && VALID.matcher(value).matches() ? new SessionId(value) : null;
    }

    @Override
    public String toString() {
        return value;
    }
}
