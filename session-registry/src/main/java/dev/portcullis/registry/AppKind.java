package dev.portcullis.registry;

/** What speaks on an app's port; it decides nothing about authorisation, only how pages present the app. */
public enum AppKind {
    /** A web app: HTTP, possibly with WebSockets (a dashboard, a web IDE). */
    HTTP,
    /** A Jupyter server, which needs its base URL to equal the public path prefix. */
    JUPYTER,
    /** A terminal backend reached over a WebSocket. */
    TERMINAL
}
