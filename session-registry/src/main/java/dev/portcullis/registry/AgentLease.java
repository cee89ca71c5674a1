package dev.portcullis.registry;

import java.time.Instant;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * "Agent {@code agentId} has a live tunnel to proxy node {@code nodeId} until {@code expiresAt}". The proxy node that
 * holds the tunnel writes and renews the lease on a heartbeat; a lease that is not renewed expires by itself, so a
 * crashed node leaves nothing behind for longer than one TTL.
 */
public record AgentLease(String agentId, String nodeId, Instant expiresAt) {
    private static final Pattern VALID_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public AgentLease {
        if (!isValidAgentId(agentId)) {
            throw new IllegalArgumentException("agent id: " + RegistryException.quote(agentId) + " (expected: 1-64 of [A-Za-z0-9._-])");
        }
        if (nodeId == null || !VALID_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node id: " + RegistryException.quote(nodeId) + " (expected: 1-64 of [A-Za-z0-9._-])");
        }
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public static boolean isValidAgentId(String agentId) {
        return agentId != null && VALID_ID.matcher(agentId).matches();
    }
}
