package dev.portcullis.proxy.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes the directory a Jupyter notebook 6 server gets as {@code extra_static_paths}, which it searches before its own
 * static files. Debian bookworm's notebook bundles a broken xterm.js into its terminal page
 * ({@code terminal/js/main.min.js}: "exports is not defined"), so this directory replaces that bundle with a loader of
 * the page's own modules ({@code portcullis-jupyter/terminal/js/main.min.js}), the terminado client with one for the
 * xterm.js 4 API, and serves the xterm.js and fit addon that ui-static vendors ({@code portcullis-ui/vendor/xterm/}).
 * Nothing under /usr is touched.
 *
 * <p>Stateless; blocking file I/O (call at start-up).
 */
final class JupyterStatic {
    private static final String OVERRIDES = "portcullis-jupyter/";
    private static final String XTERM = "portcullis-ui/vendor/xterm/";

    private JupyterStatic() {}

    /** Fills {@code dir} (created if needed) and returns it. */
    static Path write(Path dir) {
        try {
            copy(OVERRIDES + "terminal/js/main.min.js", dir.resolve("terminal/js/main.min.js"));
            copy(OVERRIDES + "terminal/js/terminado.js", dir.resolve("terminal/js/terminado.js"));
            copy(XTERM + "xterm.js", dir.resolve("portcullis-xterm/xterm.js"));
            copy(XTERM + "xterm-addon-fit.js", dir.resolve("portcullis-xterm/xterm-addon-fit.js"));
            // The page links components/xterm.js-css/index.css; bookworm's is for xterm.js 3.
            copy(XTERM + "xterm.css", dir.resolve("components/xterm.js-css/index.css"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("writing Jupyter's static overrides to " + dir, e);
        }
    }

    private static void copy(String resource, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try (InputStream in = JupyterStatic.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException(resource + " is not on the classpath (ui-static vendors xterm.js at build time)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
