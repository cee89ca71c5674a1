package dev.portcullis.tunnel;

/**
 * Verifies an agent's token during the tunnel handshake. May be slow-ish (JWT verification, key lookup): the tunnel
 * server calls it on its blocking executor, never on an event loop. Must be thread-safe.
 */
@FunctionalInterface
public interface AgentAuthenticator {

    /**
     * Returns the agent id the token authenticates (its {@code sub}).
     *
     * @throws AgentAuthenticationException if the token is not valid; its message is sent to the agent
     */
    String authenticate(String agentToken) throws AgentAuthenticationException;
}
