package dev.portcullis.proxy.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.portcullis.proxy.ProxyConfig;
import dev.portcullis.proxy.PublicLimits;
import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.proxy.auth.TokenSettings;
import dev.portcullis.registry.AppKind;
import dev.portcullis.registry.AppSpec;
import dev.portcullis.registry.SessionId;
import dev.portcullis.registry.SessionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The proxy's config file, as documented in configs/proxy.yaml (YAML key {@code public} maps to
 * {@link #publicListener}, a Java keyword otherwise). Relative paths resolve against the file's directory.
 */
record ProxyFile(
        String nodeId,
        @JsonProperty("public") Listener publicListener,
        Listener tunnel,
        Listener admin,
        String registry,
        Tokens tokens,
        Cookie cookie,
        Lease lease,
        List<StaticSession> sessions,
        Revocations revocation,
        Limits limits,
        List<String> allowedOrigins) {

    private static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(30);
    private static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);

    record Listener(String host, Integer port, String tlsCert, String tlsKey, String appsDomain) {}

    record Tokens(String issuer, String audience, String agentAudience, String jwksFile, String clockSkew,
            String adminAudience) {}

    /** Key {@code revocation}: how long revocations are kept, and the grace after a credential expires mid-connection. */
    record Revocations(String ttl, String expiryGrace) {}

    record Cookie(String secretFile, String maxAge) {}

    record Lease(String ttl, String heartbeat) {}

    record Limits(Integer maxHeaderSize, Integer maxHeaders, String requestParseTimeout, String noRequestTimeout,
            String idleTimeout, Integer maxConnectionsPerIp) {}

    record StaticApp(String name, Integer port, String kind) {}

    record StaticSession(String id, String owner, String agent, List<StaticApp> apps) {}

    static ProxyFile read(Path file) {
        return ConfigFiles.read(file, ProxyFile.class);
    }

    /** Builds the proxy's config; {@code dir} resolves relative paths. */
    ProxyConfig toConfig(Path dir) {
        ProxyConfig.Builder b = ProxyConfig.builder();
        if (nodeId != null) {
            b.nodeId(nodeId);
        }
        if (publicListener != null) {
            b.publicBind(orDefault(publicListener.host(), "0.0.0.0"), orDefault(publicListener.port(), 8080));
            if (publicListener.tlsCert() != null || publicListener.tlsKey() != null) {
                b.publicTls(
                        dir.resolve(ConfigFiles.require("public.tls-cert", publicListener.tlsCert())),
                        dir.resolve(ConfigFiles.require("public.tls-key", publicListener.tlsKey())));
            }
            if (publicListener.appsDomain() != null) {
                b.appsDomain(publicListener.appsDomain());
            }
        }
        Listener t = ConfigFiles.require("tunnel", tunnel);
        b.tunnelBind(orDefault(t.host(), "0.0.0.0"), orDefault(t.port(), 8443));
        b.tunnelTls(
                dir.resolve(ConfigFiles.require("tunnel.tls-cert", t.tlsCert())),
                dir.resolve(ConfigFiles.require("tunnel.tls-key", t.tlsKey())));
        if (admin != null) {
            b.adminBind(orDefault(admin.host(), "127.0.0.1"), orDefault(admin.port(), 9090));
        }
        if (limits != null) {
            b.publicLimits(publicLimits(limits));
        }
        if (allowedOrigins != null) {
            try {
                b.allowedOrigins(allowedOrigins);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("allowed-origins: " + e.getMessage(), e);
            }
        }
        Tokens tk = ConfigFiles.require("tokens", tokens);
        Path jwks = dir.resolve(ConfigFiles.require("tokens.jwks-file", tk.jwksFile()));
        KeySet keys;
        try {
            keys = KeySet.fromJwksFile(jwks);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("tokens.jwks-file: " + jwks + ": " + e.getMessage(), e);
        }
        TokenSettings.Builder ts = TokenSettings.builder()
                .issuer(ConfigFiles.require("tokens.issuer", tk.issuer()))
                .audience(ConfigFiles.require("tokens.audience", tk.audience()))
                .agentAudience(ConfigFiles.require("tokens.agent-audience", tk.agentAudience()))
                .keySet(keys);
        if (tk.adminAudience() != null) {
            ts.adminAudience(tk.adminAudience());
        }
        if (tk.clockSkew() != null) {
            ts.clockSkew(ConfigFiles.duration("tokens.clock-skew", tk.clockSkew(), null));
        }
        b.tokenSettings(ts.build());
        if (cookie != null) {
            if (cookie.secretFile() != null) {
                Path secret = dir.resolve(cookie.secretFile());
                try {
                    b.cookieSecret(Files.readAllBytes(secret));
                } catch (IOException e) {
                    throw new ConfigException("cookie.secret-file: " + secret + ": cannot read (" + e.getMessage() + ")", e);
                }
            }
            if (cookie.maxAge() != null) {
                b.cookieMaxAge(ConfigFiles.duration("cookie.max-age", cookie.maxAge(), null));
            }
        }
        if (lease != null) {
            b.lease(
                    ConfigFiles.duration("lease.ttl", lease.ttl(), DEFAULT_LEASE_TTL),
                    ConfigFiles.duration("lease.heartbeat", lease.heartbeat(), DEFAULT_HEARTBEAT));
        }
        if (revocation != null) {
            if (revocation.ttl() != null) {
                b.revocationTtl(ConfigFiles.duration("revocation.ttl", revocation.ttl(), null));
            }
            if (revocation.expiryGrace() != null) {
                b.expiryGrace(ConfigFiles.duration("revocation.expiry-grace", revocation.expiryGrace(), null));
            }
        }
        return b.build();
    }

    private static PublicLimits publicLimits(Limits l) {
        PublicLimits d = PublicLimits.defaults();
        try {
            return PublicLimits.builder()
                    .maxHeaderSize(orDefault(l.maxHeaderSize(), d.maxHeaderSize()))
                    .maxHeaders(orDefault(l.maxHeaders(), d.maxHeaders()))
                    .requestParseTimeout(ConfigFiles.duration("limits.request-parse-timeout", l.requestParseTimeout(), d.requestParseTimeout()))
                    .noRequestTimeout(ConfigFiles.duration("limits.no-request-timeout", l.noRequestTimeout(), d.noRequestTimeout()))
                    .idleTimeout(ConfigFiles.duration("limits.idle-timeout", l.idleTimeout(), d.idleTimeout()))
                    .maxConnectionsPerIp(orDefault(l.maxConnectionsPerIp(), d.maxConnectionsPerIp()))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("limits: " + e.getMessage(), e);
        }
    }

    String registrySpec() {
        return registry == null ? "memory:" : registry;
    }

    /** The sessions declared in the file, validated; for single-node setups without a control plane. */
    List<SessionRecord> staticSessions() {
        List<SessionRecord> out = new ArrayList<>();
        if (sessions == null) {
            return out;
        }
        for (int i = 0; i < sessions.size(); i++) {
            StaticSession s = sessions.get(i);
            String key = "sessions[" + i + "]";
            try {
                List<AppSpec> apps = new ArrayList<>();
                for (StaticApp a : ConfigFiles.require(key + ".apps", s.apps())) {
                    apps.add(new AppSpec(
                            a.name(),
                            ConfigFiles.require(key + ".apps.port", a.port()),
                            parseKind(key, a.kind())));
                }
                out.add(new SessionRecord(new SessionId(s.id()), s.owner(), s.agent(), apps));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static AppKind parseKind(String key, String kind) {
        if (kind == null) {
            return AppKind.HTTP;
        }
        try {
            return AppKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".apps.kind: " + kind + " (expected: http, jupyter or terminal)", e);
        }
    }

    private static <T> T orDefault(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
