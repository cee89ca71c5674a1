package dev.portcullis.tunnel.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builders of the tunnel's TLS contexts with the fastest engine this platform has: BoringSSL through netty-tcnative
 * when its native library loads (linux-x86_64 ships with the distribution), the JDK's engine otherwise. Profiles of
 * single-stream downloads put the JDK's AES-GCM and SSLEngine at about a quarter of all CPU; BoringSSL does the same
 * work in a fraction of it (BENCHMARKS.md, "Profiles").
 *
 * <p>{@code -Dportcullis.tunnel.tls=jdk} forces the JDK engine (for comparison, or if the native library misbehaves).
 */
public final class TunnelTls {
    private static final Logger logger = LoggerFactory.getLogger(TunnelTls.class);
    /** System property naming the engine: {@code auto} (default), {@code jdk} or {@code openssl}. */
    public static final String ENGINE_PROPERTY = "portcullis.tunnel.tls";
    private static final SslProvider PROVIDER = choose(System.getProperty(ENGINE_PROPERTY, "auto"));

    private TunnelTls() {}

    /** The engine every tunnel context uses in this JVM. */
    public static SslProvider provider() {
        return PROVIDER;
    }

    /** A server (proxy-side) context builder with {@link #provider()}. */
    public static SslContextBuilder forServer(PrivateKey key, X509Certificate... chain) {
        return SslContextBuilder.forServer(key, chain).sslProvider(PROVIDER);
    }

    /** A client (agent-side) context builder with {@link #provider()}. */
    public static SslContextBuilder forClient() {
        return SslContextBuilder.forClient().sslProvider(PROVIDER);
    }

    static SslProvider choose(String setting) {
        switch (setting.trim().toLowerCase(Locale.ROOT)) {
            case "jdk":
                logger.info("tunnel TLS: JDK engine ({}={})", ENGINE_PROPERTY, setting);
                return SslProvider.JDK;
            case "openssl":
                if (!OpenSsl.isAvailable()) {
                    throw new IllegalStateException(ENGINE_PROPERTY + "=openssl but the native TLS library did not load: "
                            + OpenSsl.unavailabilityCause());
                }
                break;
            case "auto":
                if (!OpenSsl.isAvailable()) {
                    logger.info("tunnel TLS: JDK engine (native TLS unavailable: {})", String.valueOf(OpenSsl.unavailabilityCause()));
                    return SslProvider.JDK;
                }
                break;
            default:
                throw new IllegalArgumentException(ENGINE_PROPERTY + ": " + setting + " (expected: auto, jdk or openssl)");
        }
        logger.info("tunnel TLS: {} (netty-tcnative)", OpenSsl.versionString());
        return SslProvider.OPENSSL;
    }
}
