package dev.portcullis.proxy;

import static java.util.Objects.requireNonNull;

import dev.portcullis.proxy.auth.TokenSettings;
import dev.portcullis.proxy.internal.Origins;
import dev.portcullis.tunnel.TunnelSettings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Everything a {@link ProxyServer} needs, immutable and validated when set (messages name the value and what is
 * expected). Build with {@link #builder()}; {@link #toBuilder()} for variations. The cookie secret is never printed.
 */
public final class ProxyConfig {
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern DOMAIN = Pattern.compile("(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

    private final Builder b;

    private ProxyConfig(Builder b) {
        this.b = b.copy();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return b.copy();
    }

    public String publicHost() { return b.publicHost; }
    public int publicPort() { return b.publicPort; }
    /** PEM certificate chain of the public listener; empty for plain HTTP. */
    public Optional<Path> publicTlsCert() { return Optional.ofNullable(b.publicTlsCert); }
    public Optional<Path> publicTlsKey() { return Optional.ofNullable(b.publicTlsKey); }
    public boolean publicTls() { return b.publicTlsCert != null; }
    /** The apps domain of subdomain mode ({@code {session}-{app}.{appsDomain}}); empty: path mode only. */
    public Optional<String> appsDomain() { return Optional.ofNullable(b.appsDomain); }
    public String tunnelHost() { return b.tunnelHost; }
    public int tunnelPort() { return b.tunnelPort; }
    public Path tunnelTlsCert() { return b.tunnelTlsCert; }
    public Path tunnelTlsKey() { return b.tunnelTlsKey; }
    public String adminHost() { return b.adminHost; }
    public int adminPort() { return b.adminPort; }
    public String nodeId() { return b.nodeId; }
    public TokenSettings tokenSettings() { return b.tokenSettings; }
    /** The proxy's cookie-signing secret (32+ bytes), or empty for a random one per start. Copy. */
    public Optional<byte[]> cookieSecret() { return Optional.ofNullable(b.cookieSecret).map(byte[]::clone); }
    public Duration cookieMaxAge() { return b.cookieMaxAge; }
    public Duration leaseTtl() { return b.leaseTtl; }
    public Duration heartbeat() { return b.heartbeat; }
    public TunnelSettings tunnelSettings() { return b.tunnelSettings; }
    public int ioThreads() { return b.ioThreads; }
    public int workerThreads() { return b.workerThreads; }
    /** CIDRs whose X-Forwarded-* headers are trusted (not used yet: a later issue). */
    public List<String> trustedProxyCidrs() { return b.trustedProxyCidrs; }
    public Clock clock() { return b.clock; }
    /** How long a live connection outlives the expiry of the credential that admitted it (default 30 s). */
    public Duration expiryGrace() { return b.expiryGrace; }
    /**
     * How long a revocation by user or session (and by token id without an explicit end) is kept: at least the
     * longest lifetime of any credential it must refuse (default 24 h).
     */
    public Duration revocationTtl() { return b.revocationTtl; }
    /** Limits on hostile traffic at the public listener. */
    public PublicLimits publicLimits() { return b.publicLimits; }
    /**
     * Origins ({@code scheme://host[:port]}) allowed for cookie-authenticated WebSocket upgrades and state-changing
     * requests besides the request's own origin (same-origin is always allowed).
     */
    public List<String> allowedOrigins() { return b.allowedOrigins; }

    @Override
    public String toString() {
        return "ProxyConfig{public=" + b.publicHost + ":" + b.publicPort + (publicTls() ? " tls" : "")
                + ", appsDomain=" + b.appsDomain + ", tunnel=" + b.tunnelHost + ":" + b.tunnelPort
                + ", admin=" + b.adminHost + ":" + b.adminPort + ", nodeId=" + b.nodeId + "}";
    }

    /** Builder; setters validate. Not thread-safe. */
    public static final class Builder {
        private String publicHost = "0.0.0.0";
        private int publicPort = 8080;
        private Path publicTlsCert;
        private Path publicTlsKey;
        private String appsDomain;
        private String tunnelHost = "0.0.0.0";
        private int tunnelPort = 8443;
        private Path tunnelTlsCert;
        private Path tunnelTlsKey;
        private String adminHost = "127.0.0.1";
        private int adminPort = 9090;
        private String nodeId = "node-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        private TokenSettings tokenSettings;
        private byte[] cookieSecret;
        private Duration cookieMaxAge = Duration.ofHours(8);
        private Duration leaseTtl = Duration.ofSeconds(30);
        private Duration heartbeat = Duration.ofSeconds(10);
        private TunnelSettings tunnelSettings = TunnelSettings.defaults();
        private int ioThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private int workerThreads = Math.max(8, Runtime.getRuntime().availableProcessors() * 4);
        private List<String> trustedProxyCidrs = List.of();
        private Clock clock = Clock.systemUTC();
        private Duration expiryGrace = Duration.ofSeconds(30);
        private Duration revocationTtl = Duration.ofHours(24);
        private PublicLimits publicLimits = PublicLimits.defaults();
        private List<String> allowedOrigins = List.of();

        private Builder() {}

        public Builder publicBind(String host, int port) {
            this.publicHost = requireNonNull(host, "host");
            this.publicPort = port(port, "publicPort");
            return this;
        }

        /** Serves the public listener over TLS with a PEM certificate chain and PEM (PKCS#8) key. */
        public Builder publicTls(Path certPem, Path keyPem) {
            this.publicTlsCert = requireNonNull(certPem, "certPem");
            this.publicTlsKey = requireNonNull(keyPem, "keyPem");
            return this;
        }

        public Builder appsDomain(String domain) {
            if (domain != null && !DOMAIN.matcher(domain).matches()) {
                throw new IllegalArgumentException("appsDomain: \"" + domain + "\" (expected: a lower-case DNS name, e.g. apps.example.com)");
            }
            this.appsDomain = domain;
            return this;
        }

        public Builder tunnelBind(String host, int port) {
            this.tunnelHost = requireNonNull(host, "host");
            this.tunnelPort = port(port, "tunnelPort");
            return this;
        }

        public Builder tunnelTls(Path certPem, Path keyPem) {
            this.tunnelTlsCert = requireNonNull(certPem, "certPem");
            this.tunnelTlsKey = requireNonNull(keyPem, "keyPem");
            return this;
        }

        public Builder adminBind(String host, int port) {
            this.adminHost = requireNonNull(host, "host");
            this.adminPort = port(port, "adminPort");
            return this;
        }

        public Builder nodeId(String nodeId) {
            if (nodeId == null || !NODE_ID.matcher(nodeId).matches()) {
                throw new IllegalArgumentException("nodeId: \"" + nodeId + "\" (expected: 1-64 of [A-Za-z0-9._-])");
            }
            this.nodeId = nodeId;
            return this;
        }

        public Builder tokenSettings(TokenSettings settings) {
            this.tokenSettings = requireNonNull(settings, "settings");
            return this;
        }

        public Builder cookieSecret(byte[] secret) {
            if (secret != null && secret.length < 32) {
                throw new IllegalArgumentException("cookieSecret: " + secret.length + " bytes (expected: >= 32)");
            }
            this.cookieSecret = secret == null ? null : secret.clone();
            return this;
        }

        public Builder cookieMaxAge(Duration maxAge) {
            this.cookieMaxAge = positive(maxAge, "cookieMaxAge");
            return this;
        }

        public Builder lease(Duration ttl, Duration heartbeat) {
            positive(ttl, "leaseTtl");
            positive(heartbeat, "heartbeat");
            if (heartbeat.compareTo(ttl) >= 0) {
                throw new IllegalArgumentException("heartbeat: " + heartbeat + " (expected: < leaseTtl " + ttl + ")");
            }
            this.leaseTtl = ttl;
            this.heartbeat = heartbeat;
            return this;
        }

        public Builder tunnelSettings(TunnelSettings settings) {
            this.tunnelSettings = requireNonNull(settings, "settings");
            return this;
        }

        public Builder ioThreads(int n) {
            this.ioThreads = threads(n, "ioThreads");
            return this;
        }

        public Builder workerThreads(int n) {
            this.workerThreads = threads(n, "workerThreads");
            return this;
        }

        public Builder trustedProxyCidrs(List<String> cidrs) {
            this.trustedProxyCidrs = List.copyOf(requireNonNull(cidrs, "cidrs"));
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        public Builder expiryGrace(Duration grace) {
            requireNonNull(grace, "expiryGrace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("expiryGrace: " + grace + " (expected: >= 0)");
            }
            this.expiryGrace = grace;
            return this;
        }

        public Builder revocationTtl(Duration ttl) {
            this.revocationTtl = positive(ttl, "revocationTtl");
            return this;
        }

        public Builder publicLimits(PublicLimits limits) {
            this.publicLimits = requireNonNull(limits, "limits");
            return this;
        }

        /** Origins allowed besides same-origin; each {@code scheme://host[:port]}, validated here. */
        public Builder allowedOrigins(List<String> origins) {
            Origins.of(origins);
            this.allowedOrigins = List.copyOf(origins);
            return this;
        }

        public ProxyConfig build() {
            if (tunnelTlsCert == null) {
                throw new IllegalStateException("tunnelTls: not set (expected: PEM certificate and key paths; agents only dial TLS)");
            }
            if (tokenSettings == null) {
                throw new IllegalStateException("tokenSettings: not set (expected: issuer, audiences and keys)");
            }
            return new ProxyConfig(this);
        }

        private Builder copy() {
            Builder c = new Builder();
            c.publicHost = publicHost;
            c.publicPort = publicPort;
            c.publicTlsCert = publicTlsCert;
            c.publicTlsKey = publicTlsKey;
            c.appsDomain = appsDomain;
            c.tunnelHost = tunnelHost;
            c.tunnelPort = tunnelPort;
            c.tunnelTlsCert = tunnelTlsCert;
            c.tunnelTlsKey = tunnelTlsKey;
            c.adminHost = adminHost;
            c.adminPort = adminPort;
            c.nodeId = nodeId;
            c.tokenSettings = tokenSettings;
            c.cookieSecret = cookieSecret == null ? null : cookieSecret.clone();
            c.cookieMaxAge = cookieMaxAge;
            c.leaseTtl = leaseTtl;
            c.heartbeat = heartbeat;
            c.tunnelSettings = tunnelSettings;
            c.ioThreads = ioThreads;
            c.workerThreads = workerThreads;
            c.trustedProxyCidrs = trustedProxyCidrs;
            c.clock = clock;
            c.expiryGrace = expiryGrace;
            c.revocationTtl = revocationTtl;
            c.publicLimits = publicLimits;
            c.allowedOrigins = allowedOrigins;
            return c;
        }

        private static int port(int port, String name) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
            }
            return port;
        }

        private static int threads(int n, String name) {
            if (n < 1 || n > 1024) {
                throw new IllegalArgumentException(name + ": " + n + " (expected: 1-1024)");
            }
            return n;
        }

        private static Duration positive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
            }
            return d;
        }
    }
}
