package dev.portcullis.proxy.ui;

/** What the dashboard says about an app: can it be opened now. */
enum AppState {
    /** The session's agent holds a live lease on some proxy node: the app can be opened. */
    READY("ready", "Ready"),
    /** The agent is connected but the app does not answer yet (set by a readiness probe; see ARCHITECTURE.md). */
    STARTING("starting", "Starting"),
    /** No proxy node holds a live lease of the session's agent: the compute node is not connected. */
    OFFLINE("offline", "Agent offline");

    private final String code;
    private final String label;

    AppState(String code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The stable word of the JSON view, the CSS class and the {@code data-state} attribute. */
    String code() {
        return code;
    }

    /** What a person reads. */
    String label() {
        return label;
    }
}
