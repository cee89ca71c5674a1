package dev.portcullis.proxy.cli;

import dev.portcullis.proxy.auth.DemoKeys;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code portcullis keygen}: writes a fresh ES256 signing key as a public JWKS (the proxy's {@code tokens.jwks-file})
 * and a private JWK readable only by its owner (for {@code portcullis token --private-jwk}). For demos, tests,
 * benchmarks and bootstrapping; production keys belong to the control plane. Prints the key's kid.
 */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Write a new ES256 key: public JWKS + private JWK (for tests, benchmarks, bootstrapping).")
public final class KeygenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--jwks", required = true, description = "Public JWKS file to write (replaced if present).")
    Path jwks;

    @Option(names = "--private-jwk", required = true, description = "Private JWK file to write (mode 0600).")
    Path privateJwk;

    @Override
    public Integer call() throws Exception {
        String kid = DemoKeys.generate(jwks, privateJwk);
        PrintWriter out = spec.commandLine().getOut();
        out.println(kid);
        out.flush();
        return 0;
    }
}
