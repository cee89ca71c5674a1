package dev.portcullis.tunnel;

import java.time.Duration;
import java.util.Optional;

/**
 * An agent token was refused. The message is sent to the agent in the handshake's {@code ERR} line, so it must be
 * safe to show: a reason, never the token or key material. Line breaks are flattened before sending.
 */
public class AgentAuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    public AgentAuthenticationException(String message) {
        this(message, null);
    }

    /** @param retryAfter how long the agent should wait before dialing again, or {@code null} for its own backoff */
    public AgentAuthenticationException(String message, Duration retryAfter) {
        super(message);
        this.retryAfter = retryAfter;
    }

    /** The retry-after hint sent to the agent, if any. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
