package dev.portcullis.proxy.auth;

import static java.util.Objects.requireNonNull;

import dev.portcullis.tunnel.AgentAuthenticationException;
import dev.portcullis.tunnel.AgentAuthenticator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates agents on the tunnel listener with {@link TokenClass#AGENT} tokens: the agent id is the token's
 * subject. Thread-safe; CPU only.
 */
public final class JwtAgentAuthenticator implements AgentAuthenticator {
    private static final Logger logger = LoggerFactory.getLogger(JwtAgentAuthenticator.class);

    private final TokenVerifier verifier;

    public JwtAgentAuthenticator(TokenVerifier verifier) {
        this.verifier = requireNonNull(verifier, "verifier");
    }

    /**
     * @throws AgentAuthenticationException with only the {@link TokenRejectedException.Reason} as its message (it
     *     is sent to the unauthenticated peer); the detail goes to our log
     */
    @Override
    public String authenticate(String agentToken) throws AgentAuthenticationException {
        try {
            return verifier.verify(agentToken, TokenClass.AGENT).subject();
        } catch (TokenRejectedException e) {
            logger.info("agent token rejected: {}", e.getMessage());
            throw new AgentAuthenticationException("agent token rejected: " + e.reason());
        }
    }
}
