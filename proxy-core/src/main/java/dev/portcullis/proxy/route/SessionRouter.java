package dev.portcullis.proxy.route;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import java.util.Locale;
import java.util.Optional;

/**
 * Maps (Host, normalised path) to a {@link Route}: subdomain mode when the host is {@code {session}-{app}.{appsDomain}}
 * (split at the LAST '-', since app names have none), else path mode {@code /s/{session}/{app}/...}. Looks nothing up:
 * whether the session exists is the gate's business.
 *
 * <p>Immutable and thread-safe.
 */
public final class SessionRouter {
    private final String appsDomainSuffix;

    /** @param appsDomain the apps domain (enables subdomain mode), or {@code null} for path mode only */
    public SessionRouter(String appsDomain) {
        this.appsDomainSuffix = appsDomain == null ? null : "." + appsDomain.toLowerCase(Locale.ROOT);
    }

    /** The outcome of routing one request. */
    public sealed interface Result permits Routed, Redirect, NoRoute {}

    /** The request names a session's app. */
    public record Routed(Route route) implements Result {}

    /** {@code /s/{sid}/{app}} without the trailing slash: 301 to {@code location} (path only; add the query). */
    public record Redirect(String location) implements Result {}

    /** The request names no session app (404). */
    public record NoRoute() implements Result {}

    /**
     * Routes one request.
     *
     * @param hostName the Host header's name, without port, any case
     * @param path the normalised path (see {@link PathNormalizer})
     */
    public Result route(String hostName, String path) {
        requireNonNull(hostName, "hostName");
        requireNonNull(path, "path");
        Optional<Route> sub = subdomain(hostName.toLowerCase(Locale.ROOT), path);
        if (sub.isPresent()) {
            return new Routed(sub.get());
        }
        return pathMode(path);
    }

    /** Whether {@code hostName} is a subdomain-mode app host for {@code session}/{@code app}. */
    public boolean isAppHost(String hostName, SessionId session, String app) {
        return appsDomainSuffix != null
                && hostName.toLowerCase(Locale.ROOT).equals(session.value() + "-" + app + appsDomainSuffix);
    }

    /** The app host name in subdomain mode ({@code {sid}-{app}.{appsDomain}}), or empty in path-only mode. */
    public Optional<String> appHost(SessionId session, String app) {
        return appsDomainSuffix == null ? Optional.empty() : Optional.of(session.value() + "-" + app + appsDomainSuffix);
    }

    /** Whether subdomain mode is on. */
    public boolean subdomainMode() {
        return appsDomainSuffix != null;
    }

    /** The apps domain (lower case, no leading dot) in subdomain mode, or empty in path-only mode. */
    public Optional<String> appsDomain() {
        return appsDomainSuffix == null ? Optional.empty() : Optional.of(appsDomainSuffix.substring(1));
    }

    private Optional<Route> subdomain(String host, String path) {
        if (appsDomainSuffix == null || !host.endsWith(appsDomainSuffix)) {
            return Optional.empty();
        }
        String label = host.substring(0, host.length() - appsDomainSuffix.length());
        int dash = label.lastIndexOf('-');
        if (label.indexOf('.') >= 0 || dash <= 0) {
            return Optional.empty();
        }
        SessionId session = SessionId.parseOrNull(label.substring(0, dash));
        String app = label.substring(dash + 1);
        if (session == null || !AppSpec.isValidName(app)) {
            return Optional.empty();
        }
        return Optional.of(new Route(session, app, path, Route.Mode.SUBDOMAIN));
    }

    private static Result pathMode(String path) {
        if (!path.startsWith("/s/")) {
            return new NoRoute();
        }
        int sidEnd = path.indexOf('/', 3);
        if (sidEnd < 0) {
            return new NoRoute();
        }
        SessionId session = SessionId.parseOrNull(path.substring(3, sidEnd));
        int appEnd = path.indexOf('/', sidEnd + 1);
        String app = appEnd < 0 ? path.substring(sidEnd + 1) : path.substring(sidEnd + 1, appEnd);
        if (session == null || !AppSpec.isValidName(app)) {
            return new NoRoute();
        }
        if (appEnd < 0) {
            return new Redirect(Route.pathPrefix(session, app));
        }
        return new Routed(new Route(session, app, path, Route.Mode.PATH));
    }
}
