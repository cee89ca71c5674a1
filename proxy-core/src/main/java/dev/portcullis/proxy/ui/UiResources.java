package dev.portcullis.proxy.ui;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Files of ui-static ({@code portcullis-ui/} on the classpath) by relative name, with their content type and an ETag.
 * Only names made of {@code [A-Za-z0-9._-]} segments that start with a letter or digit (so no {@code ..}, no hidden
 * files, no empty segment, no directory), and only the extensions of {@link #CONTENT_TYPES}: nothing else on the
 * classpath can be named. Files found are kept in memory (the set is small and fixed at build time); names not
 * found are not remembered, so probing cannot grow the cache.
 *
 * <p>Thread-safe. {@link #find} may read the classpath (blocking I/O) the first time a name is asked for: call it off
 * I/O threads, or use {@link #cached} there.
 */
public final class UiResources {
    /** The classpath directory of ui-static. */
    public static final String ROOT = "portcullis-ui/";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(?:/[A-Za-z0-9][A-Za-z0-9_.-]{0,99}){0,7}");
    private static final int MAX_BYTES = 4 * 1024 * 1024;
    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "woff2", "font/woff2",
            "map", "application/json",
            "html", "text/html; charset=utf-8");

    /** One file: its bytes (do not modify), content type and strong ETag (quoted). */
    public record Resource(String name, byte[] bytes, String contentType, String etag) {
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private final ClassLoader loader;
    private final Map<String, Resource> cache = new ConcurrentHashMap<>();

    public UiResources(ClassLoader loader) {
        this.loader = requireNonNull(loader, "loader");
    }

    /** The resources of ui-static as the proxy's own class loader sees them. */
    public static UiResources fromClasspath() {
        return new UiResources(UiResources.class.getClassLoader());
    }

    /** Whether {@code name} is a name this class would look up at all (pattern and extension). */
    public static boolean isServableName(String name) {
        return name != null && NAME.matcher(name).matches() && contentType(name) != null;
    }

    /** The file, if loaded before; never blocks. */
    public Optional<Resource> cached(String name) {
        return Optional.ofNullable(cache.get(name));
    }

    /** The file {@code ROOT + name}, or empty if the name is not servable or there is no such file. May block. */
    public Optional<Resource> find(String name) {
        if (!isServableName(name)) {
            return Optional.empty();
        }
        Resource hit = cache.get(name);
        if (hit != null) {
            return Optional.of(hit);
        }
        URL url = loader.getResource(ROOT + name);
        if (url == null) {
            return Optional.empty();
        }
        try (InputStream in = url.openStream()) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalStateException(ROOT + name + ": larger than " + MAX_BYTES + " bytes");
            }
            Resource r = new Resource(name, bytes, contentType(name), etag(bytes));
            cache.putIfAbsent(name, r);
            return Optional.of(r);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + ROOT + name, e);
        }
    }

    /** Like {@link #find} for a file that must exist (templates): fails with a message naming it. */
    public Resource require(String name) {
        return find(name).orElseThrow(() -> new IllegalStateException(
                ROOT + name + " is not on the classpath (is ui-static a dependency?)"));
    }

    private static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? null : CONTENT_TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String etag(byte[] bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }
}
