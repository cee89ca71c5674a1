package dev.portcullis.proxy.browser;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the programs the browser tests run: Debian's {@code chromium}, {@code jupyter} (with ipykernel and terminado),
 * {@code node} and {@code npm}. {@link #requireAll()} fails with the Debian packages to install, so that a machine
 * without them gets a clear error rather than a silently skipped test ({@code .ci/run} installs them).
 *
 * <p>Stateless.
 */
public final class BrowserTools {
    /** Debian's Chromium; playwright-core drives it and never downloads a browser of its own. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Debian's notebook launcher, whose interpreter (/usr/bin/python3) has notebook, ipykernel and terminado. */
    public static final Path JUPYTER = Path.of("/usr/bin/jupyter-notebook");

    private BrowserTools() {}

    /** Chromium, Node and npm, and Jupyter: see {@link #require(boolean)}. */
    public static void requireAll() {
        require(true);
    }

    /** Throws an {@link AssertionError} naming every missing program and the Debian packages that provide it. */
    public static void require(boolean jupyter) {
        Map<String, String> missing = new LinkedHashMap<>();
        if (!Files.isExecutable(CHROMIUM)) {
            missing.put(CHROMIUM.toString(), "chromium");
        }
        if (jupyter && (!Files.isExecutable(JUPYTER) || !Files.exists(Path.of("/usr/share/jupyter/kernels/python3/kernel.json")))) {
            missing.put(JUPYTER + " with a python3 kernel", "jupyter-notebook python3-ipykernel python3-terminado");
        }
        if (onPath("node").isEmpty()) {
            missing.put("node", "nodejs");
        }
        if (onPath("npm").isEmpty()) {
            missing.put("npm", "npm");
        }
        if (!missing.isEmpty()) {
            List<String> packages = new ArrayList<>(missing.values());
            throw new AssertionError("the browser tests need " + String.join(", ", missing.keySet())
                    + ". Install them (Debian: apt-get install " + String.join(" ", packages)
                    + "; .ci/run does this), or leave the browser tests out with -Dtest='!*BrowserTest'.");
        }
    }

    /** The first executable {@code name} on PATH. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                Path candidate = Path.of(entry, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }
}
