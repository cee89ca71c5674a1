package dev.portcullis.proxy.cli;

import dev.portcullis.proxy.auth.KeySet;
import dev.portcullis.proxy.auth.TokenClass;
import dev.portcullis.proxy.auth.TokenMinter;
import dev.portcullis.proxy.auth.TokenSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code portcullis token}: mints a token with a private JWK, as a control plane would. For demos, tests and
 * operators bootstrapping an agent; production tokens come from the control plane.
 */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Mint a launch, access, login or agent token (prints it).")
public final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--private-jwk", required = true, description = "Private JWK file (the demo prints its path).")
    Path privateJwk;

    @Option(names = "--class", required = true, description = "launch, access, login (dashboard sign-in) or agent.")
    String tokenClass;

    @Option(names = "--subject", required = true, description = "User id (launch/access/login) or agent id (agent).")
    String subject;

    @Option(names = "--session", description = "Session id (launch/access).")
    String session;

    @Option(names = "--app", description = "App name (launch/access).")
    String app;

    @Option(names = "--ttl", defaultValue = "PT5M", description = "Lifetime, ISO-8601 (default ${DEFAULT-VALUE}).")
    String ttl;

    @Option(names = "--issuer", defaultValue = "portcullis-demo")
    String issuer;

    @Option(names = "--audience", defaultValue = "portcullis")
    String audience;

    @Option(names = "--agent-audience", defaultValue = "portcullis-tunnel")
    String agentAudience;

    @Option(names = "--admin-audience", defaultValue = "portcullis-admin")
    String adminAudience;

    @Override
    public Integer call() throws Exception {
        TokenClass cls;
        try {
            cls = TokenClass.valueOf(tokenClass.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--class: " + tokenClass + " (expected: launch, access, login, agent or admin)", e);
        }
        if (cls.isUserToken() && (session == null || app == null)) {
            throw new ConfigException("--session and --app are required for a " + tokenClass + " token");
        }
        TokenSettings settings = TokenSettings.builder()
                .issuer(issuer)
                .audience(audience)
                .agentAudience(agentAudience)
                .adminAudience(adminAudience)
                .keySet(KeySet.empty())
                .build();
        TokenMinter minter = TokenMinter.fromPrivateJwkFile(privateJwk, settings);
        Duration lifetime = ConfigFiles.duration("--ttl", ttl, null);
        PrintWriter out = spec.commandLine().getOut();
        out.println(minter.mint(cls, subject, session, app, lifetime));
        out.flush();
        return 0;
    }
}
