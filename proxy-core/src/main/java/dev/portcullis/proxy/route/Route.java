package dev.portcullis.proxy.route;

import static java.util.Objects.requireNonNull;

import dev.portcullis.registry.SessionId;

/**
 * Where a request goes: a session's app, and the normalised path the app sees (in path mode the whole path, prefix
 * included, since apps like Jupyter use the prefix as their base URL; in subdomain mode the path from '/').
 *
 * @param pathForApp the normalised path, without query
 */
public record Route(SessionId session, String app, String pathForApp, Mode mode) {

    /** How the request named its session. */
    public enum Mode {
        /** {@code /s/{session}/{app}/...} on any host. */
        PATH,
        /** Host {@code {session}-{app}.{appsDomain}}. */
        SUBDOMAIN
    }

    public Route {
        requireNonNull(session, "session");
        requireNonNull(app, "app");
        requireNonNull(pathForApp, "pathForApp");
        requireNonNull(mode, "mode");
    }

    /** The path prefix of the app in path mode ({@code /s/{session}/{app}/}), or {@code /} in subdomain mode. */
    public String prefix() {
        return mode == Mode.PATH ? pathPrefix(session, app) : "/";
    }

    /** {@code /s/{session}/{app}/}. */
    public static String pathPrefix(SessionId session, String app) {
        return "/s/" + session.value() + "/" + app + "/";
    }
}
