package dev.portcullis.proxy.error;

import org.slf4j.event.Level;

/**
 * Every way a request can fail at the proxy, with what the user sees (status, title, message), the stable error code
 * of the JSON body and metrics, and the level the failure is logged at. One line per failure, never a stack trace for
 * an expected one.
 */
public enum ProxyError {
    BAD_REQUEST(400, "bad-request", "Bad request", "The request could not be understood. Check the address and try again.", Level.INFO),
    UNAUTHORIZED(401, "unauthorized", "Sign-in required",
            "This link has no valid access token, or it has expired or been used already. Open the app again from your "
                    + "dashboard, or ask for a new launch link.",
            Level.INFO),
    SIGN_IN_REQUIRED(401, "sign-in-required", "Sign in to see your sessions",
            "You are not signed in here, or your sign-in has expired. Open the sign-in link from the service that "
                    + "started your sessions; sign-in links work once, for a few minutes.",
            Level.INFO),
    FORBIDDEN(403, "forbidden", "Request refused",
            "This request did not come from the Portcullis page it belongs to, so it was refused. Go back to your "
                    + "sessions and try again from there.",
            Level.INFO),
    NOT_FOUND(404, "not-found", "Not found",
            "There is no such session or app, or it is not yours. Check the address, or open the app from your dashboard.",
            Level.INFO),
    CROSS_SITE(403, "cross-site", "Request from another site refused",
            "This request came from another web site, or a WebSocket without an allowed Origin, and was refused. Open the app from its own address.",
            Level.INFO),
    METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed", "This address does not accept that method.", Level.INFO),
    AGENT_OFFLINE(502, "agent-offline", "Session offline",
            "The compute node running this session is not connected right now. Wait a moment and reload.", Level.WARN),
    APP_UNREACHABLE(502, "app-unreachable", "App not reachable",
            "The app in this session did not accept the connection. It may still be starting, or it has stopped. Reload in a moment.",
            Level.WARN),
    TUNNEL_LOST(502, "tunnel-lost", "Connection to the session lost",
            "The connection to the compute node was lost while handling this request. Reload to try again.", Level.WARN),
    TOO_MANY_CONNECTIONS(503, "too-many-connections", "Too many connections",
            "Your address has too many open connections to this proxy. Close some tabs or clients and try again.", Level.WARN),
    REGISTRY_UNAVAILABLE(503, "registry-unavailable", "Service unavailable",
            "The proxy cannot look up sessions right now. Try again in a moment.", Level.ERROR),
    APP_TIMEOUT(504, "app-timeout", "App did not answer in time",
            "The app in this session took too long to answer. It may be busy; reload to try again.", Level.WARN);

    private final int status;
    private final String code;
    private final String title;
    private final String userMessage;
    private final Level logLevel;

    ProxyError(int status, String code, String title, String userMessage, Level logLevel) {
        this.status = status;
        this.code = code;
        this.title = title;
        this.userMessage = userMessage;
        this.logLevel = logLevel;
    }

    /** The HTTP status the user gets. */
    public int status() {
        return status;
    }

    /** The stable machine-readable code: the {@code error} field of the JSON body, and a metric tag. */
    public String code() {
        return code;
    }

    /** A short human title for the HTML page. */
    public String title() {
        return title;
    }

    /** What happened and what to do, for a person. */
    public String userMessage() {
        return userMessage;
    }

    /** The level at which a failure of this kind is logged. */
    public Level logLevel() {
        return logLevel;
    }
}
