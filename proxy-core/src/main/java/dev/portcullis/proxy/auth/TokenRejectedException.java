package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

/**
 * A token was refused. The {@link #reason()} is for metrics and logs; clients only ever see a bare 401.
 *
 * <p>The message never contains the token, and values taken from an unverified token (such as a {@code kid}) are
 * truncated and stripped of control characters by {@link #quote(Object)} before they reach it. The exception has no
 * stack trace: hostile token floods are expected and must stay cheap.
 */
public final class TokenRejectedException extends Exception {
    private static final long serialVersionUID = 1L;
    private static final int MAX_QUOTED = 64;

    /** Why a token was refused. */
    public enum Reason {
        MALFORMED,
        TOO_LARGE,
        UNSIGNED,
        BAD_ALGORITHM,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        EXPIRED,
        NOT_YET_VALID,
        LIFETIME_TOO_LONG,
        WRONG_ISSUER,
        WRONG_AUDIENCE,
        WRONG_CLASS,
        MISSING_CLAIM,
        BAD_CLAIM_TYPE
    }

    private final Reason reason;

    /** {@code detail} must not contain the token; pass untrusted values through {@link #quote(Object)}. */
    public TokenRejectedException(Reason reason, String detail) {
        super(requireNonNull(reason, "reason") + ": " + requireNonNull(detail, "detail"), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Renders an untrusted value for a log line: quoted, at most 64 characters, control and non-ASCII characters
     * replaced by '?', so a hostile claim can neither forge log lines nor flood them.
     */
    public static String quote(Object value) {
        if (value == null) {
            return "null";
        }
        String s = String.valueOf(value);
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_QUOTED) + 5).append('\'');
        for (int i = 0; i < s.length() && i < MAX_QUOTED; i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
        }
        if (s.length() > MAX_QUOTED) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
