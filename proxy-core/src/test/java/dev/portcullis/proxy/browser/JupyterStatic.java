package dev.portcullis.proxy.browser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Writes the directory the test Jupyter gets as {@code extra_static_paths}, which Jupyter searches before its own
 * static files. Bookworm's notebook bundles a broken xterm.js into its terminal page ({@code terminal/js/main.min.js}:
 * "exports is not defined"), so this directory replaces that bundle with a loader of the page's own modules
 * ({@code jupyter-static/terminal/js/main.min.js}), the terminado client with one for the xterm.js 4 API, and serves
 * xterm.js and its fit addon from the WebJars on the test classpath. Nothing under /usr is touched.
 *
 * <p>Stateless.
 */
public final class JupyterStatic {
    private static final String OVERRIDES = "jupyter-static/";

    private JupyterStatic() {}

    /** Fills {@code dir} (created if needed) and returns it. */
    public static Path write(Path dir) {
        try {
            copy(OVERRIDES + "terminal/js/main.min.js", dir.resolve("terminal/js/main.min.js"));
            copy(OVERRIDES + "terminal/js/terminado.js", dir.resolve("terminal/js/terminado.js"));
            String xterm = "META-INF/resources/webjars/xterm/" + webJarVersion("xterm") + "/";
            String fit = "META-INF/resources/webjars/xterm-addon-fit/" + webJarVersion("xterm-addon-fit") + "/";
            copy(xterm + "lib/xterm.js", dir.resolve("portcullis-xterm/xterm.js"));
            copy(fit + "lib/xterm-addon-fit.js", dir.resolve("portcullis-xterm/xterm-addon-fit.js"));
            // The page links components/xterm.js-css/index.css; bookworm's is for xterm.js 3.
            copy(xterm + "css/xterm.css", dir.resolve("components/xterm.js-css/index.css"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("writing Jupyter's static overrides to " + dir, e);
        }
    }

    private static String webJarVersion(String artifact) throws IOException {
        String resource = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = resource(resource)) {
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        }
    }

    private static void copy(String resource, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try (InputStream in = resource(resource)) {
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = JupyterStatic.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IOException(name + " is not on the test classpath (is the xterm WebJar a test dependency?)");
        }
        return in;
    }
}
