package dev.portcullis.proxy.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one browser scenario reported: its steps in order (each with its screenshot), whether it finished in time, its
 * exit status and where its artifacts are. {@link #assertPassed} turns a failure into a message that names the step,
 * the browser's URL, the error and the screenshot to look at.
 *
 * <p>Immutable.
 */
public final class BrowserRun {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One step line; {@code detail} on success, {@code error} and {@code url} on failure. */
    public record Step(String name, boolean ok, String detail, String error, String url, String screenshot) {}

    /** The outcome of one {@code visit.mjs} step: the status of the main document and what the page showed. */
    public record Visit(int status, String url, String title, String text) {}

    private final String script;
    private final List<Step> steps;
    private final boolean finished;
    private final int exitStatus;
    private final Path outDir;
    private final Path stderr;

    BrowserRun(String script, List<Step> steps, boolean finished, int exitStatus, Path outDir, Path stderr) {
        this.script = script;
        this.steps = List.copyOf(steps);
        this.finished = finished;
        this.exitStatus = exitStatus;
        this.outDir = outDir;
        this.stderr = stderr;
    }

    public List<Step> steps() {
        return steps;
    }

    /** Fails unless exactly {@code expected} steps ran, in this order, all passed, and the script exited 0 in time. */
    public BrowserRun assertPassed(String... expected) {
        for (int i = 0; i < expected.length; i++) {
            if (i >= steps.size()) {
                throw failure("step '" + expected[i] + "' never ran" + (finished ? "" : " (the run was killed at its timeout)"));
            }
            Step s = steps.get(i);
            if (!s.name().equals(expected[i])) {
                throw failure("expected step '" + expected[i] + "' but the script ran '" + s.name() + "'");
            }
            if (!s.ok()) {
                throw failure("step '" + s.name() + "' failed: " + s.error() + "\n  browser at: " + s.url()
                        + "\n  screenshot: " + s.screenshot());
            }
        }
        if (!finished || exitStatus != 0 || steps.size() != expected.length) {
            throw failure("the script " + (finished ? "exited " + exitStatus : "was killed at its timeout")
                    + " after steps " + steps.stream().map(Step::name).toList());
        }
        return this;
    }

    public Step step(String name) {
        return steps.stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> failure("no step '" + name + "'"));
    }

    /** The detail of a {@code visit.mjs} step. */
    public Visit visit(String name) {
        try {
            JsonNode n = JSON.readTree(step(name).detail());
            return new Visit(n.path("status").asInt(-1), n.path("url").asText(), n.path("title").asText(), n.path("text").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AssertionError failure(String what) {
        return new AssertionError("browser scenario " + script + ": " + what + "\n  artifacts: " + outDir
                + "\n  node stderr (tail):\n" + tail(stderr).orElse("(none)"));
    }

    static Optional<String> tail(Path file) {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(file);
            return Optional.of(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        } catch (IOException e) {
            return Optional.of("(unreadable: " + e + ")");
        }
    }
}
