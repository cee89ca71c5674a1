package dev.portcullis.proxy.browser;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Node scenarios of {@code src/test/browser} (playwright-core driving {@link BrowserTools#CHROMIUM}) as child
 * processes, each with one JSON argument, and collects the step lines they print. Installs the pinned npm
 * dependencies first ({@code npm ci}) when {@code node_modules} is missing or holds another version, with
 * {@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1}: no browser is ever downloaded.
 *
 * <p>Thread-safe (the install step is synchronised).
 */
public final class BrowserScripts {
    private static final Logger logger = LoggerFactory.getLogger(BrowserScripts.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    /** The module directory: surefire runs tests there and sets {@code basedir}. */
    private static final Path MODULE = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
    /** The Node project: package.json, package-lock.json and the scenario scripts. */
    public static final Path PROJECT = MODULE.resolve("src/test/browser");
    /** Screenshots, step reports and logs of every browser run, kept after the build. */
    public static final Path ARTIFACTS = MODULE.resolve("target/browser-artifacts");

    private BrowserScripts() {}

    /**
     * Runs {@code script} with {@code options} plus {@code outDir} (screenshots and logs go there) and
     * {@code chromium}; kills the run (by PID, with its browser) if it outlives {@code timeout}.
     */
    public static BrowserRun run(String script, Map<String, Object> options, Path outDir, Duration timeout) {
        requireNonNull(script, "script");
        requireNonNull(options, "options");
        installDependencies();
        try {
            clean(outDir);
            Map<String, Object> all = new java.util.LinkedHashMap<>(options);
            all.put("outDir", outDir.toAbsolutePath().toString());
            all.put("chromium", BrowserTools.CHROMIUM.toString());
            Path stdout = outDir.resolve("steps.jsonl");
            Path stderr = outDir.resolve("node-stderr.log");
            ProcessBuilder builder = new ProcessBuilder(node(), PROJECT.resolve(script).toString(), JSON.writeValueAsString(all))
                    .directory(PROJECT.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile());
            builder.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            Process process = builder.start();
            logger.info("browser run {} pid {}: artifacts in {}", script, process.pid(), outDir);
            boolean finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                ChildProcesses.stop(process, Duration.ofSeconds(5));
            }
            return new BrowserRun(script, steps(stdout), finished, finished ? process.exitValue() : -1, outDir, stderr);
        } catch (IOException e) {
            throw new UncheckedIOException("running " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + script, e);
        }
    }

    /** Empties {@code dir} (a previous run's screenshots would mislead whoever looks at them), or creates it. */
    private static void clean(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            try (var files = Files.walk(dir)) {
                for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    if (!p.equals(dir)) {
                        Files.delete(p);
                    }
                }
            }
        }
        Files.createDirectories(dir);
    }

    private static List<BrowserRun.Step> steps(Path stdout) throws IOException {
        List<BrowserRun.Step> steps = new ArrayList<>();
        for (String line : Files.readAllLines(stdout)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode n = JSON.readTree(line);
            steps.add(new BrowserRun.Step(n.path("step").asText(), n.path("ok").asBoolean(), text(n, "detail"),
                    text(n, "error"), text(n, "url"), text(n, "screenshot")));
        }
        return steps;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String node() {
        return BrowserTools.onPath("node").map(Path::toString).orElse("node");
    }

    /** {@code npm ci} when node_modules lacks the playwright-core version that package.json pins. */
    public static synchronized void installDependencies() {
        try {
            String pinned = JSON.readTree(PROJECT.resolve("package.json").toFile()).path("dependencies").path("playwright-core").asText();
            Path installed = PROJECT.resolve("node_modules/playwright-core/package.json");
            if (Files.exists(installed) && JSON.readTree(installed.toFile()).path("version").asText().equals(pinned)) {
                return;
            }
            Files.createDirectories(ARTIFACTS);
            Path log = ARTIFACTS.resolve("npm-ci.log");
            String npm = BrowserTools.onPath("npm").map(Path::toString).orElse("npm");
            ProcessBuilder builder = new ProcessBuilder(npm, "ci", "--no-audit", "--no-fund", "--prefer-offline")
                    .directory(PROJECT.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
            logger.info("installing playwright-core {} with npm ci in {} (log: {})", pinned, PROJECT, log);
            Process process = builder.start();
            if (!process.waitFor(NPM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                ChildProcesses.stop(process, Duration.ofSeconds(5));
                throw new AssertionError("npm ci in " + PROJECT + " did not finish within " + NPM_TIMEOUT + "; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("npm ci in " + PROJECT + " failed (exit " + process.exitValue() + "):\n"
                        + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("installing the browser tests' npm dependencies", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during npm ci", e);
        }
    }
}
