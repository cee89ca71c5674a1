package dev.portcullis.proxy.ui;

/** What the dashboard says about an app: can it be opened now. */
enum AppState {
    /**
     * The app answered the probe through this node's tunnel (or the agent holds a live lease on another node, from
     * which this node cannot ask): the app can be opened.
     */
    READY("ready", "Ready"),
    /**
     * The agent is connected but the app does not answer the probe yet (refused, or no answer within the timeout). Open
     * stays enabled: the starting page waits for the app and opens it.
     */
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
