package dev.portcullis.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A session as the registry holds it: who owns it, which agent serves it, and its apps. Immutable.
 *
 * @param owner the user id (a token's {@code sub}) allowed to open the session's apps
 * @param agentId the agent whose node runs the session's container
 */
public record SessionRecord(SessionId id, String owner, String agentId, List<AppSpec> apps) {
    public SessionRecord {
        Objects.requireNonNull(id, "id");
        if (owner == null || owner.isBlank() || owner.length() > 256) {
            throw new IllegalArgumentException("owner: " + RegistryException.quote(owner) + " (expected: 1-256 characters)");
        }
        if (agentId == null || !AgentLease.isValidAgentId(agentId)) {
            throw new IllegalArgumentException(
                    "agent id: " + RegistryException.quote(agentId) + " (expected: 1-64 of [A-Za-z0-9._-])");
        }
        apps = List.copyOf(Objects.requireNonNull(apps, "apps"));
        if (apps.stream().map(AppSpec::name).distinct().count() != apps.size()) {
            throw new IllegalArgumentException("apps: duplicate app names in " + apps);
        }
    }

    public Optional<AppSpec> app(String name) {
        return apps.stream().filter(a -> a.name().equals(name)).findFirst();
    }
}
