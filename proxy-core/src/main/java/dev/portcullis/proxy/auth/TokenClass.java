package dev.portcullis.proxy.auth;

/**
 * The kinds of token the gate accepts, told apart by the {@code typ} claim so that a token minted for one purpose is
 * never accepted for another (SECURITY.md row 18).
 */
public enum TokenClass {
    /** Short-lived, single-use (by {@code jti}), bound to one session and app; swapped for an app cookie. */
    LAUNCH("launch"),
    /** A bearer token for one session and app (terminal clients, scripts). */
    ACCESS("access"),
    /** An agent's credential for the tunnel listener; its subject is the agent id. */
    AGENT("agent"),
    /** The control plane's or an operator's credential for the admin API; its subject names who acted. */
    ADMIN("admin"),
    /**
     * Short-lived, single-use (by {@code jti}), naming a user and no session: swapped at {@code /.portcullis/login}
     * for the dashboard cookie, which lists the user's sessions and never opens an app by itself.
     */
    LOGIN("login");

    private final String claimValue;

    TokenClass(String claimValue) {
        this.claimValue = claimValue;
    }

    /** The value of the {@code typ} claim for this class. */
    public String claimValue() {
        return claimValue;
    }

    /** Whether tokens of this class name a session and an app ({@code sid}, {@code app}). */
    public boolean isUserToken() {
        return this == LAUNCH || this == ACCESS;
    }

    /** Whether tokens of this class must carry a {@code jti} that the registry claims once. */
    public boolean isSingleUse() {
        return this == LAUNCH || this == LOGIN;
    }

    /** Returns the class whose claim value is {@code value}, or {@code null} if there is none. */
    public static TokenClass fromClaimValue(String value) {
        for (TokenClass c : values()) {
            if (c.claimValue.equals(value)) {
                return c;
            }
        }
        return null;
    }
}
