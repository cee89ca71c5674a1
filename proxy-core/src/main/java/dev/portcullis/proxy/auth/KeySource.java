package dev.portcullis.proxy.auth;

/**
 * Where the verifier gets the current {@link KeySet} of a token class: a fixed set, or a refreshing JWKS file or URL
 * ({@link JwksKeySource}).
 *
 * <p>Both methods run on the verification path (possibly an I/O thread): they must return at once and never block.
 */
@FunctionalInterface
public interface KeySource {
    /** The current key set; never null. */
    KeySet current();

    /**
     * A token named {@code kid}, which {@link #current()} does not hold. A refreshing source may schedule a refresh
     * (at most one per interval, on its own thread); the token being verified is refused either way. Untrusted input:
     * never log it unquoted.
     */
    default void unknownKid(String kid) {}
}
