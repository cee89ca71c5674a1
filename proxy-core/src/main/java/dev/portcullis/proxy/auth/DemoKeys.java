package dev.portcullis.proxy.auth;

import java.io.IOException;
import java.nio.file.Path;

/** Generates the demo's signing key. */
public final class DemoKeys {
    private DemoKeys() {}

    /** Generates an EC P-256 key pair with a random kid; returns the kid. */
    public static String generate(Path publicJwksFile, Path privateJwkFile) throws IOException {
        throw new UnsupportedOperationException("stub");
    }
}
