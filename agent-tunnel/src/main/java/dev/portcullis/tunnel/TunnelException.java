package dev.portcullis.tunnel;

/** A tunnel operation failed; {@link #code()} says how. */
public class TunnelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final TunnelErrorCode code;

    public TunnelException(TunnelErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public TunnelException(TunnelErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public TunnelErrorCode code() {
        return code;
    }
}
